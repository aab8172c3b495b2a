"""A school's outcomes of mentees as one XLSX: the template out, the upload in (checked, previewed, saved).

The template lists the school's mentees of a school year (ФИО, год рождения, класс) with what is already
entered. The upload goes through `common.files.uploads.check_workbook` (size, kind of file, password,
macros, zip bomb) before openpyxl opens it, read-only and with the cells' values (never a formula run).
Every row is checked: the mentee is found among the school's participations by the name key and the
birth year, as the registry's import finds people; the school year (not in the future, not before the
pair entered the program); each figure. The report lists every problem with its row, column and a Russian
message. A file without problems gives a preview of what will change; «Сохранить» saves it all in one
transaction. A file with any problem saves nothing (as the contingent upload).

The preview is carried to «Сохранить» as a signed plan (the rows' participations, years, values and the
versions of the records they change), so nothing of the file is kept; a record changed meanwhile refuses the
whole plan (optimistic concurrency, as the forms).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, BinaryIO

import openpyxl
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.files.cells import Problem, as_integer, find_header, is_blank, normalise_header
from common.files.uploads import MAX_UPLOAD_BYTES, WORKBOOK_CORRUPT, UploadRefused, check_workbook, read_bytes
from common.files.writers import set_text
from common.russian import counted
from common.text import normalise
from influence.models import MenteeOutcome, OlympiadResult, school_year_label, school_year_of
from influence.outcome_forms import MAX_OLYMPIADS, OLYMPIADS_MESSAGE, parse_mark
from registry.models import Organisation, PairMentee

MAX_ROWS = 5000
MAX_PROBLEMS = 200
HEADER_SCAN_ROWS = 10
HEADER_SCAN_COLUMNS = 30
PLAN_SALT = "influence.outcomes.upload"
PLAN_MAX_AGE = 60 * 60  # seconds: a preview older than an hour is checked again


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float
    aliases: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        return text in {normalise_header(self.header), *(normalise_header(a) for a in self.aliases)}


COLUMNS = (
    Column("name", "ФИО наставляемого", 34, ("ФИО", "наставляемый", "Фамилия, имя, отчество наставляемого")),
    Column("birth_year", "Год рождения", 10),
    Column("grade", "Класс", 9, ("класс/группа", "класс или группа")),
    Column("school_year", "Учебный год", 12),
    Column("vpr_passed", "ВПР сдан", 10, ("ВПР", "ВПР сданы")),
    Column("oge_passed", "ОГЭ сдан", 10, ("ОГЭ",)),
    Column("ege_passed", "ЕГЭ сдан", 10, ("ЕГЭ",)),
    Column("mark_before", "Средний балл до", 11),
    Column("mark_after", "Средний балл после", 11),
    Column("olympiads", "Олимпиад", 10, ("олимпиад всего", "число олимпиад")),
    Column("olympiad_result", "Результат олимпиады", 16, ("результат олимпиад", "лучший результат олимпиад")),
    Column("comment", "Комментарий", 30),
)
HEADERS = {column.key: column.header for column in COLUMNS}
VALUES = ("vpr_passed", "oge_passed", "ege_passed", "mark_before", "mark_after", "olympiads", "olympiad_result")
LABELS = {
    "vpr_passed": "ВПР",
    "oge_passed": "ОГЭ",
    "ege_passed": "ЕГЭ",
    "mark_before": "балл до",
    "mark_after": "балл после",
    "olympiads": "олимпиад",
    "olympiad_result": "результат олимпиад",
    "comment": "комментарий",
}
EXAM_MESSAGE = "Впишите «да», «нет» или оставьте ячейку пустой (не сдавал(а))."
RESULT_MESSAGE = "Впишите «участник», «призёр», «победитель», «нет» или оставьте ячейку пустой."
_YES = {"да", "сдан", "сдана", "сданы", "+", "1", "true", "истина"}
_NO = {"нет", "не сдан", "не сдана", "не сданы", "-", "0", "false", "ложь"}
_RESULTS = {
    "участник": OlympiadResult.PARTICIPANT,
    "участница": OlympiadResult.PARTICIPANT,
    "призер": OlympiadResult.PRIZEWINNER,
    "призерка": OlympiadResult.PRIZEWINNER,
    "победитель": OlympiadResult.WINNER,
    "победительница": OlympiadResult.WINNER,
    "нет": OlympiadResult.NONE,
    "без призовых мест": OlympiadResult.NONE,
}
_SCHOOL_YEAR = re.compile(r"(\d{4})\s*(?:[/\-–—]\s*(\d{2}|\d{4}))?(?:\s*(?:уч\.?\s*г\.?|учебный год))?")


# --- School years ----------------------------------------------------------------------------------


def current_school_year(today: date | None = None) -> int:
    return school_year_of(today or timezone.localdate())


def school_year_problem(participation: PairMentee, year: int, today: date | None = None) -> str | None:
    """Why the outcomes of `year` cannot be entered for the participation, or None."""
    current = current_school_year(today)
    if year > current:
        return (
            f"Учебный год {school_year_label(year)} ещё не начался: результаты вносятся за прошедший "
            f"или текущий ({school_year_label(current)})."
        )
    entered = school_year_of(participation.pair.entry_date)
    if year < entered:
        return (
            f"Пара вошла в программу в {school_year_label(entered)} учебном году: результаты за "
            f"{school_year_label(year)} внести нельзя."
        )
    return None


def parse_school_year(raw) -> int:
    """«2025/26», «2025/2026», «2025–26», 2025 → 2025; ValueError with the Russian reason otherwise."""
    number = as_integer(raw)
    if number is not None and 1900 <= number <= 2100:
        return number
    text = normalise(str(raw))
    match = _SCHOOL_YEAR.fullmatch(text)
    if match:
        first, second = int(match.group(1)), match.group(2)
        if 1900 <= first <= 2100 and (second is None or int(second) in (first + 1, (first + 1) % 100)):
            return first
    raise ValueError(f"Учебный год пишется как «2025/26». В ячейке «{str(raw).strip()[:40]}».")


# --- The template ----------------------------------------------------------------------------------


def template_filename(organisation: Organisation, year: int) -> str:
    return f"rezultaty-nastavlyaemyh-{organisation.code}-{year}.xlsx"


def participations_of(organisation: Organisation, year: int):
    """The school's mentee participations whose pair takes part in mentoring during the school year."""
    starts, ends = date(year, 9, 1), date(year + 1, 8, 31)
    return (
        PairMentee.objects.filter(organisation=organisation, pair__entry_date__lte=ends)
        .exclude(pair__end_date__lt=starts)
        .select_related("mentee", "pair")
        .order_by("mentee__last_name", "mentee__first_name", "mentee__patronymic", "pk")
    )


