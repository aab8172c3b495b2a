"""Tables written as the programs schools use write them: Excel (.xlsx, and .xls as Excel 97–2003 saves
it, through xlwt), LibreOffice (.ods, through odfpy) and CSV (UTF-8 with its mark, or Windows-1251, «;»).

`write(rows, fmt)` takes rows of cell values (str, int, float, date or None) from A1.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

FORMATS = ("xlsx", "xls", "ods", "csv")


def write(rows: list[list], fmt: str, *, sheet: str = "Лист1", encoding: str = "utf-8-sig") -> bytes:
    return {"xlsx": _xlsx, "xls": _xls, "ods": _ods, "csv": _csv}[fmt](rows, sheet, encoding)


def _xlsx(rows, sheet, _encoding) -> bytes:
    book = openpyxl.Workbook()
    book.active.title = sheet
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                book.active.cell(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xls(rows, sheet, _encoding) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    page = book.add_sheet(sheet)
    dated = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, (date, datetime)):
                page.write(number, column, value, dated)
            elif value is not None:
                page.write(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ods(rows, sheet, _encoding) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet)
    for row in rows:
        line = TableRow()
        for value in row:
            if value is None:
                cell = TableCell()
            elif isinstance(value, (date, datetime)):
                cell = TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%d"))
                cell.addElement(P(text=value.strftime("%d.%m.%Y")))
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                for part in str(value).split("\n"):
                    cell.addElement(P(text=part))
            line.addElement(cell)
        table.addElement(line)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _csv(rows, _sheet, encoding) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";")
    for row in rows:
        writer.writerow(
            ["" if v is None else v.strftime("%d.%m.%Y") if isinstance(v, (date, datetime)) else v for v in row]
        )
    return text.getvalue().encode(encoding)
