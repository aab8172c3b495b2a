"""Measure the server time and the SQL queries of the main pages on the current database.

Each page of PAGES is requested through django.test.Client (the whole middleware stack, no
network) as a methodist of the largest department and as a curator of its largest organisation:
once to warm up, once to count queries, then --repeat times to time. Two throwaway accounts
(bench.methodist, bench.curator) are made for it and deleted at the end. A page whose URL name
does not reverse yet is skipped with a note; a page that answers anything but 200 fails the run.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from mentoring.startup import settle
from registry import freshness
from registry.models import EducationDepartment, Membership, MentoringPair, Organisation, Person, Role, User


@dataclass(frozen=True)
class BenchContext:
    department: EducationDepartment
    organisation: Organisation  # the curator's organisation: the largest of the department
    person_pk: int | None  # a mentee of pair_pk, in that organisation
    pair_pk: int | None  # the pair of that organisation with the most mentees
    surname: str  # the person's surname, as a user would type it into a search box


def _q(**params) -> str:
    return urlencode(params)


def _last_year(context: BenchContext) -> int:
    from monitoring.indicators import default_years

    return default_years([context.department])[-1]


# (label, URL name, context → (URL kwargs, query string)[, personas]). Later pages append here.
# The optional fourth item limits a page to some of PERSONAS (by key); by default (None) it runs for
# all. The optional fifth, context → None, runs before each timed request, outside the timing.
PAGES: list[tuple] = [
    ("Главная", "home", lambda c: ({}, "")),
    ("Организации", "organisation_list", lambda c: ({}, "")),
    ("Организации: поиск", "organisation_list", lambda c: ({}, _q(q="сош"))),
    ("Организация", "organisation_detail", lambda c: ({"pk": c.organisation.pk}, "")),
    ("Кураторы и методисты", "staff_list", lambda c: ({}, "")),
    ("Участники", "person_list", lambda c: ({}, "")),
    ("Участники: поиск", "person_list", lambda c: ({}, _q(q=c.surname))),
    ("Участники: фильтр", "person_list", lambda c: ({}, _q(category="student", role="mentee"))),
    ("Участники: без согласия", "person_list", lambda c: ({}, _q(consent="missing"))),
    ("Участник", "person_detail", lambda c: ({"pk": c.person_pk}, "")),
    ("Пары", "pair_list", lambda c: ({}, "")),
    ("Пары: действующие", "pair_list", lambda c: ({}, _q(status="active"))),
    ("Пары: поиск", "pair_list", lambda c: ({}, _q(q=c.surname))),
    ("Пара", "pair_detail", lambda c: ({"pk": c.pair_pk}, "")),
    ("Программы", "program_list", lambda c: ({}, "")),
    ("Качество данных", "quality", lambda c: ({}, "")),
    # The first request after a change in one organisation computes that organisation's part again
    # (registry/freshness.py): after any change of its people the department's duplicate check too;
    # after a pair formed or completed, that organisation's part alone.
    (
        "Качество данных: после правки",
        "quality",
        lambda c: ({}, ""),
        None,
        lambda c: freshness.touch(c.organisation.pk),
    ),
    (
        "Качество данных: после новой пары",
        "quality",
        lambda c: ({}, ""),
        None,
        lambda c: freshness.touch(c.organisation.pk, topics=(freshness.PAIRS,)),
    ),
    ("Качество данных: сводка", "quality_summary", lambda c: ({}, "")),
    ("Дорожные карты", "roadmap_list", lambda c: ({}, "")),
    ("Сроки дорожных карт", "roadmap_agenda", lambda c: ({}, "")),
    ("Контингент", "contingent_list", lambda c: ({}, "")),
    # The department's indicator table: for department-wide users only.
    ("Показатели", "indicators", lambda c: ({}, ""), {"methodist"}),
    (
        "Показатели: после правки",
        "indicators",
        lambda c: ({}, ""),
        {"methodist"},
        lambda c: freshness.touch(c.organisation.pk),
    ),
    (
        "Показатели: после новой пары",
        "indicators",
        lambda c: ({}, ""),
        {"methodist"},
        lambda c: freshness.touch(c.organisation.pk, topics=(freshness.PAIRS,)),
    ),
    # The monitoring of influence: the growth table (a curator's school, a methodist's department) and a
    # pair's questionnaires.
    ("Мониторинг влияния", "influence_results", lambda c: ({}, "")),
    (
        "Мониторинг влияния: после анкеты",
        "influence_results",
        lambda c: ({}, ""),
        None,
        lambda c: freshness.touch(c.organisation.pk, topics=(freshness.PAIRS,)),
    ),
    ("Анкеты пары", "influence_pair", lambda c: ({"pk": c.pair_pk}, "")),
    (
        "Показатели: по организациям",
        "indicator_breakdown",
        lambda c: ({}, _q(indicator="young_teachers_share", year=_last_year(c))),
        {"methodist"},
    ),
    # «Подобрать наставника» (suggestions/): a pupil of the school among its mentors, a teacher among the
    # department's (the staff form's pool, kept per organisation: suggestions/pools.py).
    ("Подбор наставника: ученик", "suggestion_candidates", lambda c: ({}, _q(mentee=c.person_pk))),
    ("Подбор наставника: педагог", "suggestion_candidates", lambda c: ({}, _q(mentee=_teacher_pk(c)))),
]


def _teacher_pk(context: BenchContext) -> int | None:
    """A teacher of the curator's organisation with a request (the first form admitting them is a staff one)."""
    return (
        Person.objects.filter(organisation=context.organisation, category="teacher", archived_at__isnull=True)
        .exclude(main_request="")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


PERSONAS = {"methodist": "методист", "curator": "куратор"}
BENCH_USERS = {"methodist": "bench.methodist", "curator": "bench.curator"}


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def client_host() -> str:
    """A host the settings allow, for the test client's Host header."""
    for host in settings.ALLOWED_HOSTS:
        if host == "*":
            return "localhost"
        if host.startswith("."):
            return host[1:]
        if host:
            return host
    return "localhost"  # empty ALLOWED_HOSTS with DEBUG: Django allows localhost


def pick_context(department_code: str | None) -> BenchContext:
    if department_code:
        department = EducationDepartment.objects.filter(code=department_code).first()
        if department is None:
            raise CommandError(f"Нет муниципалитета с кодом «{department_code}».")
    else:
        largest = Person.objects.values("organisation__department").annotate(n=Count("pk")).order_by("-n").first()
        department = (
            EducationDepartment.objects.get(pk=largest["organisation__department"])
            if largest
            else EducationDepartment.objects.annotate(n=Count("organisations")).order_by("-n", "pk").first()
        )
        if department is None:
            raise CommandError("В базе нет ни одного муниципалитета: сначала python manage.py generate_data.")
    organisation = (
        Organisation.objects.filter(department=department).annotate(n=Count("people")).order_by("-n", "pk").first()
    )
    if organisation is None:
        raise CommandError(f"В муниципалитете «{department.code}» нет организаций.")
    pair = (
        MentoringPair.objects.filter(organisation=organisation)
        .annotate(n=Count("participations"))
        .order_by("-n", "-pk")
        .first()
    )
    person = None
    if pair is not None:
        person = Person.objects.filter(participations__pair=pair).order_by("pk").first()
    person = person or Person.objects.filter(organisation=organisation).order_by("pk").first()
    return BenchContext(
        department=department,
        organisation=organisation,
        person_pk=person.pk if person else None,
        pair_pk=pair.pk if pair else None,
        surname=person.last_name if person else "Иванов",
    )


@transaction.atomic
def bench_users(context: BenchContext) -> dict[str, User]:
    """The two throwaway accounts, with exactly the roles the bench needs."""
    users = {}
    for key, username in BENCH_USERS.items():
        user, _ = User.objects.get_or_create(
            username=username, defaults={"last_name": "Замер", "first_name": "Нагрузка", "is_active": True}
        )
        user.set_unusable_password()
        user.save()
        Membership.objects.filter(user=user).delete()
        users[key] = user
    Membership.objects.create(user=users["methodist"], role=Role.METHODIST, department=context.department)
    Membership.objects.create(
        user=users["curator"], role=Role.CURATOR, department=context.department, organisation=context.organisation
    )
    return users


class Command(BaseCommand):
    settled = False  # mentoring.startup.settle() called (once, after the first page's warm-up)
    help = (
        "Замеряет время ответа сервера и число SQL-запросов основных страниц на текущей базе "
        "(методист крупнейшего муниципалитета и куратор его крупнейшей организации). "
        "Ненулевой код выхода, если хоть одна страница ответила не 200."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repeat", type=int, default=20, help="Запросов каждой страницы (20).")
        parser.add_argument("--json", metavar="PATH", help="Записать результаты ещё и в JSON-файл.")
        parser.add_argument("--department", metavar="CODE", help="Код муниципалитета (по умолчанию крупнейший).")
        parser.add_argument("--persona", choices=["all", *PERSONAS], default="all", help="Чьими глазами (all).")
        parser.add_argument(
            "--exports",
            action="store_true",
            help="Замерить ещё выгрузки: XLSX рядом с «голым» openpyxl (100 000 строк), PDF рядом "
            "с обычной отрисовкой WeasyPrint (--pdf-rows строк) и базу муниципалитета из БД.",
        )
        parser.add_argument(
            "--indicators",
            action="store_true",
            help="Замерить ещё таблицу показателей без кэша: муниципалитет и «регион» — до десяти "
            "крупнейших муниципалитетов базы (цели: 300 мс и 3 с). Недостающий контингент "
            "придумывается — только для базы замеров.",
        )
        parser.add_argument(
            "--influence",
            action="store_true",
            help="Замерить ещё таблицу мониторинга влияния муниципалитета без кэша, с кэшем и после анкеты "
            "одной школы — на двух анкетах каждого участия, добавленных на время замера (цель: 300 мс).",
        )
        parser.add_argument(
            "--paperwork",
            action="store_true",
            help="Замерить ещё приказ о закреплении 200 пар в DOCX и PDF (цель: 2 с).",
        )
        parser.add_argument(
            "--snapshot",
            action="store_true",
            help="Замерить ещё снимок сбора крупнейшего муниципалитета по шагам (цель: 30 с); сбор и снимок "
            "создаются на время замера и удаляются.",
        )
        parser.add_argument(
            "--region",
            action="store_true",
            help="Замерить ещё сводную таблицу региона из десяти крупнейших муниципалитетов: без кэша, с кэшем "
            "(цель: 3 с) и из снимков муниципалитетов (цель: 50 мс); регион, снимки и сбор создаются на время "
            "замера и удаляются.",
        )
        parser.add_argument(
            "--suggestions",
            action="store_true",
            help="Замерить ещё подбор наставников: пять лучших (цель: 200 мс) и предложение пар для 5000 "
            "наставляемых и 2000 наставников (цель: 60 с) против жадного подбора; всё в откатываемой транзакции.",
        )
        parser.add_argument("--pdf-rows", type=int, default=5000, help="Строк в замере PDF (5000).")
        parser.add_argument(
            "--keep-users",
            action="store_true",
            help="Не удалять учётные записи bench.methodist и bench.curator после замера.",
        )

    def handle(self, *args, **options) -> None:
        repeat = options["repeat"]
        if repeat < 1:
            raise CommandError("--repeat: не меньше 1.")
        context = pick_context(options["department"])
        personas = list(PERSONAS) if options["persona"] == "all" else [options["persona"]]
        self.stdout.write(
            f"База: {connection.vendor}; муниципалитет {context.department.code}, организация "
            f"«{context.organisation.short_name}»; участников в базе {Person.objects.count()}, "
            f"пар {MentoringPair.objects.count()}; повторов {repeat}."
        )
        users = bench_users(context)
        rows, skipped = [], []
        try:
            for persona in personas:
                client = Client(HTTP_HOST=client_host(), raise_request_exception=False)
                client.force_login(users[persona])
                for entry in PAGES:
                    label, url_name, params = entry[:3]
                    if len(entry) > 3 and entry[3] is not None and persona not in entry[3]:
                        continue
                    before = (lambda entry=entry: entry[4](context)) if len(entry) > 4 else (lambda: None)
                    try:
                        kwargs, query = params(context)
                        url = reverse(url_name, kwargs=kwargs or None)
                    except NoReverseMatch:
                        if persona == personas[0]:
                            skipped.append((label, url_name))
                            self.stdout.write(f"  пропуск: «{label}» — адреса {url_name} пока нет (или нет данных)")
                        continue
                    rows.append(
                        self.measure(client, persona, label, url + (f"?{query}" if query else ""), repeat, before)
                    )
                client.logout()
        finally:
            if not options["keep_users"]:
                User.objects.filter(username__in=BENCH_USERS.values()).delete()

        self.print_table(rows)
        exports = self.measure_exports(context, options["pdf_rows"]) if options["exports"] else None
        indicators = self.measure_indicators(context, repeat) if options["indicators"] else None
        influence = self.measure_influence(context, repeat) if options["influence"] else None
        paperwork = self.measure_paperwork(context, repeat) if options["paperwork"] else None
        snapshot = self.measure_snapshot(context) if options["snapshot"] else None
        region = self.measure_region(repeat) if options["region"] else None
        suggestions = self.measure_suggestions(context, repeat) if options["suggestions"] else None
        if options["json"]:
            payload = {
                "database": connection.vendor,
                "department": context.department.code,
                "organisation": context.organisation.short_name,
                "people": Person.objects.count(),
                "pairs": MentoringPair.objects.count(),
                "repeat": repeat,
                "pages": rows,
                "exports": exports,
                "indicators": indicators,
                "influence": influence,
                "paperwork": paperwork,
                "snapshot": snapshot,
                "region": region,
                "suggestions": suggestions,
                "skipped": [{"label": label, "url_name": name} for label, name in skipped],
            }
            Path(options["json"]).write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
            self.stdout.write(f"Записано: {options['json']}")
        failed = [row for row in rows if row["status"] != 200]
        if failed:
            raise CommandError(
                "Не 200: " + "; ".join(f"{r['label']} ({PERSONAS[r['persona']]}) — {r['status']}" for r in failed)
            )

    def measure_indicators(self, context: BenchContext, repeat: int) -> dict:
        from bench.indicators import fill_contingents, measure

        region = list(EducationDepartment.objects.annotate(n=Count("organisations__people")).order_by("-n", "pk")[:10])
        fill_contingents(region)
        results = {}
        self.stdout.write("\nТаблица показателей без кэша (p50 / p95, запросов; с кэшем p50):")
        for label, departments, target_ms in (
            ("муниципалитет", [context.department], 300),
            (f"регион из {len(region)}", region, 3000),
        ):
            figures = measure(departments, repeat)
            results[label] = figures
            verdict = "в норме" if figures["p95_ms"] <= target_ms else "ВЫШЕ ЦЕЛИ"
            self.stdout.write(
                f"  {label}: {figures['p50_ms']:.0f} / {figures['p95_ms']:.0f} мс, {figures['queries']} запросов; "
                f"с кэшем {figures['cached_p50_ms']:.1f} мс — цель {target_ms} мс: {verdict}"
            )
        return results

    def measure_influence(self, context: BenchContext, repeat: int) -> dict:
        from bench.influence import measure

        self.stdout.write("\nТаблица мониторинга влияния (p50 / p95):")
        figures = measure(context.department.code, repeat)
        computed = figures["computed"]
        verdict = "в норме" if computed["p95_ms"] <= 300 else "ВЫШЕ ЦЕЛИ"
        self.stdout.write(
            f"  анкет {figures['responses']}, ответов {figures['answers']}; без кэша {computed['p50_ms']:.0f} / "
            f"{computed['p95_ms']:.0f} мс, {figures['queries']} запроса — цель 300 мс: {verdict}; с кэшем "
            f"{figures['cached']['p50_ms']:.1f} мс; после анкеты одной школы "
            f"{figures['one_school_changed']['p50_ms']:.0f} мс"
        )
        return figures

    def measure_paperwork(self, context: BenchContext, repeat: int) -> dict:
        from bench.paperwork import measure as measure_order
        from bench.paperwork import print_lines

        figures = measure_order(context.department.code, repeat=repeat)
        for line in print_lines(figures):
            self.stdout.write(line)
        return figures

    def measure_suggestions(self, context: BenchContext, repeat: int) -> dict:
        from bench.suggestions import measure, print_lines

        figures = measure(context.department.code, repeat=repeat)
        for line in print_lines(figures):
            self.stdout.write(line)
        return figures

    def measure_region(self, repeat: int) -> dict:
        from bench.indicators import fill_contingents
        from bench.region import measure

        departments = list(
            EducationDepartment.objects.annotate(n=Count("organisations__people")).order_by("-n", "pk")[:10]
        )
        fill_contingents(departments)
        figures = measure(departments, repeat)
        self.stdout.write(
            f"\nСводная таблица региона ({len(departments)} муниципалитетов, {figures['people']} участников, "
            f"{figures['pairs']} пар; p50 / p95, запросов):"
        )
        for key, label, target in (
            ("computed", "по реестру без кэша (регион и каждый муниципалитет)", 3000),
            ("cached", "по реестру с кэшем", None),
            ("from_snapshots", "из снимков муниципалитетов", 50),
            ("snapshot_page", "страница сбора региона целиком (из снимков)", None),
        ):
            row = figures[key]
            verdict = ""
            if target is not None:
                verdict = f" — цель {target} мс: " + ("в норме" if row["p95_ms"] <= target else "ВЫШЕ ЦЕЛИ")
            self.stdout.write(f"  {label}: {row['p50_ms']:.1f} / {row['p95_ms']:.1f} мс, {row['queries']}{verdict}")
        return figures

    def measure_snapshot(self, context: BenchContext) -> dict:
        from bench.reporting import measure as measure_snapshot
        from bench.reporting import print_lines

        figures = measure_snapshot(context.department.code)
        for line in print_lines(figures):
            self.stdout.write(line)
        return figures

    def measure_exports(self, context: BenchContext, pdf_rows: int) -> dict:
        from bench.pdf import compare as compare_pdf
        from bench.xlsx import compare as compare_xlsx
        from common.files.writers import write_xlsx
        from exchange.exports import BaseChoice, base_for
        from exchange.official import Kind

        self.stdout.write("\nВыгрузки (одинаковые значения, рядом в одном прогоне):")
        xlsx = compare_xlsx()
        self.stdout.write(
            f"  XLSX, {xlsx['rows']} строк: наша выгрузка {xlsx['export_seconds']} с, «голый» openpyxl write-only "
            f"{xlsx['bare_seconds']} с — в {xlsx['ratio']} раза (цель ≤ 1,15); пик памяти "
            f"{xlsx['peak_mb_small']} МБ на {xlsx['rows_small']} строк и {xlsx['peak_mb_large']} МБ на "
            f"{xlsx['rows_large']}"
        )
        exporter = base_for(None, BaseChoice(base=Kind.MENTEES), department=context.department)
        started = time.perf_counter()
        with tempfile.TemporaryFile() as out:
            database_rows = write_xlsx(exporter, out)
        database = {"rows": database_rows, "seconds": round(time.perf_counter() - started, 2)}
        self.stdout.write(
            f"  XLSX из базы: «База наставляемых» муниципалитета {context.department.code}, {database_rows} строк — "
            f"{database['seconds']} с"
        )
        pdf = compare_pdf(pdf_rows)
        self.stdout.write(
            f"  PDF, {pdf['rows']} строк ({pdf['pages']} стр.): обычная отрисовка {pdf['naive_seconds']} с, "
            f"пик {pdf['naive_peak_mb']} МБ; по частям в {pdf['workers']} процессах {pdf['chunked_seconds']} с, "
            f"пик {pdf['chunked_parent_peak_mb']} МБ (основной) / {pdf['chunked_child_peak_mb']} МБ (рабочий) — "
            f"быстрее в {pdf['speedup']} раза (цель ≥ 1,7)"
        )
        return {"xlsx": xlsx, "xlsx_database": database, "pdf": pdf}

    def measure(self, client: Client, persona: str, label: str, url: str, repeat: int, before) -> dict:
        client.get(url, secure=True)  # warm up: caches, compiled templates
        if not self.settled:  # as a gunicorn worker does once it has loaded the application
            settle()
            self.settled = True
        before()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, secure=True)
        queries = len(captured)  # now: the log is reset by the next request
        status = response.status_code
        if status != 200 and getattr(response, "exc_info", None):
            self.stderr.write(f"{label}: {response.exc_info[1]!r}")
        timings = []
        for _ in range(repeat):
            before()
            started = time.perf_counter()
            client.get(url, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        return {
            "label": label,
            "persona": persona,
            "url": url,
            "p50_ms": round(percentile(timings, 0.5), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "max_ms": round(timings[-1], 1),
            "queries": queries,
            "status": status,
        }

    def print_table(self, rows: list[dict]) -> None:
        header = f"{'Страница':<28} {'Роль':<9} {'p50 мс':>8} {'p95 мс':>8} {'max мс':>8} {'SQL':>5} {'Код':>5}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in rows:
            line = (
                f"{r['label']:<28} {PERSONAS[r['persona']]:<9} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
                f"{r['max_ms']:>8.1f} {r['queries']:>5} {r['status']:>5}"
            )
            self.stdout.write(line if r["status"] == 200 else self.style.ERROR(line))