def _exam_text(value: bool | None) -> str | None:
    return None if value is None else ("да" if value else "нет")


def write_template(organisation: Organisation, year: int, out: BinaryIO) -> list[PairMentee]:
    """The school's template for the school year: its mentees listed with what is entered; returns them."""
    participations = list(participations_of(organisation, year))
    entered = {
        outcome.participation_id: outcome
        for outcome in MenteeOutcome.objects.filter(participation__in=participations, school_year=year)
    }
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Результаты"
    sheet["A1"] = f"Результаты наставляемых за {school_year_label(year)} учебный год"
    sheet["A1"].font = Font(bold=True, size=13)
    set_text(sheet["A2"], organisation.short_name)
    sheet["A3"] = (
        "ВПР, ОГЭ, ЕГЭ: «да», «нет» или пусто (не сдавал). Средний балл — от 2,0 до 5,0. Результат олимпиады: "
        "«участник», «призёр», «победитель» или «нет». Не меняйте ФИО и год рождения: по ним строка находит "
        "наставляемого."
    )
    header_row = 5
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    for offset, participation in enumerate(participations, start=1):
        row = header_row + offset
        mentee, outcome = participation.mentee, entered.get(participation.pk)
        set_text(sheet.cell(row=row, column=1), mentee.full_name)
        sheet.cell(row=row, column=2, value=mentee.birth_year)
        set_text(sheet.cell(row=row, column=3), mentee.class_or_group)
        set_text(sheet.cell(row=row, column=4), school_year_label(year))
        if outcome is not None:
            values = [
                _exam_text(outcome.vpr_passed),
                _exam_text(outcome.oge_passed),
                _exam_text(outcome.ege_passed),
                float(outcome.mark_before) if outcome.mark_before is not None else None,
                float(outcome.mark_after) if outcome.mark_after is not None else None,
                outcome.olympiads,
                outcome.get_olympiad_result_display() if outcome.olympiad_result else None,
            ]
            for index, value in enumerate(values, start=5):
                if isinstance(value, str):
                    set_text(sheet.cell(row=row, column=index), value)
                else:
                    sheet.cell(row=row, column=index, value=value)
            set_text(sheet.cell(row=row, column=len(COLUMNS)), outcome.comment)
        for index in (8, 9):
            sheet.cell(row=row, column=index).number_format = "0.0"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    workbook.save(out)
    return participations


