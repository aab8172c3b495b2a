"""Bench: importing a large «База наставляемых» (exchange.importer) into a fresh organisation.

`measure(rows)` builds a synthetic workbook in memory (openpyxl write-only; Faker ru_RU names,
groups of one to five mentees, four forms, Excel and text dates, about 40 % of pairs completed
with results, marks and links), creates a throwaway department «bench-import» with one school,
and times, on the configured database:

- `preview_seconds`: read + check everything, commit=False (all written and rolled back);
- `commit_seconds`: the same file saved, commit=True;
- `reimport_seconds`: the same file again (everything matched, nothing created);
- `fill_seconds`: the same people and pairs, every pair now completed (end dates, results and
  marks filled into the registry's empty fields);
- `people_known_preview_seconds`: the pairs deleted, the people kept, the file checked again: every
  pair is new and its mentees are known, so check_pair queries the registry for each;
- `peak_memory_mb`: Python's peak allocation (tracemalloc) during one more preview, run apart so
  that tracing does not slow the timed runs.

DEBUG is off while measuring, as in production (see `measure`).

The department and everything in it (people, pairs, participations and their audit entries)
are deleted afterwards, also when a run fails. Run it from a shell:

    python manage.py shell -c "from bench.imports import measure; print(measure())"
    python manage.py shell -c "from bench.imports import measure_formats; print(measure_formats())"

`measure_formats(rows)`: the same base written as .xlsx, .xls, .ods and .csv (tests/exchange/spreadsheets.py),
each checked and saved into a fresh organisation, side by side in one run.
"""

from __future__ import annotations

import io
import random
import time
import tracemalloc
from datetime import date, datetime, timedelta

import openpyxl
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test.utils import override_settings
from faker import Faker

from exchange.importer import run_import
from exchange.official import MENTEES, Kind
from registry.models import (
    EducationDepartment,
    MentoringPair,
    Organisation,
    OrganisationKind,
    PairMentee,
    Person,
)

DEPARTMENT_CODE = "bench-import"
SCHOOL = "МБОУ СОШ № 1 (бенчмарк)"
# (form, share of pairs, mentor's workplace or None for the school itself, mentees are teachers)
FORMS = [
    ("ученик – ученик", 0.5, None, False),
    ("учитель – учитель", 0.3, SCHOOL, True),
    ("студент – ученик", 0.1, "ГПОУ «Кедровский педагогический колледж»", False),
    ("работодатель – ученик", 0.1, "ООО «Кедровский машиностроительный завод»", False),
]
REQUESTS = [
    "повышение успеваемости по математике",
    "подготовка к ОГЭ по русскому языку",
    "выбор профессии",
    "адаптация в новом коллективе",
    "подготовка проекта к научно-практической конференции",
    "освоение методики формирующего оценивания",
    "развитие навыков публичного выступления",
]
RESULTS = [
    "успеваемость по предмету повысилась с «3» до «4»",
    "выступил на школьной конференции с докладом",
    "стал призёром муниципального этапа олимпиады",
    "провёл открытый урок для коллег",
    "разработал и защитил индивидуальный проект",
    "определился с профилем обучения",
]
MARKS = ["Прошёл(а) программу", "прошёл", "прошла", "да", "+", "не завершил(а)", "нет"]


class _Names:
    """Unique full names (a namesake without a year would make the file ambiguous, as it should)."""

    def __init__(self, seed: int) -> None:
        self.faker = Faker("ru_RU")
        self.faker.seed_instance(seed)
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            if self.faker.random.random() < 0.5:
                parts = (self.faker.last_name_male(), self.faker.first_name_male(), self.faker.middle_name_male())
            else:
                parts = (self.faker.last_name_female(), self.faker.first_name_female(), self.faker.middle_name_female())
            name = " ".join(parts)
            if name not in self.used:
                self.used.add(name)
                return name


def build_workbook(rows: int, seed: int = 1, *, all_completed: bool = False) -> bytes:
    """A «База наставляемых» of `rows` data rows under two title rows and the header.

    `all_completed`: the same people and pairs, every pair completed (its results, marks, links).
    """
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Лист1")
    for row in build_rows(rows, seed, all_completed=all_completed):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build_rows(rows: int, seed: int = 1, *, all_completed: bool = False) -> list[list]:
    """The sheet of `build_workbook` as rows of values, from A1."""
    rng = random.Random(seed)  # people and pairs
    details = random.Random(seed + 1)  # what completed pairs report
    names = _Names(seed)
    sheet: list[list] = [["База наставляемых"], [f"{SCHOOL}, 2023–2026 гг."], list(MENTEES.headers)]
    number = 0
    while number < rows:
        form, _, workplace, teachers = rng.choices(FORMS, weights=[f[1] for f in FORMS])[0]
        mentor = names()
        size = min(rows - number, rng.choices([1, 2, 3, 4, 5], weights=[60, 22, 10, 5, 3])[0])
        entry = date(2023, 9, 1) + timedelta(days=rng.randint(0, 800))
        end = entry + timedelta(days=rng.randint(90, 300))
        if rng.random() >= 0.4 and not all_completed:
            end = None
        for _ in range(size):
            number += 1
            year = rng.randint(1975, 2002) if teachers else rng.randint(2007, 2016)
            year_as_text, date_as_text = rng.random() < 0.2, rng.random() < 0.3
            link = ""
            if end and details.random() < 0.3:
                link = f"{'https://' if details.random() < 0.5 else ''}school1.ru/otzyv/{details.randint(1, 99999)}"
            sheet.append(
                [
                    number,
                    names(),
                    str(year) if year_as_text else year,
                    rng.choice(REQUESTS),
                    entry.strftime("%d.%m.%Y") if date_as_text else datetime.combine(entry, datetime.min.time()),
                    mentor,
                    form,
                    workplace or "",
                    (end.strftime("%d.%m.%Y") if end else None),
                    details.choice(RESULTS) if end and details.random() < 0.8 else None,
                    link or None,
                    details.choice(MARKS) if end and details.random() < 0.9 else None,
                ]
            )
    return sheet


