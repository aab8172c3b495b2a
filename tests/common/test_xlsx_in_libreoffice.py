"""LibreOffice Calc opens every kind of XLSX the product writes and reads back what a user would see: numbers as
numbers (a share as a percentage, a numerator and a denominator each in its own cell), dates as dates, Cyrillic
text whole, a filter over each table, rows tall enough for their wrapped text.

One headless LibreOffice (Debian's libreoffice-calc-nogui; `scripts/system-deps.sh tests` installs it) converts
all the files to OpenDocument in one run, with a profile of its own; the test reads the ODS's content.xml:
each cell's type, value and text as LibreOffice shows it, each row's height, each sheet's filter.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.common.conftest import LONG_ITEM, LONG_REQUEST, RESULTS

pytestmark = pytest.mark.django_db

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}
UNITS_PT = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0}
# Empty cells and rows LibreOffice writes as one element repeated to the sheet's edge: not expanded past this.
REPEATED = 64


def _name(prefix: str, local: str) -> str:
    return f"{{{NS[prefix]}}}{local}"


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and Path("/usr/lib/libreoffice/program/soffice").exists():
        found = "/usr/lib/libreoffice/program/soffice"
    if found is None:
        pytest.fail(
            "LibreOffice is missing: run `make test` (it installs it) or `apt-get install libreoffice-calc-nogui`."
        )
    return found


@dataclass
class Cell:
    kind: str | None  # LibreOffice's value type: float, percentage, date, string; None for an empty cell
    value: float | str | None
    text: str  # as LibreOffice shows it, paragraphs joined by line breaks


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    heights: list[float | None] = field(default_factory=list)  # in points, by row
    filtered: str | None = None  # the range the filter covers

    def row(self, first: str | float, *, column: int = 0) -> list[Cell]:
        """The first row whose cell in `column` reads `first` (a text, or a value)."""
        for cells in self.rows:
            if len(cells) > column and cells[column].value == first:
                return cells
        raise AssertionError(f"no row with {first!r} in column {column + 1} on «{self.name}»")

    def height(self, first: str | float, *, column: int = 0) -> float:
        """The height of that row in points."""
        row = self.row(first, column=column)
        return next(self.heights[index] or 0.0 for index, cells in enumerate(self.rows) if cells is row)


def _length(text: str | None) -> float | None:
    if not text:
        return None
    for unit, points in UNITS_PT.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * points
    raise ValueError(text)


def _cell(element) -> Cell:
    kind = element.get(_name("office", "value-type"))
    text = "\n".join("".join(paragraph.itertext()) for paragraph in element.findall("text:p", NS))
    if kind in ("float", "percentage", "currency"):
        value: float | str | None = float(element.get(_name("office", "value")))
    elif kind == "date":
        value = element.get(_name("office", "date-value"))
    else:
        value = text if kind else None
    return Cell(kind, value, text)


def read_ods(path: Path) -> dict[str, Sheet]:
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    row_heights = {
        style.get(_name("style", "name")): _length(properties.get(_name("style", "row-height")))
        for style in root.iter(_name("style", "style"))
        if (properties := style.find("style:table-row-properties", NS)) is not None
    }
    sheets = {}
    for table in root.iter(_name("table", "table")):
        sheet = Sheet(table.get(_name("table", "name")))
        for row in table.iter(_name("table", "table-row")):
            cells = []
            for element in row:
                repeat = int(element.get(_name("table", "number-columns-repeated"), "1"))
                cells += [_cell(element)] * min(repeat, REPEATED)
            for _ in range(min(int(row.get(_name("table", "number-rows-repeated"), "1")), REPEATED)):
                sheet.rows.append(cells)
                sheet.heights.append(row_heights.get(row.get(_name("table", "style-name"))))
        sheets[sheet.name] = sheet
    for database_range in root.iter(_name("table", "database-range")):
        if database_range.get(_name("table", "display-filter-buttons")) == "true":
            target = database_range.get(_name("table", "target-range-address"))
            sheets[target.split(".")[0].strip("'$")].filtered = target
    return sheets


def open_in_libreoffice(files: dict[str, bytes], folder: Path) -> dict[str, dict[str, Sheet]]:
    """Every file as LibreOffice Calc reads it, by name: one LibreOffice for all of them (it starts slowly)."""
    source, target = folder / "xlsx", folder / "ods"
    source.mkdir()
    paths = {}
    for index, (name, data) in enumerate(files.items()):
        paths[name] = source / f"{index}.xlsx"
        paths[name].write_bytes(data)
    command = [
        soffice(),
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        "ods",
        "--outdir",
        str(target),
        *map(str, paths.values()),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    return {name: read_ods(target / f"{path.stem}.ods") for name, path in paths.items()}


def test_libreoffice_reads_every_xlsx_back(xlsx_files, tmp_path):
    books = open_in_libreoffice(xlsx_files, tmp_path)

    # Every sheet's table has its filter (the roadmap sheet's list of overdue items, on the report).
    for name, book in books.items():
        for sheet in book.values():
            assert sheet.filtered, f"{name}: «{sheet.name}» has no filter"

    # The indicator table: the share a percentage, its numerator and denominator numbers in cells of their own.
    [table] = books["indicator table"].values()
    assert [cell.text for cell in table.row("№")[3:6]] == ["2025", "2025: числитель", "2025: знаменатель"]
    share, numerator, denominator = table.row(3)[3:6]
    assert (share.kind, share.value, numerator.kind, numerator.value, denominator.kind, denominator.value) == (
        "percentage",
        0.2,
        "float",
        2.0,
        "float",
        10.0,
    )
    assert share.text.replace(",", ".") == "20.0%"
    assert table.row(2)[3].kind == "float"  # a count, not a share
    assert table.row(3)[1].value.startswith("Доля обучающихся в возрасте от 10 до 18 лет")

    # The analytic report: the same figures, on the indicators' sheet and by organisation.
    report = books["analytic report"]
    indicators = report["Показатели"].row(3)
    assert [(cell.kind, cell.value) for cell in indicators[4:7]] == [
        ("percentage", 0.2),
        ("float", 2.0),
        ("float", 10.0),
    ]
    school = report["По организациям"].row("МБОУ СОШ № 1")
    assert (school[1].value, school[3].kind, school[3].value) == ("да", "percentage", 0.2)
    assert report["Дорожная карта"].row("1.1.")[1].value == LONG_ITEM
    assert report["Дорожная карта"].row("1.1.")[2].kind == "date"
    growth = report["Мониторинг влияния"].row(2025.0)  # the mentor: 5 before, 7 after, in every growth group
    assert [(cell.kind, cell.value) for cell in growth[4:7]] == [("float", 1.0), ("float", 2.0), ("percentage", 1.0)]
    assert report["Качество процесса"].row("МБОУ СОШ № 1")[5].value == 8.0

    # The bases: the official columns, numbers, dates, texts whole; wrapped rows as tall as their lines.
    [mentees] = books["mentees base"].values()
    vera = mentees.row("Ёлкина Вера", column=1)
    assert (vera[0].kind, vera[2].kind, vera[2].value) == ("float", "float", 2013.0)
    assert (vera[3].value, vera[4].kind, vera[4].value) == (LONG_REQUEST, "date", "2025-09-15")
    assert vera[9].value == RESULTS
    gleb, stranger = mentees.row("Борисов Глеб", column=1), mentees.row("Чужая Анна", column=1)
    assert gleb[3].value == "Дроби" and stranger[5].value == "Чужой Иван"
    # Ёлкина's request takes five lines or more, Борисов's row the results' two lines, Чужая's one line.
    heights = [mentees.height(name, column=1) for name in ("Ёлкина Вера", "Борисов Глеб", "Чужая Анна")]
    assert heights[0] >= 5 * 13 and heights == sorted(heights, reverse=True) and len(set(heights)) == 3
    [mentors] = books["mentors base"].values()
    group = mentors.row("Наставникова Ирина Львовна", column=1)
    assert set(group[9].value.split("\n")) == {"Борисов Глеб", "Ёлкина Вера"} and group[8].kind == "date"

    # The roadmap, the contingent template, the subject's extract.
    [roadmap] = books["roadmap"].values()
    assert roadmap.row("1.1.")[1].value == LONG_ITEM and roadmap.height("1.1.") > roadmap.height("1.2.")
    [contingent] = books["contingent template"].values()
    assert [(cell.kind, cell.value) for cell in contingent.row("a1")[1:4]] == [
        ("string", "МБОУ СОШ № 1"),
        ("float", 40.0),
        ("float", 10.0),
    ]
    extract = books["subject extract"]
    assert extract["Сведения"].row("Основной запрос наставляемого")[1].value == LONG_REQUEST
    assert extract["Сведения"].height("Основной запрос наставляемого") >= 2 * 13
    assert extract["Наставничество"].row("наставляемый")[1].value.endswith("наставник Наставникова Ирина Львовна")
