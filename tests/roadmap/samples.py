"""The three sample roadmaps of fixtures/roadmaps, as pasted text and as the .docx and .xlsx files their
authors keep, and the refusal every reader gives."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from roadmap.reading import (
    FIELDS,
    DraftTable,
    RoadmapReadError,
    read_text,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"
DISTRICT = "district-2022-2024.tsv"
COMMITTEE = "district-committee-2022.tsv"
SPORTS = "sports-school-2020-2021.tsv"
SAMPLES = (DISTRICT, COMMITTEE, SPORTS)
CYRILLIC = re.compile(r"[а-яё]", re.I)


def sample_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def shape(table: DraftTable) -> list:
    """Sections and items with every text field and the problems, without source row numbers."""
    return [
        (
            section.number,
            section.title,
            [tuple(getattr(item, name) for name in FIELDS) + (tuple(item.problems),) for item in section.items],
        )
        for section in table.sections
    ]


def refusal(call, *args, **kwargs) -> str:
    with pytest.raises(RoadmapReadError) as caught:
        call(*args, **kwargs)
    message = caught.value.message
    assert CYRILLIC.search(message), message
    assert str(caught.value) == message
    return message


# --- the samples as .docx and .xlsx ------------------------------------------------------------


def header_cells(name: str) -> list[str]:
    return sample_text(name).split("\n", 1)[0].split("\t")


def layout(name: str) -> tuple[list[str], dict[str, int]]:
    """The sample's header cells and each field's column."""
    cells = header_cells(name)
    table = read_text(sample_text(name))
    positions = {field: cells.index(text) for field, text in table.columns.items()}
    return cells, positions


def item_cells(item, positions: dict[str, int], width: int) -> list[str]:
    cells = [""] * width
    for field, position in positions.items():
        cells[position] = getattr(item, field)
    return cells


def fill_cell(cell, text: str) -> None:
    """Each line of the text is a paragraph of its own (as Word keeps a cell's paragraphs)."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def add_table(document, rows: list[list[str]], width: int, merged_sections: set[int]):
    table = document.add_table(rows=len(rows), cols=width)
    for index, cells in enumerate(rows):
        row = table.rows[index]
        if index in merged_sections:  # one cell across the whole width
            merged = row.cells[0].merge(row.cells[width - 1])
            merged.text = cells[0]
            continue
        for position, text in enumerate(cells):
            fill_cell(row.cells[position], text)
    return table


def table_rows(name: str) -> tuple[list[list[str]], set[int], int]:
    """The sample as a clean table: header, section rows (their indexes) and item rows."""
    cells, positions = layout(name)
    table = read_text(sample_text(name))
    rows = [cells]
    sections = set()
    for section in table.sections:
        if section.title:
            sections.add(len(rows))
            rows.append([f"{section.number} {section.title}"] + [""] * (len(cells) - 1))
        rows.extend(item_cells(item, positions, len(cells)) for item in section.items)
    return rows, sections, len(cells)


def docx_bytes(name: str) -> bytes:
    """The sample as Word keeps it: a title, the table split in two by an empty paragraph (the
    second part without a header), a nested table in one cell, a signature table after."""
    rows, sections, width = table_rows(name)
    split = len(rows) // 2
    document = Document()
    document.add_paragraph("План мероприятий («дорожная карта») по внедрению наставничества")
    first = add_table(document, rows[:split], width, {index for index in sections if index < split})
    nested = first.rows[1].cells[width - 1].add_table(rows=1, cols=2)
    nested.rows[0].cells[0].text = "вложенная таблица"
    document.add_paragraph("")
    add_table(document, rows[split:], width, {index - split for index in sections if index >= split})
    document.add_paragraph("Директор")
    signature = document.add_table(rows=1, cols=2)
    signature.rows[0].cells[0].text = "Директор"
    signature.rows[0].cells[1].text = "Шумилина Н.М."
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(name: str) -> bytes:
    """The sample on a sheet: a merged title row above the header, merged section cells."""
    rows, sections, width = table_rows(name)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Дорожная карта"
    sheet.append(["План мероприятий («дорожная карта»)"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for index, cells in enumerate(rows):
        sheet.append([text or None for text in cells])
        if index in sections:
            sheet.merge_cells(start_row=index + 2, start_column=1, end_row=index + 2, end_column=width)
    workbook.create_sheet("Пустой")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER = "№ п/п\tСодержание\tСроки\tОтветственный"
