"""Timing mentor suggestions (suggestions/) on the current database, for the project's `bench --suggestions`.

    measure(department_code=None, repeat=10, mentees=5000, mentors=2000) -> dict

- **Top five** for the mentees of the department in turn (`suggestions.services.suggest`): pupils of its
  largest organisation in «ученик – ученик» (the school's mentors) and teachers in «учитель – учитель» (the
  department's mentors). The first call of each reads and stores the candidates' lemmas (shown apart); the
  rest are timed with the pool's parts all kept, with one organisation's part stale before each call, and
  with nothing kept (suggestions/pools.py). Target: 200 ms.
- **A whole proposal** (`suggestions.proposals.compute`, what the job runs) for `mentees` teachers with a request
  and `mentors` teachers with places left, made for the run in a throwaway department of 20 schools: in the
  staff form (one problem across the department: the sparse assignment) and in the pupils' form (one problem per
  school: the dense one), each against its greedy pass, with the peak memory the computation allocated
  (tracemalloc, numpy's arrays included). Target: 60 s.

Everything runs inside a transaction rolled back at the end: the lemmas stored, the department, its people
and the proposals leave nothing in the bench database.

    python manage.py shell -c "from bench.suggestions import measure; print(measure())"
"""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import date

from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from bench.indicators import _percentile
from common.text import normalise
from registry import freshness
from registry.models import (
    Consent,
    ConsentGiver,
    EducationDepartment,
    MentoringFormat,
    Organisation,
    OrganisationKind,
    Person,
    PersonCategory,
)
from registry.synthetic.words import COMPETENCIES, REQUESTS, SUBJECT_COMPETENCIES, SUBJECT_REQUESTS, SUBJECTS
from suggestions import rules
from suggestions.models import Proposal
from suggestions.proposals import compute
from suggestions.services import suggest

TOP_TARGET_MS = 200
PROPOSAL_TARGET_S = 60
SCHOOLS = 20


class _RolledBack(Exception):
    pass


def _figures(timings: list[float]) -> dict:
    timings = sorted(timings)
    return {
        "p50_ms": round(_percentile(timings, 0.5) * 1000, 1),
        "p95_ms": round(_percentile(timings, 0.95) * 1000, 1),
        "max_ms": round(timings[-1] * 1000, 1),
    }


def _department(code: str | None) -> EducationDepartment | None:
    if code:
        return EducationDepartment.objects.get(code=code)
    return EducationDepartment.objects.annotate(n=Count("organisations__people")).order_by("-n", "pk").first()


def _top(mentees: list[Person], form: MentoringFormat, repeat: int) -> dict:
    """The top five for the mentees in turn (a different one each call, as a curator goes down a list), in
    the three states of the kept pool (suggestions/pools.py): every organisation's part kept; one part
    stale (a pair formed in one school since: its pairs touched); nothing kept (after an import or
    `generate_data`, which renew every version; the lemmas stay stored)."""
    started = time.perf_counter()
    first = suggest(mentees[0], form)
    cold = time.perf_counter() - started
    organisations = list(
        Organisation.objects.filter(department_id=mentees[0].organisation.department_id).values_list("pk", flat=True)
    )
    with CaptureQueriesContext(connection) as captured:
        suggest(mentees[0], form)  # its lemmas stored by the first call

    def timed(before=None) -> dict:
        timings = []
        for n in range(repeat):
            if before is not None:
                before(n)
            mentee = mentees[n % len(mentees)]
            started = time.perf_counter()
            suggest(mentee, form)
            timings.append(time.perf_counter() - started)
        return _figures(timings)

    kept = timed()
    one_stale = timed(lambda n: freshness.touch(mentees[n % len(mentees)].organisation_id, topics=(freshness.PAIRS,)))
    nothing_kept = timed(lambda n: freshness.touch_all())
    return {
        "form": str(form),
        "mentees": len(mentees),
        "candidates_found": len(first.found),
        "first_ms": round(cold * 1000),
        "queries": len(captured),
        **kept,
        "one_stale": one_stale,
        "nothing_kept": nothing_kept,
        "organisations": len(organisations) if rules.across_department(form) else 1,
    }