# --- The report ------------------------------------------------------------------------------------


@dataclass
class OutcomeLine:
    """One checked row: the outcome it gives a participation for a school year, and what changes."""

    row: int
    participation: PairMentee
    school_year: int
    values: dict[str, object]
    outcome_id: int | None  # the record it changes; None: a new one
    version: int | None
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (what, was, becomes)

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)


@dataclass
class OutcomeReport:
    organisation: Organisation
    filename: str
    rows_read: int = 0
    skipped: int = 0  # mentees listed without any figure
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    saved: bool = False
    lines: list[OutcomeLine] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def changing(self) -> list[OutcomeLine]:
        return [line for line in self.lines if line.outcome_id is None or line.changes]

    @property
    def unchanged(self) -> int:
        return len(self.lines) - len(self.changing)

    @property
    def summary(self) -> str:
        new = sum(1 for line in self.lines if line.outcome_id is None)
        changed = len(self.changing) - new
        return (
            f"Новых записей — {new}, изменятся — {changed}, без изменений — {self.unchanged}; "
            f"{counted(self.skipped, 'строка', 'строки', 'строк')} без чисел пропущено."
        )

    def problem(self, row: int | None, key: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            column = self.columns.get(key) if key else None
            self.problems.append(Problem(row, column, HEADERS.get(key) if key else None, message))


# --- Reading ---------------------------------------------------------------------------------------


def _read(content: bytes, report: OutcomeReport) -> list[tuple[int, dict[str, object]]]:
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        header = find_header(
            workbook,
            COLUMNS,
            rows=HEADER_SCAN_ROWS,
            width=HEADER_SCAN_COLUMNS,
            accepts=lambda found: "name" in found and "school_year" in found,
        )
        if header is None:
            report.problem(
                None,
                None,
                f"Не найдена строка заголовков: ожидались столбцы «{HEADERS['name']}» и «{HEADERS['school_year']}» "
                f"в первых {HEADER_SCAN_ROWS} строках листа. Скачайте шаблон и заполните его.",
            )
            return []
        sheet, header_row, columns = header
        report.columns = {key: get_column_letter(index) for key, index in columns.items()}
        rows = []
        for number, row in enumerate(
            sheet.iter_rows(min_row=header_row + 1, max_col=max(columns.values()), values_only=True),
            start=header_row + 1,
        ):
            values = {key: (row[index - 1] if index - 1 < len(row) else None) for key, index in columns.items()}
            if all(is_blank(value) for value in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                report.problem(
                    None, None, f"В файле больше {MAX_ROWS} строк — это не наставляемые одной школы. Проверьте файл."
                )
                return []
            rows.append((number, values))
        return rows
    except Exception:  # openpyxl, zip or XML errors on an untrusted file
        report.problem(None, None, WORKBOOK_CORRUPT)
        return []
    finally:
        if workbook is not None:
            workbook.close()


def _exam(raw) -> bool | None:
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        return raw
    text = normalise(str(raw if not isinstance(raw, float) or not raw.is_integer() else int(raw)))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(f"{EXAM_MESSAGE} В ячейке «{str(raw).strip()[:40]}».")


def _olympiads(raw) -> int:
    if is_blank(raw):
        return 0
    number = as_integer(raw)
    if number is None or not 0 <= number <= MAX_OLYMPIADS:
        raise ValueError(f"{OLYMPIADS_MESSAGE} В ячейке «{str(raw).strip()[:40]}».")
    return number


def _result(raw) -> str:
    if is_blank(raw):
        return ""
    found = _RESULTS.get(normalise(str(raw)).strip(" .").replace("ё", "е"))
    if found is None:
        raise ValueError(f"{RESULT_MESSAGE} В ячейке «{str(raw).strip()[:40]}».")
    return found


def _comment(raw) -> str:
    if is_blank(raw):
        return ""
    text = str(raw).strip()
    if len(text) > 300:
        raise ValueError("Комментарий — не длиннее 300 знаков.")
    return text


_PARSERS = {
    "vpr_passed": _exam,
    "oge_passed": _exam,
    "ege_passed": _exam,
    "mark_before": parse_mark,
    "mark_after": parse_mark,
    "olympiads": _olympiads,
    "olympiad_result": _result,
    "comment": _comment,
}


class _Mentees:
    """The school's mentee participations, found by the name key and the birth year."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        self.by_name: dict[str, list[PairMentee]] = {}
        for participation in PairMentee.objects.filter(organisation=organisation).select_related("mentee", "pair"):
            self.by_name.setdefault(participation.mentee.name_key, []).append(participation)

    def find(self, name: str, birth_year: int | None, year: int) -> tuple[PairMentee | None, str, str | None]:
        """(participation, "", None) or (None, column key, message)."""
        shown = " ".join(name.split())[:120]
        found = self.by_name.get(normalise(name), [])
        if birth_year is not None:
            found = [p for p in found if p.mentee.birth_year == birth_year]
        if not found:
            born = f" ({birth_year} г. р.)" if birth_year is not None else ""
            return (
                None,
                "name",
                f"Наставляемый «{shown}»{born} не найден среди наставляемых пар «{self.organisation.short_name}». "
                "Проверьте ФИО и год рождения: они должны быть как в реестре.",
            )
        if len({p.mentee_id for p in found}) > 1:
            return None, "birth_year", f"Наставляемых «{shown}» несколько — укажите год рождения."
        if len(found) > 1:
            starts, ends = date(year, 9, 1), date(year + 1, 8, 31)
            during = [
                p for p in found if p.pair.entry_date <= ends and (p.pair.end_date is None or p.pair.end_date >= starts)
            ]
            if len(during) != 1:
                return (
                    None,
                    "name",
                    f"«{shown}» — наставляемый нескольких пар в {school_year_label(year)} учебном году: внесите "
                    "результаты на странице анкет нужной пары.",
                )
            found = during
        return found[0], "", None


def _shown(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key.endswith("_passed"):
        return "сдан" if value else "не сдан"
    if isinstance(value, Decimal):
        return f"{value:.1f}".replace(".", ",")
    if key == "olympiad_result":
        return OlympiadResult(value).label
    return str(value)


def _check_rows(rows, report: OutcomeReport, today: date | None) -> None:
    mentees = _Mentees(report.organisation)
    seen: dict[tuple[int, int], int] = {}
    planned: list[OutcomeLine] = []
    for number, raw in rows:
        report.rows_read += 1
        values: dict[str, object] = {}
        bad = False
        for key, parse in _PARSERS.items():
            if key not in report.columns:
                continue
            try:
                values[key] = parse(raw.get(key))
            except ValueError as error:
                report.problem(number, key, str(error))
                bad = True
        figures = [key for key in VALUES if key in report.columns and not is_blank(raw.get(key))]
        if not figures and not bad:
            report.skipped += 1  # listed without any figure: nothing to save, what is entered stays
            continue
        name = raw.get("name")
        if is_blank(name):
            report.problem(number, "name", "Не указано ФИО наставляемого.")
            continue
        birth_year = None
        if not is_blank(raw.get("birth_year")):
            birth_year = as_integer(raw.get("birth_year"))
            if birth_year is None or not 1900 <= birth_year <= 2100:
                report.problem(number, "birth_year", "Год рождения — четыре цифры, например 2012.")
                continue
        if is_blank(raw.get("school_year")):
            report.problem(number, "school_year", "Не указан учебный год, например «2025/26».")
            continue
        try:
            year = parse_school_year(raw.get("school_year"))
        except ValueError as error:
            report.problem(number, "school_year", str(error))
            continue
        participation, key, message = mentees.find(str(name), birth_year, year)
        if participation is None:
            report.problem(number, key, message)
            continue
        if problem := school_year_problem(participation, year, today):
            report.problem(number, "school_year", problem)
            continue
        if (participation.pk, year) in seen:
            report.problem(
                number,
                "name",
                f"Результаты «{participation.mentee.full_name}» за {school_year_label(year)} уже указаны в строке "
                f"{seen[(participation.pk, year)]}.",
            )
            continue
        seen[(participation.pk, year)] = number
        olympiads = values.get("olympiads", 0)
        if values.get("olympiad_result") not in (None, "", OlympiadResult.NONE) and not olympiads:
            report.problem(
                number,
                "olympiad_result",
                "Результат олимпиады указан, а число олимпиад — ноль или пусто: укажите, во скольких олимпиадах "
                "участвовал(а) наставляемый.",
            )
            continue
        if not bad:
            planned.append(OutcomeLine(number, participation, year, values, None, None))
    existing = {
        (outcome.participation_id, outcome.school_year): outcome
        for outcome in MenteeOutcome.objects.filter(participation__in={line.participation for line in planned})
    }
    for line in planned:
        outcome = existing.get((line.participation.pk, line.school_year))
        if outcome is not None:
            line.outcome_id, line.version = outcome.pk, outcome.version
            line.changes = [
                (LABELS[key], _shown(key, getattr(outcome, key)), _shown(key, value))
                for key, value in line.values.items()
                if getattr(outcome, key) != value
            ]
        report.lines.append(line)


def check_outcomes(
    data: bytes | IO[bytes], filename: str, organisation: Organisation, *, today: date | None = None
) -> OutcomeReport:
    """Read and check an uploaded file; nothing is saved."""
    report = OutcomeReport(organisation=organisation, filename=filename)
    try:
        check_workbook(data, filename)
    except UploadRefused as error:
        report.problem(None, None, error.message)
        return report
    rows = _read(read_bytes(data, MAX_UPLOAD_BYTES + 1), report)
    if not report.ok:
        return report
    _check_rows(rows, report, today)
    if report.ok and not report.lines:
        report.problem(
            None,
            None,
            "В файле нет ни одной строки с результатами. Заполните результаты в шаблоне и загрузите его снова.",
        )
    return report


# --- The plan: the preview carried to «Сохранить» ---------------------------------------------------


def _jsonable(value):
    return str(value) if isinstance(value, Decimal) else value


def sign_plan(report: OutcomeReport, user) -> str:
    plan = {
        "user": user.pk,
        "organisation": report.organisation.pk,
        "filename": report.filename[:200],
        "lines": [
            [
                line.row,
                line.participation.pk,
                line.school_year,
                {k: _jsonable(v) for k, v in line.values.items()},
                line.outcome_id,
                line.version,
            ]
            for line in report.changing
        ],
    }
    return signing.dumps(plan, salt=PLAN_SALT, compress=True)


class PlanRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


STALE_PLAN = "Проверка файла устарела или повреждена. Загрузите файл ещё раз."
CHANGED_MEANWHILE = (
    "Результаты этих наставляемых как раз изменили в другом окне или другой загрузкой: ничего не сохранено. "
    "Загрузите файл ещё раз, чтобы увидеть, что изменится."
)


def save_plan(signed: str, organisation: Organisation, user) -> tuple[int, int]:
    """Save a previewed plan in one transaction: (created, updated); PlanRefused when it cannot be."""
    try:
        plan = signing.loads(signed, salt=PLAN_SALT, max_age=PLAN_MAX_AGE)
    except signing.BadSignature:
        raise PlanRefused(STALE_PLAN) from None
    if plan.get("user") != user.pk or plan.get("organisation") != organisation.pk:
        raise PlanRefused(STALE_PLAN)
    lines = plan["lines"]
    participations = PairMentee.objects.filter(organisation=organisation, pk__in={line[1] for line in lines})
    participations = {p.pk: p for p in participations}
    if len(participations) != len({line[1] for line in lines}):
        raise PlanRefused(CHANGED_MEANWHILE)
    created = updated = 0
    try:
        with transaction.atomic():
            existing = {
                outcome.pk: outcome
                for outcome in MenteeOutcome.objects.select_for_update().filter(
                    pk__in=[line[4] for line in lines if line[4]]
                )
            }
            for _row, participation_id, year, values, outcome_id, version in lines:
                if outcome_id is None:
                    outcome = MenteeOutcome(participation=participations[participation_id], school_year=year)
                    created += 1
                else:
                    outcome = existing.get(outcome_id)
                    if outcome is None or outcome.version != version:
                        raise PlanRefused(CHANGED_MEANWHILE)
                    updated += 1
                for key, value in values.items():
                    setattr(outcome, key, Decimal(value) if key.startswith("mark_") and value is not None else value)
                outcome.entered_by = user
                outcome.full_clean(exclude=["participation", "entered_by"], validate_unique=False)
                outcome.save()
    except (IntegrityError, ValidationError):
        raise PlanRefused(CHANGED_MEANWHILE) from None
    return created, updated
