"""What the load test needs beyond `generate_data`: accounts, roadmaps with execution, contingent,
and the plan the virtual users follow (who logs in as whom, whom a curator pairs).

    DATABASE_URL=postgres://… python loadtest/prepare.py --department gen-1-1 --plan var/loadtest/plan.json

Idempotent: accounts are created once (their password is set again, cheaply), the roadmaps only
while the department has none, the contingent only where a year is missing. The plan is written
anew on every run, from the data as it is now (a mentee left in an active pair by an interrupted
run is simply not offered again). Everything goes through the project's own models and services
(`roadmap.services.save_draft` / `copy_roadmap`, the demo's district roadmap), like `load_demo`.

`--marker TEXT` records, once everything above succeeded, that this database holds the data set
TEXT (table `loadtest_marker`); scripts/loadtest.sh compares it to skip `generate_data` next time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from monitoring.models import Contingent  # noqa: E402
from registry import freshness  # noqa: E402
from registry.models import (  # noqa: E402
    EducationDepartment,
    Membership,
    MentoringFormat,
    Organisation,
    OrganisationKind,
    PairMentee,
    Person,
    PersonCategory,
    Role,
    User,
)
from registry.models.people import current_year  # noqa: E402
from roadmap import services  # noqa: E402
from roadmap.deadlines import parse_period  # noqa: E402
from roadmap.demo import SOURCE  # noqa: E402 — the district roadmap the demo uses
from roadmap.models import Occurrence, Roadmap, Status  # noqa: E402
from roadmap.reading import read_roadmap  # noqa: E402

PASSWORD = "nagruzka-2026"  # synthetic accounts of a throwaway database
PAIR_FORMAT = "ученик – ученик"
ROADMAP_TITLE = "Дорожная карта внедрения целевой модели наставничества (нагрузочный тест)"
MARKER_TABLE = "loadtest_marker"


def log(message: str) -> None:
    print(f"[prepare] {message}", flush=True)


# --- accounts ------------------------------------------------------------------------------------


def ensure_accounts(department: EducationDepartment, prefix: str, curators: int, methodists: int) -> dict:
    """Methodists of the department and one curator for each of the `curators` largest schools."""
    password_hash = make_password(PASSWORD)  # hashed once: the same hash serves every account
    schools = list(
        Organisation.objects.filter(department=department, kind=OrganisationKind.SCHOOL)
        .annotate(students=Count("people", distinct=True))
        .order_by("-students", "code")[:curators]
    )
    if len(schools) < curators:  # a small data set: any organisation with students will do
        extra = (
            Organisation.objects.filter(department=department)
            .exclude(pk__in=[s.pk for s in schools])
            .annotate(students=Count("people", distinct=True))
            .order_by("-students", "code")
        )
        schools += list(extra[: curators - len(schools)])
    wanted = [(f"{prefix}.metodist{n}", Role.METHODIST, None) for n in range(1, methodists + 1)]
    wanted += [(f"{prefix}.kurator.{school.code}", Role.CURATOR, school) for school in schools]
    accounts = {"methodists": [], "curators": []}
    with transaction.atomic():
        for username, role, organisation in wanted:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "last_name": "Нагрузочная" if role == Role.METHODIST else "Кураторова",
                    "first_name": "Анна",
                    "patronymic": "Тестовна",
                    "email": f"{username}@load.invalid",
                    "is_active": True,
                    "password": password_hash,
                },
            )
            Membership.objects.get_or_create(user=user, role=role, department=department, organisation=organisation)
            if role == Role.METHODIST:
                accounts["methodists"].append({"username": username})
            else:
                accounts["curators"].append(
                    {
                        "username": username,
                        "organisation": organisation.pk,
                        "organisation_code": organisation.code,
                    }
                )
    return accounts


# --- roadmaps, execution, contingent ------------------------------------------------------------


def ensure_roadmaps(department: EducationDepartment, methodist: User) -> int:
    """The demo's district roadmap for the current academic year, its copies in every school, and
    execution marked as a municipality would have it by now (most past items done, some in work)."""
    if Roadmap.objects.filter(department=department).exists():
        return 0
    today = date.today()
    first_year = today.year if today.month >= 9 else today.year - 1
    period = parse_period(f"{first_year}–{first_year + 1} учебный год")
    draft = read_roadmap(text=SOURCE.read_text(encoding="utf-8"))
    with transaction.atomic():
        roadmap = services.save_draft(
            draft,
            owner=services.Owner(department),
            title=ROADMAP_TITLE,
            period=period,
            user=methodist,
            order_number="412-о",
            order_date=period.start - timedelta(days=4),
        )
        schools = Organisation.objects.filter(department=department, kind=OrganisationKind.SCHOOL).order_by("code")
        for school in schools:
            services.copy_roadmap(
                roadmap,
                owner=services.Owner(department, school),
                period=period,
                user=methodist,
                title=f"Дорожная карта внедрения целевой модели наставничества в {school.short_name}",
            )
        rng = random.Random(2026)
        past = list(
            Occurrence.objects.filter(item__roadmap__department=department, due__lt=today).values_list("pk", "due")
        )
        done, in_work = [], []
        for pk, _due in past:
            draw = rng.random()
            if draw < 0.6:
                done.append(pk)
            elif draw < 0.75:
                in_work.append(pk)
        # Done on their due date (or today, when due today): one UPDATE per distinct date.
        by_due: dict[date, list[int]] = {}
        due_of = dict(past)
        for pk in done:
            by_due.setdefault(due_of[pk], []).append(pk)
        for due, pks in by_due.items():
            Occurrence.objects.filter(pk__in=pks).update(
                status=Status.DONE,
                done_on=due,
                comment="Выполнено (данные нагрузочного теста)",
                updated_by=methodist,
            )
        Occurrence.objects.filter(pk__in=in_work).update(
            status=Status.IN_PROGRESS,
            comment="В работе",
            updated_by=methodist,
        )
    return 1 + len(schools)


def ensure_contingent(department: EducationDepartment) -> int:
    """Contingent numbers for the last three years, so that the indicator shares have denominators."""
    made = 0
    year = date.today().year
    for organisation in Organisation.objects.filter(department=department).annotate(n=Count("people")):
        base = max(organisation.n, 1)
        for y in range(year - 2, year + 1):
            _, created = Contingent.objects.get_or_create(
                organisation=organisation,
                year=y,
                defaults={
                    "students_total": base * 2,
                    "students_10_18": base,
                    "teachers": max(base // 12, 1),
                    "young_specialists": max(base // 90, 0),
                    "young_teachers": max(base // 60, 0),
                },
            )
            made += created
    if made:
        freshness.touch_all()
    return made


# --- the plan -------------------------------------------------------------------------------------


def pools(organisation_id: int, rng: random.Random, mentors: int = 40, mentees: int = 400) -> dict:
    """Whom a curator's virtual user pairs: older students as mentors, younger ones not in an active
    pair of the form as mentees (each flow completes its pair, so they are free again afterwards)."""
    this_year = current_year()
    students = Person.objects.filter(
        organisation_id=organisation_id,
        category=PersonCategory.STUDENT,
        archived_at__isnull=True,
    )
    pair_format = MentoringFormat.objects.get(name=PAIR_FORMAT, department__isnull=True)
    busy = PairMentee.objects.filter(format=pair_format, active=True).values("mentee_id")
    older = list(students.filter(birth_year__lte=this_year - 15).values_list("pk", "last_name"))
    younger = list(students.filter(birth_year__gt=this_year - 15).exclude(pk__in=busy).values_list("pk", "last_name"))
    rng.shuffle(older)
    rng.shuffle(younger)
    return {"mentors": older[:mentors], "mentees": younger[:mentees]}


def write_plan(path: Path, department: EducationDepartment, accounts: dict) -> None:
    rng = random.Random(7)
    for curator in accounts["curators"]:
        curator.update(pools(curator["organisation"], rng))
        own = Roadmap.objects.filter(organisation_id=curator["organisation"]).order_by("pk").first()
        curator["roadmap"] = own.pk if own else None
    municipal = Roadmap.objects.filter(department=department, organisation__isnull=True).order_by("pk").first()
    surnames = list(
        Person.objects.filter(organisation__department=department)
        .order_by("?")
        .values_list("last_name", flat=True)[:300]
    )
    plan = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "password": PASSWORD,
        "department": {"id": department.pk, "code": department.code},
        "municipal_roadmap": municipal.pk if municipal else None,
        "surnames": sorted(set(surnames)),
        "pair_format": PAIR_FORMAT,
        **accounts,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")


def write_marker(text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (key text PRIMARY KEY, value text NOT NULL, "
            "written timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (key, value) VALUES ('dataset', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, written = now()",
            [text],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--department", default="gen-1-1", help="code of the generated department")
    parser.add_argument("--prefix", default="load", help="account names start with it")
    parser.add_argument("--curators", type=int, default=15, help="curator accounts, one per school (largest first)")
    parser.add_argument("--methodists", type=int, default=6)
    parser.add_argument("--no-roadmap", action="store_true", help="skip roadmaps and contingent")
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--marker", default="")
    args = parser.parse_args()

    started = time.monotonic()
    department = EducationDepartment.objects.filter(code=args.department).first()
    if department is None:
        sys.exit(f"[prepare] no department {args.department!r}: run generate_data first")
    accounts = ensure_accounts(department, args.prefix, args.curators, args.methodists)
    log(
        f"accounts: {len(accounts['methodists'])} methodists, {len(accounts['curators'])} curators "
        f"(password {PASSWORD})"
    )
    if not args.no_roadmap:
        methodist = User.objects.get(username=accounts["methodists"][0]["username"])
        made = ensure_roadmaps(department, methodist)
        log(f"roadmaps created: {made}" if made else "roadmaps: already there")
        log(f"contingent rows created: {ensure_contingent(department)}")
    write_plan(args.plan, department, accounts)
    if args.marker:
        write_marker(args.marker)
    log(f"plan written to {args.plan} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