def _people(department: EducationDepartment, rng: random.Random, mentees: int, mentors: int, pupils: bool) -> None:
    year = date.today().year
    schools = Organisation.objects.bulk_create(
        Organisation(
            department=department,
            kind=OrganisationKind.SCHOOL,
            code=f"bs{n}",
            short_name=f"Школа замера № {n}",
            full_name=f"Школа замера № {n}",
            search_text=f"школа замера {n}",
        )
        for n in range(SCHOOLS)
    )
    made = []
    for n in range(mentees + mentors):
        mentor = n >= mentees
        genitive, dative = rng.choice(SUBJECTS)
        fields: dict = {"category": PersonCategory.STUDENT if pupils else PersonCategory.TEACHER}
        if pupils:
            fields["birth_year"] = year - (rng.randint(16, 17) if mentor else rng.randint(11, 15))
        else:
            fields["birth_year"] = rng.randint(1965, 1990) if mentor else rng.randint(1998, 2003)
            fields["position"] = f"учитель {genitive}"
        side = "student" if pupils else "staff"
        if mentor:
            fields["competencies"] = (
                f"{SUBJECT_COMPETENCIES[side].format(genitive, dative)}, {rng.choice(COMPETENCIES[side])}"
            )
            fields["max_mentees"] = rng.randint(1, 3)
            fields["desired_mentee_age"] = rng.choice(["", "12–15 лет", "до 35 лет", "10–13 лет"])
        else:
            fields["main_request"] = (
                rng.choice(SUBJECT_REQUESTS[side]).format(genitive, dative)
                if rng.random() < 0.7
                else rng.choice(REQUESTS[side])
            )
            fields["is_young_specialist"] = not pupils
        last = f"Замеров{n}"
        made.append(
            Person(
                organisation=schools[n % SCHOOLS],
                last_name=last,
                first_name="Иван",
                search_text=normalise(last, "Иван"),
                name_key=normalise(last, "Иван"),
                version=1,
                **fields,
            )
        )
    people = Person.objects.bulk_create(made, batch_size=2000)
    if pupils:
        Consent.objects.bulk_create(
            (Consent(person=p, given_by=ConsentGiver.SELF, given_on=date(year, 1, 10)) for p in people), batch_size=2000
        )


def _proposal(mentees: int, mentors: int, form_name: str, pupils: bool) -> dict:
    rng = random.Random(1)
    department = EducationDepartment.objects.create(
        code=f"bench-suggest-{form_name[:3]}",
        name="Муниципалитет замера подбора",
        region="Замер",
        municipality="Замер",
    )
    started = time.perf_counter()
    _people(department, rng, mentees, mentors, pupils)
    made_s = time.perf_counter() - started
    form = MentoringFormat.objects.get(name=form_name, department__isnull=True)
    proposal = Proposal.objects.create(department=department, format=form)
    steps: list[int] = []
    tracemalloc.start()
    started = time.perf_counter()
    compute(proposal, lambda done, total: steps.append(done))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    proposal.refresh_from_db()
    return {
        "form": form_name,
        "mentees": proposal.mentees,
        "mentors": proposal.mentors,
        "pairs": proposal.lines.count(),
        "total": proposal.total,
        "greedy_total": proposal.greedy_total,
        "greedy_pairs": proposal.greedy_pairs,
        "seconds": round(seconds, 1),
        "progress_reports": len(steps),
        "peak_mb": round(peak / 2**20),
        "people_made_s": round(made_s, 1),
    }


def measure(department_code: str | None = None, repeat: int = 10, mentees: int = 5000, mentors: int = 2000) -> dict:
    figures: dict = {"top": [], "proposals": []}
    try:
        with transaction.atomic():
            department = _department(department_code)
            figures["department"] = department.code if department else "—"
            figures["people"] = Person.objects.filter(organisation__department=department).count()
            organisation = (
                Organisation.objects.filter(department=department).annotate(n=Count("people")).order_by("-n").first()
            )
            cases = (
                ("ученик – ученик", {"organisation": organisation, "category": PersonCategory.STUDENT}),
                (
                    "учитель – учитель",
                    {"organisation__department": department, "category": PersonCategory.TEACHER},
                ),
            )
            for form_name, where in cases if department else ():
                form = MentoringFormat.objects.get(name=form_name, department__isnull=True)
                chosen = [
                    person
                    for person in Person.objects.filter(**where, archived_at__isnull=True)
                    .exclude(main_request="")
                    .select_related("organisation")
                    .order_by("pk")[: repeat * 2]
                    if not rules.mentee_refusal(person, form)
                ]
                if chosen:
                    figures["top"].append(_top(chosen, form, repeat))
            figures["proposals"].append(_proposal(mentees, mentors, "учитель – учитель", pupils=False))
            figures["proposals"].append(_proposal(mentees, mentors, "ученик – ученик", pupils=True))
            raise _RolledBack
    except _RolledBack:
        pass
    return figures


def print_lines(figures: dict) -> list[str]:
    lines = [f"\nПодбор наставников (муниципалитет {figures['department']}, участников {figures['people']}):"]
    for top in figures["top"]:
        lines.append(
            f"  пять лучших, «{top['form']}» ({top['mentees']} наставляемых по очереди, организаций в пуле "
            f"{top['organisations']}): первый раз {top['first_ms']} мс (леммы прочитаны и сохранены); затем p50 / p95 "
            f"{top['p50_ms']} / {top['p95_ms']} мс, запросов {top['queries']} (цель: {TOP_TARGET_MS} мс); "
            f"одна организация изменилась — {top['one_stale']['p50_ms']} / {top['one_stale']['p95_ms']} мс; "
            f"ничего не сохранено — {top['nothing_kept']['p50_ms']} / {top['nothing_kept']['p95_ms']} мс"
        )
    for p in figures["proposals"]:
        lines.append(
            f"  предложение «{p['form']}»: {p['mentees']} наставляемых, {p['mentors']} наставников — "
            f"{p['seconds']} с (цель: {PROPOSAL_TARGET_S} с), пик памяти {p['peak_mb']} МБ; пар {p['pairs']}, "
            f"сумма {p['total']:.1f} против жадной {p['greedy_total']:.1f} ({p['greedy_pairs']} пар)"
        )
    return lines
