"""The contingent template: the department's organisations listed with the numbers reported so far."""

from __future__ import annotations

from typing import BinaryIO

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.files.writers import set_text
from monitoring.contingent.layout import (
    COLUMNS,
    MAX_NUMBER,
    NUMBERS,
)
from monitoring.models import Contingent
from registry.models import EducationDepartment, Organisation

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
    last_column = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + len(organisations)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    workbook.save(out)
    return len(organisations)
