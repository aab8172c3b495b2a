"""The contingent upload: every row checked, and saved only when the whole file is right."""

from __future__ import annotations

import io
import re
from typing import IO

import openpyxl
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter

from common.files.cells import find_header
from common.files.uploads import (
    MAX_UPLOAD_BYTES,
    WORKBOOK_CORRUPT,
    UploadRefused,
    check_workbook,
    read_bytes,
)
from common.text import normalise
from monitoring.contingent.layout import (
    COLUMNS,
    HEADER_SCAN_COLUMNS,
    HEADER_SCAN_ROWS,
    MAX_NUMBER,
    MAX_ROWS,
    NUMBERS,
    TOTAL_ROWS,
    ContingentReport,
    ContingentRow,
)
from monitoring.models import FIRST_YEAR, LAST_YEAR, PARTS, YEAR_MESSAGE, Contingent
from registry.models import EducationDepartment, Organisation

# --- Reading ---------------------------------------------------------------------------------------


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
        header = find_header(
            workbook,
            COLUMNS,
            rows=HEADER_SCAN_ROWS,
            width=HEADER_SCAN_COLUMNS,
            accepts=lambda found: ("code" in found or "name" in found) and len(found) >= 2,
        )
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
    rows = _read(read_bytes(data, MAX_UPLOAD_BYTES + 1), report)
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