def _delete_rows(models, **where) -> None:
    """Rows of `models` (in this order), and their audit entries, without loading them."""
    for model in models:
        ids = [str(pk) for pk in model.objects.filter(**where).values_list("pk", flat=True)]
        content_type = ContentType.objects.get_for_model(model)
        for start in range(0, len(ids), 5000):
            entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=ids[start : start + 5000])
            entries._raw_delete(entries.db)
        rows = model.objects.filter(**where)
        rows._raw_delete(rows.db)


def _delete(department_code: str) -> None:
    """The bench department and everything in it, with the audit entries of its rows."""
    department = EducationDepartment.objects.filter(code=department_code).first()
    if department is None:
        return
    with transaction.atomic():
        _delete_rows((PairMentee, MentoringPair, Person), organisation__department=department)
        Organisation.objects.filter(department=department).delete()
        department.delete()


def _fresh_school() -> Organisation:
    """The throwaway department «bench-import» with its one school, made anew (the old one deleted)."""
    _delete(DEPARTMENT_CODE)
    department = EducationDepartment.objects.create(
        code=DEPARTMENT_CODE, name="Бенчмарк импорта (удаляется после замера)", region="—", municipality="—"
    )
    return Organisation.objects.create(
        department=department,
        code="school1",
        short_name=SCHOOL,
        full_name=f"Муниципальное бюджетное общеобразовательное учреждение «{SCHOOL}»",
        kind=OrganisationKind.SCHOOL,
    )


def measure_formats(rows: int = 10_000, seed: int = 1) -> dict:
    """The same base as .xlsx, .xls, .ods and .csv: check and save each into a fresh organisation, side by
    side in one run (seconds, and Python's peak memory of one check)."""
    from tests.exchange.spreadsheets import write

    table = build_rows(rows, seed)
    results = {}
    with override_settings(DEBUG=False):
        for fmt in ("xlsx", "xls", "ods", "csv"):
            data = write(table, fmt)
            try:
                school = _fresh_school()
                tracemalloc.start()
                run_import(data, f"bench.{fmt}", Kind.MENTEES, school, None, commit=False)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                started = time.perf_counter()
                checked = run_import(data, f"bench.{fmt}", Kind.MENTEES, school, None, commit=False)
                check_seconds = time.perf_counter() - started
                started = time.perf_counter()
                saved = run_import(data, f"bench.{fmt}", Kind.MENTEES, school, None, commit=True)
                save_seconds = time.perf_counter() - started
                assert checked.ok and saved.saved, saved.as_text()
                results[fmt] = {
                    "file_kb": round(len(data) / 1024),
                    "check_seconds": round(check_seconds, 2),
                    "save_seconds": round(save_seconds, 2),
                    "check_plus_save_seconds": round(check_seconds + save_seconds, 2),
                    "peak_memory_mb": round(peak / 1024 / 1024, 1),
                    "created": dict(saved.created),
                }
            finally:
                _delete(DEPARTMENT_CODE)
    return results


def measure(rows: int = 10_000, seed: int = 1) -> dict:
    # As in production: with DEBUG on, Django keeps the text of every query (megabytes for bulk
    # inserts), which would count against the import's time and memory.
    with override_settings(DEBUG=False):
        return _measure(rows, seed)


def _measure(rows: int, seed: int) -> dict:
    started = time.perf_counter()
    data = build_workbook(rows, seed)
    build_seconds = time.perf_counter() - started
    try:
        school = _fresh_school()

        def timed(commit: bool, workbook: bytes = data):
            start = time.perf_counter()
            report = run_import(workbook, "bench.xlsx", Kind.MENTEES, school, None, commit=commit)
            return report, time.perf_counter() - start

        preview, preview_seconds = timed(False)
        tracemalloc.start()
        run_import(data, "bench.xlsx", Kind.MENTEES, school, None, commit=False)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        saved, commit_seconds = timed(True)
        again, reimport_seconds = timed(True)
        filled, fill_seconds = timed(True, build_workbook(rows, seed, all_completed=True))
        # The people known (entered by hand, say), the pairs not: every pair is checked against the
        # registry's active pairs, one query each.
        _delete_rows((PairMentee, MentoringPair), organisation=school)
        known, known_seconds = timed(False)
        return {
            "rows": preview.rows_read,
            "file_kb": round(len(data) / 1024),
            "build_seconds": round(build_seconds, 2),
            "preview_seconds": round(preview_seconds, 2),
            "commit_seconds": round(commit_seconds, 2),
            "reimport_seconds": round(reimport_seconds, 2),
            "fill_seconds": round(fill_seconds, 2),
            "people_known_preview_seconds": round(known_seconds, 2),
            "peak_memory_mb": round(peak / 1024 / 1024, 1),
            "problems": preview.problem_count,
            "saved": saved.saved,
            "created": dict(saved.created),
            "reimport_created": dict(again.created),
            "reimport_matched": dict(again.matched),
            "fill_saved": filled.saved,
            "fill_created": dict(filled.created),
            "filled": dict(filled.filled),
            "people_known_created": dict(known.created),
        }
    finally:
        _delete(DEPARTMENT_CODE)
