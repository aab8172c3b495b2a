"""The contingent of a whole department for one year, as one XLSX: the template out, the upload in.

The template lists every organisation of the department (code and short name) with the five
numbers already reported for that year; the methodist collects the numbers and uploads the file.

The upload goes through `common.files.uploads.check_workbook` (size, kind of file, password,
macros, zip bomb) before openpyxl opens it. Then every row is checked — the organisation (by
«Код ОО», or by its short or full name when the code is empty), each number (an integer, not
negative), a part not larger than its whole, an organisation not listed twice — and the report
lists every problem with its row, column and a Russian message. Only a file without problems is
saved, all rows in one transaction: the year's record of each listed organisation gets exactly the
file's numbers (an empty cell: not reported). A row whose five numbers are all empty is skipped —
the organisation has not reported, and what was entered for it before stays as it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import IO, BinaryIO

import openpyxl
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.files.cells import Problem, normalise_header
from common.files.uploads import (
    MAX_UPLOAD_BYTES,
    WORKBOOK_CORRUPT,
    UploadRefused,
    check_workbook,
)
from common.files.writers import set_text
from common.text import normalise
from monitoring.models import COUNT_FIELDS, FIRST_YEAR, LAST_YEAR, PARTS, YEAR_MESSAGE, Contingent
from registry.models import EducationDepartment, Organisation

MAX_ROWS = 5000
MAX_NUMBER = 10_000_000  # more pupils than any municipality has: a typo
MAX_PROBLEMS = 500
HEADER_SCAN_ROWS = 30
HEADER_SCAN_COLUMNS = 40


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 16

    def matches(self, text: str) -> bool:
        return text in {normalise_header(name) for name in (self.header, *self.aliases)}


CODE = Column("code", "Код ОО", ("код", "код организации", "код образовательной организации"), 12)
NAME = Column(
    "name",
    "Образовательная организация",
    (
        "организация",
        "наименование",
        "наименование ОО",
        "наименование организации",
        "наименование образовательной организации",
        "краткое наименование",
        "полное наименование",
        "ОО",
    ),
    44,
)
NUMBERS = (
    Column("students_total", "Обучающихся всего", ("всего обучающихся", "обучающиеся всего")),
    Column(
        "students_10_18",
        "Обучающихся в возрасте от 10 до 18 лет",
        ("обучающихся 10–18 лет", "обучающиеся в возрасте от 10 до 18 лет", "обучающихся от 10 до 18 лет"),
    ),
    Column("teachers", "Учителей всего", ("всего учителей", "учителя всего", "учителей")),
    Column(
        "young_specialists",
        "Учителей – молодых специалистов",
        ("учителя – молодые специалисты", "молодых специалистов", "молодые специалисты"),
    ),
    Column(
        "young_teachers",
        "Педагогов до 35 лет в первые три года работы",
        ("педагоги до 35 лет в первые три года работы", "педагогов до 35 лет, первые три года работы"),
        20,
    ),
)
COLUMNS = (CODE, NAME, *NUMBERS)
HEADERS = {column.key: column.header for column in COLUMNS}
assert tuple(column.key for column in NUMBERS) == COUNT_FIELDS

TOTAL_ROWS = ("итого", "всего", "итого по муниципалитету", "итого по муниципальному образованию")


@dataclass
class ContingentRow:
    number: int  # Excel row
    organisation: Organisation
    values: dict[str, int | None]


@dataclass
class ContingentReport:
    department: EducationDepartment
    year: int
    filename: str
    rows_read: int = 0  # rows with an organisation or a number
    skipped: int = 0  # organisations listed without any number (not reported)
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    saved: bool = False
    rows: list[ContingentRow] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column key -> Excel letter

    @property
    def ok(self) -> bool:
        return not self.problem_count

    def problem(self, row: int | None, column: str | None, key: str | None, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, HEADERS.get(key) if key else None, message))

    def as_text(self) -> str:
        out = [
            f"Контингент за {self.year} год из файла «{self.filename}» — {self.department.name}",
            f"Прочитано строк: {self.rows_read}; организаций с числами: {len(self.rows)}; "
            f"без чисел (пропущено): {self.skipped}.",
        ]
        if self.saved:
            out.append(f"Итог: сохранено — новых записей {self.created}, обновлено {self.updated}.")
        elif self.ok:
            out.append("Итог: ошибок нет, файл можно загрузить (при проверке ничего не сохранено).")
        else:
            out.append(
                f"Итог: ничего не сохранено — ошибок: {self.problem_count}. Исправьте файл и загрузите его снова."
            )
        if self.problems:
            out += ["", "Ошибки:", *(problem.as_text() for problem in self.problems)]
        return "\n".join(out)


# --- Reading ---------------------------------------------------------------------------------------


def _content(data: bytes | IO[bytes]) -> bytes:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if hasattr(data, "seek"):
        data.seek(0)
    return bytes(data.read(MAX_UPLOAD_BYTES + 1) or b"")


def _find_header(workbook) -> tuple[object, int, dict[str, int]] | None:
    """(sheet, header row, column key -> 1-based index) of the row that carries most of COLUMNS."""
    best = None
    for sheet in workbook.worksheets:
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, max_col=HEADER_SCAN_COLUMNS, values_only=True)
        for row_number, row in enumerate(rows, start=1):
            found: dict[str, int] = {}
            for index, value in enumerate(row, start=1):
                if not isinstance(value, str):
                    continue
                text = normalise_header(value)
                for column in COLUMNS:
                    if column.key not in found and column.matches(text):
                        found[column.key] = index
                        break
            identifies = "code" in found or "name" in found
            if identifies and len(found) >= 2 and (best is None or len(found) > len(best[2])):
                best = (sheet, row_number, found)
    return best


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_INTEGER = re.compile(r"-?\d+(?:[.,]0+)?")


def _number(value) -> int:
    """A reported number, or ValueError with the Russian reason."""
    if isinstance(value, bool):
        raise ValueError(f"Ожидается целое число, а в ячейке «{'ИСТИНА' if value else 'ЛОЖЬ'}».")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"Ожидается целое число, а в ячейке «{value:g}».".replace(".", ","))
        value = int(value)
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", value)
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"Ожидается целое число, а в ячейке «{value.strip()}».")
        value = int(re.split(r"[.,]", text)[0])
    if not isinstance(value, int):
        raise ValueError(f"Ожидается целое число, а в ячейке «{value}».")
    if value < 0:
        raise ValueError(f"Число не может быть отрицательным: «{value}».")
    if value > MAX_NUMBER:
        raise ValueError(f"Слишком большое число «{value}»: проверьте значение.")
    return value


def _code_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Organisations:
    def __init__(self, department: EducationDepartment) -> None:
        self.department = department
        self.by_code: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.filter(department=department):
            self.by_code[organisation.code.lower()] = organisation
            for name in {normalise(organisation.short_name), normalise(organisation.full_name)}:
                self.by_name.setdefault(name, []).append(organisation)

    def find(self, code, name) -> tuple[Organisation | None, str | None, str | None]:
        """(organisation, None, None) or (None, column key, message)."""
        if not _blank(code):
            text = _code_text(code)
            found = self.by_code.get(text.lower())
            if found is None:
                return (
                    None,
                    "code",
                    (
                        f"Организации с кодом «{text}» нет в «{self.department.name}». Коды организаций — в "
                        "шаблоне файла (столбец «Код ОО»)."
                    ),
                )
            return found, None, None
        if not _blank(name):
            candidates = self.by_name.get(normalise(str(name)), [])
            if len(candidates) == 1:
                return candidates[0], None, None
            if candidates:
                return (
                    None,
                    "name",
                    (f"Организаций с наименованием «{str(name).strip()}» несколько — укажите «Код ОО»."),
                )
            return (
                None,
                "name",
                (
                    f"Организация «{str(name).strip()}» не найдена в «{self.department.name}». Укажите «Код ОО» "
                    "или наименование, как в реестре (краткое или полное)."
                ),
            )
        return None, "code", ("Не указана организация: заполните «Код ОО» или «Образовательная организация».")


def _is_total_row(code, name) -> bool:
    return _blank(code) and not _blank(name) and normalise(str(name)).rstrip(":") in TOTAL_ROWS


def _read(content: bytes, report: ContingentReport) -> list[tuple[int, dict[str, object]]]:
    """The data rows (Excel row, column key -> raw value), or problems in the report."""
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        header = _find_header(workbook)
        if header is None:
            report.problem(
                None,
                None,
                None,
                (
                    "Не найдена строка заголовков: ожидались столбцы «Код ОО» или «Образовательная "
                    f"организация» и {', '.join(f'«{c.header}»' for c in NUMBERS)} в первых {HEADER_SCAN_ROWS} "
                    "строках листа. Скачайте шаблон и заполните его."
                ),
            )
            return []
        sheet, header_row, columns = header
        missing = [column.header for column in NUMBERS if column.key not in columns]
        if missing:
            report.problem(
                header_row,
                None,
                None,
                (
                    f"Нет столбцов {', '.join(f'«{name}»' for name in missing)}. Все пять чисел должны быть в "
                    "файле (пустая ячейка — сведения не сданы). Скачайте шаблон и заполните его."
                ),
            )
            return []
        report.columns = {key: get_column_letter(index) for key, index in columns.items()}
        rows = []
        last = max(columns.values())
        for number, row in enumerate(
            sheet.iter_rows(min_row=header_row + 1, max_col=last, values_only=True), start=header_row + 1
        ):
            values = {key: (row[index - 1] if index - 1 < len(row) else None) for key, index in columns.items()}
            if all(_blank(value) for value in values.values()):
                continue
            if len(rows) >= MAX_ROWS:
                report.problem(
                    None,
                    None,
                    None,
                    f"В файле больше {MAX_ROWS} строк — это не контингент одного муниципалитета. Проверьте файл.",
                )
                return []
            rows.append((number, values))
        return rows
    except Exception:  # openpyxl, zip or XML errors on an untrusted file
        report.problem(None, None, None, WORKBOOK_CORRUPT)
        return []
    finally:
        if workbook is not None:
            workbook.close()


def _check_rows(rows, report: ContingentReport) -> None:
    organisations = _Organisations(report.department)
    seen: dict[int, int] = {}
    columns = report.columns
    for number, values in rows:
        code, name = values.get("code"), values.get("name")
        if _is_total_row(code, name):
            continue
        report.rows_read += 1
        numbers: dict[str, int | None] = {}
        for column in NUMBERS:
            raw = values[column.key]
            if _blank(raw):
                numbers[column.key] = None
                continue
            try:
                numbers[column.key] = _number(raw)
            except ValueError as error:
                numbers[column.key] = None
                report.problem(number, columns[column.key], column.key, str(error))
        if all(_blank(values[column.key]) for column in NUMBERS):
            # Not reported: nothing to save, and a note under the table is no organisation either.
            if organisations.find(code, name)[0] is not None:
                report.skipped += 1
            continue
        organisation, key, message = organisations.find(code, name)
        if organisation is None:
            report.problem(number, columns.get(key) or columns.get("name"), key, message)
            continue
        if organisation.pk in seen:
            report.problem(
                number,
                columns.get("code") or columns.get("name"),
                "code" if "code" in columns else "name",
                f"Организация «{organisation.short_name}» уже указана в строке {seen[organisation.pk]}.",
            )
            continue
        seen[organisation.pk] = number
        for part, whole, message in PARTS:
            if numbers[part] is not None and numbers[whole] is not None and numbers[part] > numbers[whole]:
                report.problem(number, columns[part], part, message)
        report.rows.append(ContingentRow(number, organisation, numbers))


def _save(report: ContingentReport, user) -> None:
    organisations = [row.organisation for row in report.rows]
    existing = {
        contingent.organisation_id: contingent
        for contingent in Contingent.objects.select_for_update().filter(
            organisation__in=organisations, year=report.year
        )
    }
    now = timezone.now()
    for row in report.rows:
        contingent = existing.get(row.organisation.pk)
        if contingent is None:
            contingent = Contingent(organisation=row.organisation, year=report.year)
            report.created += 1
        else:
            report.updated += 1
        for key, value in row.values.items():
            setattr(contingent, key, value)
        contingent.entered_by = user if getattr(user, "pk", None) else None
        contingent.updated_at = now
        contingent.save()  # its signal gives the organisation a new data version


def import_contingent(
    data: bytes | IO[bytes],
    filename: str,
    department: EducationDepartment,
    year: int,
    *,
    user=None,
    save: bool = True,
) -> ContingentReport:
    """Check an uploaded contingent and, when `save` and there is no problem, save it all at once."""
    report = ContingentReport(department=department, year=year, filename=filename)
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        report.problem(None, None, None, YEAR_MESSAGE)
        return report
    try:
        check_workbook(data, filename)
    except UploadRefused as error:
        report.problem(None, None, None, error.message)
        return report
    rows = _read(_content(data), report)
    if not report.ok:
        return report
    _check_rows(rows, report)
    if not report.rows and report.ok:
        report.problem(
            None,
            None,
            None,
            (
                "В файле нет ни одной организации с числами контингента. Заполните числа в шаблоне и "
                "загрузите его снова."
            ),
        )
    if not report.ok or not save:
        return report
    try:
        with transaction.atomic():
            _save(report, user)
    except IntegrityError:
        report.created = report.updated = 0
        report.problem(
            None,
            None,
            None,
            (
                "Контингент этих организаций за этот год как раз изменили в другом окне или другой загрузкой. "
                "Загрузите файл ещё раз."
            ),
        )
        return report
    report.saved = True
    return report


def check_contingent(data, filename: str, department: EducationDepartment, year: int) -> ContingentReport:
    """The report of `import_contingent` without saving anything."""
    return import_contingent(data, filename, department, year, save=False)


# --- The template ----------------------------------------------------------------------------------


def template_filename(department: EducationDepartment, year: int) -> str:
    return f"kontingent-{department.code}-{year}.xlsx"


TITLE_ROWS = 4  # the title, the department, a hint and an empty row; the header is the fifth row


def write_template(department: EducationDepartment, year: int, out: BinaryIO) -> int:
    """The department's contingent template for `year`, every organisation listed with the numbers
    already reported; returns the number of organisations."""
    organisations = list(Organisation.objects.filter(department=department).order_by("short_name", "code"))
    reported = {
        contingent.organisation_id: contingent
        for contingent in Contingent.objects.filter(organisation__department=department, year=year)
    }
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Контингент"
    sheet["A1"] = f"Контингент образовательных организаций за {year} год"
    sheet["A1"].font = Font(bold=True, size=13)
    set_text(sheet["A2"], department.name)  # names as users typed them: text, never formulas
    sheet["A3"] = (
        "Впишите целые числа. Пустая ячейка — сведения не сданы (не ноль). Не меняйте «Код ОО»: по нему "
        "строка находит организацию. Учителей – молодых специалистов и педагогов до 35 лет не больше, "
        "чем учителей всего; обучающихся 10–18 лет не больше, чем обучающихся всего."
    )
    sheet["A3"].alignment = Alignment(wrap_text=False)
    header_row = TITLE_ROWS + 1
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = border
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.row_dimensions[header_row].height = 48
    for offset, organisation in enumerate(organisations, start=1):
        row = header_row + offset
        contingent = reported.get(organisation.pk)
        code_cell = sheet.cell(row=row, column=1)
        set_text(code_cell, organisation.code)
        code_cell.number_format = "@"
        set_text(sheet.cell(row=row, column=2), organisation.short_name)
        for index, column in enumerate(NUMBERS, start=3):
            cell = sheet.cell(row=row, column=index, value=getattr(contingent, column.key) if contingent else None)
            cell.number_format = "0"
        for index in range(1, len(COLUMNS) + 1):
            sheet.cell(row=row, column=index).border = border
    if organisations:
        last_row = header_row + len(organisations)
        validation = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2=str(MAX_NUMBER),
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Контингент",
            error="Впишите целое число не меньше нуля.",
        )
        validation.add(f"C{header_row + 1}:{get_column_letter(len(COLUMNS))}{last_row}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    workbook.save(out)
    return len(organisations)
