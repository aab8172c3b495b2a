"""Reading uploaded «База наставников» / «База наставляемых» workbooks (exchange.reading).

Every fixture file is built here: openpyxl (normal mode) writes the workbooks, zipfile crafts
the broken and hostile ones. No database.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from common.files import uploads
from common.files.cells import normalise_header, parse_date
from common.files.uploads import OLE_SIGNATURE
from exchange import reading
from exchange.official import MENTEES, MENTORS
from exchange.reading import (
    MAX_ROWS,
    WorkbookError,
    check_upload,
    detect_form,
    read_form,
)

# --- building files -------------------------------------------------------------------------


def xlsx(*sheets, merges=None) -> bytes:
    """A workbook of sheets given as (title, rows); rows are lists of cell values."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row_number, column_number, value)
        for cell_range in (merges or {}).get(title, []):
            sheet.merge_cells(cell_range)
    if not sheets:
        workbook.create_sheet("Лист1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_zip(content: bytes, *, replace=None, add=None, stored=False) -> bytes:
    """Copy a zip, changing member texts (replace: {name: (old, new)}) or adding members."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if replace and info.filename in replace:
                old, new = replace[info.filename]
                # openpyxl writes an empty element as `<v />` through the stdlib and as `<v/>` or
                # `<v></v>` through lxml: spell them all the stdlib's way first.
                data = re.sub(rb"<(\w+)([^<>]*?)\s*/>", rb"<\1\2 />", data)
                data = re.sub(rb"<(\w+)([^<>/]*)></\1>", rb"<\1\2 />", data)
                assert old in data, (old, data[:500])
                data = data.replace(old, new)
            target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


MENTEE_HEADERS = [
    "№п/п",
    "ФИО\nнаставляемого",
    "Год  рождения наставляемого",
    "ОСНОВНОЙ запрос наставляемого",
    "Дата вхождения в программу*",
    "ФИО наставника:",
    "Форма наставничества",
    "Место работы наставника",
    "Дата завершения\r\nпрограммы",
    "Результаты программы",
    "Ссылка на кейс / отзыв наставляемого",
    "Отметка о прохождении программы",
]

MENTOR_HEADERS = [
    "№",
    "ФИО наставника",
    "Место работы",
    "Основные компетенции наставника",
    "Важные для программы достижения наставника",
    "Интересы наставника",
    "Желаемый возраст наставляемых",
    "Ресурс времени на программу наставничества",
    "Дата вхождения в программу",
    "ФИО наставляемого (наставляемых)",
    "Форма наставничества",
    "Место работы наставляемого",
    "Дата завершения программы",
    "Результаты программы",
    "Ссылка на кейс/отзыв наставника",
]


def mentee_row(number, name, entry=datetime(2024, 9, 2), end="31.05.2025"):
    return [
        number,
        name,
        2009,
        "Адаптация",
        entry,
        "Петрова Анна Ивановна",
        "ученик – ученик",
        "МБОУ СОШ № 5",
        end,
        "Повысил успеваемость",
        "https://example.org/case",
        "да",
    ]


def mentor_row(number, name):
    return [
        number,
        name,
        "МБОУ СОШ № 5",
        "Математика",
        "Победитель конкурса",
        "Шахматы",
        "12–14",
        "2 часа в неделю",
        datetime(2024, 9, 2),
        "Сидоров Олег",
        "учитель – ученик",
        "МБОУ СОШ № 5",
        None,
        None,
        None,
    ]


def mentees_file() -> bytes:
    """Title rows (one merged), a blank row, the header with line breaks, a numbering row,
    data with Excel and text dates, a blank row and a numbered empty template row."""
    rows = [
        ["База наставляемых"],
        ["МБОУ СОШ № 5 г. Кедровый, 2024/2025 учебный год"],
        [],
        MENTEE_HEADERS,
        list(range(1, 13)),
        mentee_row(1, "Иванов Иван Иванович"),
        mentee_row(2, "Семёнова Алёна Петровна", entry="01.09.2024", end=None),
        [],
        mentee_row(3, "Кузнецов Пётр", entry=45292),
        [4],
        [],
    ]
    return xlsx(("Наставляемые", rows), merges={"Наставляемые": ["A1:L1", "A2:L2"]})


def mentors_file() -> bytes:
    rows = [["База наставников"], [], MENTOR_HEADERS, mentor_row(1, "Петрова Анна Ивановна")]
    return xlsx(("Лист1", rows), merges={"Лист1": ["A1:O1"]})


def message_of(call, *args, **kwargs) -> str:
    with pytest.raises(WorkbookError) as caught:
        call(*args, **kwargs)
    assert caught.value.message == str(caught.value)
    return caught.value.message


# --- reading a good file --------------------------------------------------------------------


def test_reads_mentees_below_titles_merged_cells_and_numbering_row():
    sheet = read_form(mentees_file(), "база.xlsx", MENTEES)

    assert sheet.form is MENTEES
    assert sheet.sheet_name == "Наставляемые"
    assert sheet.header_row == 4
    assert sheet.missing == []
    assert sheet.columns["number"] == "A"
    assert sheet.columns["mentee"] == "B"
    assert sheet.columns["feedback"] == "K"
    assert sheet.columns["completion_mark"] == "L"
    # The numbering row 5, the blank row 8, the template row 10 (only «№ п/п») are skipped.
    assert [row.number for row in sheet.rows] == [6, 7, 9]
    first, second, third = sheet.rows
    assert first.values["mentee"] == "Иванов Иван Иванович"
    assert first.values["entry_date"] == date(2024, 9, 2)
    assert first.values["end_date"] == "31.05.2025"
    assert first.values["mentee_birth_year"] == 2009
    assert second.values["entry_date"] == "01.09.2024"
    assert second.values["end_date"] is None
    assert third.values["entry_date"] == 45292
    assert set(first.values) == {column.key for column in MENTEES.columns}
    # The raw values feed parse_date.
    assert [parse_date(row.values["entry_date"]) for row in sheet.rows] == [
        date(2024, 9, 2),
        date(2024, 9, 1),
        date(2024, 1, 1),
    ]


def test_reads_from_a_file_object_and_puts_its_position_back():
    upload = io.BytesIO(mentees_file())
    upload.seek(7)

    sheet = read_form(upload, "база.XLSX", MENTEES)

    assert len(sheet.rows) == 3
    assert upload.tell() == 7


def test_mentors_workplace_columns_are_not_confused():
    headers = list(MENTOR_HEADERS)
    # The mentee's workplace comes first, worded longer; the mentor's has a trailing colon.
    headers[2], headers[11] = "Место работы наставляемого (организация)", "Место работы:"
    rows = [headers, mentor_row(1, "Петрова Анна Ивановна")]

    sheet = read_form(xlsx(("Лист1", rows)), "наставники.xlsx", MENTORS)

    assert sheet.columns["mentee_workplace"] == "C"
    assert sheet.columns["mentor_workplace"] == "L"
    assert sheet.missing == []


def test_header_cell_containing_an_official_header_is_found():
    headers = list(MENTEE_HEADERS)
    headers[1] = "ФИО наставляемого (полностью)"
    headers[7] = "Место работы наставника (полное название ОО)"

    sheet = read_form(xlsx(("Лист1", [headers, mentee_row(1, "Иванов")])), "ф.xlsx", MENTEES)

    assert sheet.columns["mentee"] == "B"
    assert sheet.columns["mentor_workplace"] == "H"


def test_missing_columns_are_reported_not_refused():
    headers = MENTEE_HEADERS[:8]  # 8 of 12
    sheet = read_form(xlsx(("Лист1", [headers, mentee_row(1, "Иванов")[:8]])), "ф.xlsx", MENTEES)

    assert [column.key for column in sheet.missing] == ["end_date", "results", "feedback", "completion_mark"]
    assert set(sheet.rows[0].values) == {column.key for column in MENTEES.columns[:8]}


def test_header_may_start_right_of_column_a_and_only_the_row_under_it_is_a_numbering_row():
    rows = [
        [],
        [None, None, *MENTEE_HEADERS],
        [None, None, *mentee_row(1, "Иванов")],
        [None, None, *range(1, 13)],  # not right under the header: data, for the importer to judge
        [None, None, 3, "  ", None, "\n"],  # whitespace only: blank
    ]

    sheet = read_form(xlsx(("Лист1", rows)), "ф.xlsx", MENTEES)

    assert sheet.columns["number"] == "C"
    assert sheet.columns["completion_mark"] == "N"
    assert [row.number for row in sheet.rows] == [3, 4]
    assert sheet.rows[1].values["mentee"] == 2


def test_the_sheet_carrying_the_form_is_chosen():
    instructions = ("Инструкция", [["Заполните лист «Данные»"], ["ФИО наставляемого — полностью"]])
    data = ("Данные", [MENTEE_HEADERS, mentee_row(1, "Иванов")])

    sheet = read_form(xlsx(instructions, data), "ф.xlsx", MENTEES)

    assert sheet.sheet_name == "Данные"
    assert sheet.header_row == 1


def test_a_workbook_with_both_forms_gives_each_its_sheet():
    content = xlsx(
        ("Наставники", [MENTOR_HEADERS, mentor_row(1, "Петрова")]),
        ("Наставляемые", [MENTEE_HEADERS, mentee_row(1, "Иванов")]),
    )

    assert read_form(content, "ф.xlsx", MENTORS).sheet_name == "Наставники"
    assert read_form(content, "ф.xlsx", MENTEES).sheet_name == "Наставляемые"


def test_wrong_dimensions_recorded_in_the_sheet_are_ignored():
    rows = [MENTEE_HEADERS] + [mentee_row(n, f"Ученик {n}") for n in range(1, 6)]
    content = rewrite_zip(
        xlsx(("Лист1", rows)),
        replace={"xl/worksheets/sheet1.xml": (b'<dimension ref="A1:L6" />', b'<dimension ref="A1" />')},
    )

    assert len(read_form(content, "ф.xlsx", MENTEES).rows) == 5


def test_formulas_give_their_cached_value_and_formula_text_stays_text():
    rows = [MENTEE_HEADERS, mentee_row(1, "Иванов"), mentee_row(2, "Петров")]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx(("Лист1", rows))))
    workbook.active["J2"] = "=1+1"  # a formula; Excel would store its value, 2
    workbook.active["J3"] = "=1+1"
    workbook.active["J3"].data_type = "s"  # text that merely looks like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = rewrite_zip(
        buffer.getvalue(),
        replace={"xl/worksheets/sheet1.xml": (b"<f>1+1</f><v />", b"<f>1+1</f><v>2</v>")},
    )

    first, second = read_form(content, "ф.xlsx", MENTEES).rows

    assert first.values["results"] == 2
    assert second.values["results"] == "=1+1"


# --- detect_form ----------------------------------------------------------------------------


def test_detect_form():
    assert detect_form(mentees_file(), "ф.xlsx") is MENTEES
    assert detect_form(mentors_file(), "ф.xlsx") is MENTORS
    assert detect_form(xlsx(("Лист1", [["Фамилия", "Имя", "Класс"]])), "ф.xlsx") is None


# --- refusals: the sheet --------------------------------------------------------------------


def test_empty_workbook():
    message = message_of(read_form, xlsx(), "пустая.xlsx", MENTEES)
    assert "В файле нет данных" in message


def test_unrelated_headers():
    rows = [["Список класса"], ["Фамилия", "Имя", "Отчество", "Класс", "ФИО наставника"]]

    message = message_of(read_form, xlsx(("Лист1", rows)), "ф.xlsx", MENTEES)

    assert message.startswith(
        "Не найдена строка заголовков «База наставляемых»: ожидались столбцы «ФИО наставляемого», "
        "«Год рождения наставляемого»"
    )
    # «Фамилия | Имя | Отчество» is the mentee's name over three columns; «Класс» is no column of the form.
    assert "строка 2 листа «Лист1»: совпало столбцов — 2 из 12, нужно не меньше 6" in message


def test_header_too_far_down_is_not_found():
    rows = [[f"пояснение {n}"] for n in range(1, 61)] + [MENTEE_HEADERS]

    message = message_of(read_form, xlsx(("Лист1", rows)), "ф.xlsx", MENTEES)

    assert "Не найдена строка заголовков" in message
    assert "в первых 60 строках" in message


def test_mentors_file_uploaded_as_mentees():
    message = message_of(read_form, mentors_file(), "ф.xlsx", MENTEES)
    assert "Похоже, это «База наставников», а выбрана «База наставляемых»" in message


def test_mentees_file_uploaded_as_mentors():
    message = message_of(read_form, mentees_file(), "ф.xlsx", MENTORS)
    assert "Похоже, это «База наставляемых», а выбрана «База наставников»" in message


def test_too_many_rows():
    rows = [MENTEE_HEADERS] + [mentee_row(n, f"Ученик {n}") for n in range(1, 7)]
    content = xlsx(("Лист1", rows))

    assert len(read_form(content, "ф.xlsx", MENTEES, max_rows=6).rows) == 6
    message = message_of(read_form, content, "ф.xlsx", MENTEES, max_rows=5)
    assert message.startswith("В файле больше 5 строк")


def test_too_many_rows_message_names_the_default_limit():
    assert MAX_ROWS == 20_000
    assert reading._too_many_rows_message(MAX_ROWS).startswith("В файле больше 20 000 строк")


# --- refusals: the file ---------------------------------------------------------------------


def test_too_big():
    assert "Файл больше 10 МБ" in message_of(check_upload, b"x" * (10 * 1024 * 1024 + 1), "ф.xlsx")
    assert "Файл больше 1 КБ" in message_of(check_upload, mentees_file(), "ф.xlsx", max_bytes=1024)
    big = io.BytesIO(b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))
    assert "Файл больше 10 МБ" in message_of(read_form, big, "ф.xlsx", MENTEES)


def test_empty_file():
    assert "Файл пустой" in message_of(check_upload, b"", "ф.xlsx")


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        ("ФИО наставляемого;Год рождения\nИванов;2009\n".encode(), "база.xlsx", "Это текстовый файл, а не таблица"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "база.pdf", "Это PDF-файл: из него таблица не читается"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "база.png", "Это изображение"),
    ],
)
def test_not_a_spreadsheet(content, filename, expected):
    message = message_of(check_upload, content, filename)
    assert expected in message
    assert "Принимаются таблицы Excel (.xlsx, .xls), LibreOffice (.ods) и CSV (.csv)" in message


def test_a_real_workbook_under_another_name_is_read_by_its_content():
    check_upload(mentees_file(), "база.ods")
    assert read_form(mentees_file(), "база.ods", MENTEES).header_row == 4


def test_docx_renamed_to_xlsx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")

    message = message_of(read_form, buffer.getvalue(), "база.xlsx", MENTEES)

    assert "Файл «база.xlsx» — не таблица Excel, LibreOffice или CSV" in message


def test_old_formats():
    """An Excel 97–2003 file is read (tests/exchange/test_shapes.py); a damaged one is refused when read,
    a Word 97–2003 document or a web page saved as .xls at once."""
    content = OLE_SIGNATURE + b"\0" * 504 + "Workbook".encode("utf-16-le")
    check_upload(content, "база.xls")
    assert message_of(read_form, content, "база.xls", MENTEES).startswith("Файл повреждён")
    word = OLE_SIGNATURE + b"\0" * 504 + "WordDocument".encode("utf-16-le")
    assert "старом формате Word 97–2003 (.doc)" in message_of(check_upload, word, "база.xls")
    assert "веб-страница" in message_of(check_upload, b"<html><table>", "база.xls")
    macros = content + "_VBA_PROJECT_CUR".encode("utf-16-le")
    assert "Файлы с макросами" in message_of(check_upload, macros, "база.xls")
    slides = OLE_SIGNATURE + b"\0" * 504 + "PowerPoint Document".encode("utf-16-le")
    assert "не таблица Excel, LibreOffice или CSV" in message_of(check_upload, slides, "база.xls")


def test_password_protected_xlsx():
    content = (
        OLE_SIGNATURE
        + b"\0" * 504
        + "EncryptionInfo".encode("utf-16-le")
        + b"\0" * 50
        + "EncryptedPackage".encode("utf-16-le")
    )
    message = message_of(check_upload, content, "база.xlsx")
    assert "Файл защищён паролем — снимите пароль" in message


def test_macro_enabled_workbooks():
    with_vba = rewrite_zip(mentees_file(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macros"})
    content_type = rewrite_zip(
        mentees_file(),
        replace={
            "[Content_Types].xml": (
                b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
    )

    for content, filename in [(with_vba, "база.xlsx"), (content_type, "база.xlsx"), (mentees_file(), "база.XLSM")]:
        message = message_of(read_form, content, filename, MENTEES)
        assert "Файлы с макросами (.xlsm, .xls и .ods с макросами) не принимаются" in message
        assert "«Книга Excel (*.xlsx)»" in message


def test_truncated_file():
    content = mentees_file()
    message = message_of(check_upload, content[: len(content) // 2], "база.xlsx")
    assert message.startswith("Файл повреждён")


def test_bad_crc_is_found_when_reading():
    rows = [MENTEE_HEADERS, mentee_row(1, "MARKER123")]
    content = rewrite_zip(xlsx(("Лист1", rows)), stored=True).replace(b"MARKER123", b"MARKER124")

    # The central directory is intact; the gate reads the start of each XML part and finds it.
    assert message_of(check_upload, content, "база.xlsx").startswith("Файл повреждён и не читается")
    message = message_of(read_form, content, "база.xlsx", MENTEES)
    assert message.startswith("Файл повреждён и не читается")


def test_xml_entities_are_refused():
    """A «billion laughs» sheet is refused at the gate (no Office program writes a DOCTYPE), not expanded."""
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    content = rewrite_zip(
        xlsx(("Лист1", [MENTEE_HEADERS])),
        replace={"xl/worksheets/sheet1.xml": (b"<worksheet ", bomb + b"<worksheet ")},
    )

    assert "Файл повреждён" in message_of(read_form, content, "база.xlsx", MENTEES)


def test_zip_bomb_of_zeros():
    content = rewrite_zip(mentees_file())
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/media/image1.bin", "w", force_zip64=True) as member:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(210):
                member.write(zeros)
    bomb = buffer.getvalue()
    assert len(bomb) < 2 * 1024 * 1024

    message = message_of(read_form, bomb, "база.xlsx", MENTEES)

    assert "после распаковки в нём слишком много данных" in message


def test_zip_bomb_limits_each(monkeypatch):
    def with_member(size):
        buffer = io.BytesIO(mentees_file())
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/media/zeros.bin", b"\0" * size)
        return buffer.getvalue()

    # Ratio: 2 MB of zeros squeeze ~1000:1.
    assert "слишком много данных" in message_of(check_upload, with_member(2 * 1024 * 1024), "ф.xlsx")
    # Under 1 MB the ratio is not judged.
    check_upload(with_member(900 * 1024), "ф.xlsx")
    # Total declared size.
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 500 * 1024)
    assert "слишком много данных" in message_of(check_upload, with_member(900 * 1024), "ф.xlsx")


def test_zip_with_too_many_entries():
    buffer = io.BytesIO(mentees_file())
    with zipfile.ZipFile(buffer, "a") as archive:
        for number in range(1001):
            archive.writestr(f"xl/media/{number}.bin", b"")

    assert "слишком много данных" in message_of(check_upload, buffer.getvalue(), "ф.xlsx")


# --- headers and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ФИО\nнаставляемого", "фио наставляемого"),
        ("  Дата   вхождения\r\nв программу*  ", "дата вхождения в программу"),
        ("Ещё\u00a0одна:", "еще одна"),
        ("Ссылка на кейс / отзыв наставника", "ссылка на кейс/отзыв наставника"),
        ("ФИО наставляемого(наставляемых)", "фио наставляемого(наставляемых)"),
        ("ФИО наставляемого ( наставляемых )", "фио наставляемого(наставляемых)"),
        ("№ п/п", "№ п/п"),
        ("№", "№ п/п"),
        ("№п/п", "№ п/п"),
        ("N п/п", "№ п/п"),
        ("№ п.п.", "№ п/п"),
        ("п/п", "№ п/п"),
        (None, ""),
        (2024, "2024"),
    ],
)
def test_normalise_header(text, expected):
    assert normalise_header(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        (datetime(2024, 9, 2, 0, 0), date(2024, 9, 2)),
        (date(2024, 9, 2), date(2024, 9, 2)),
        ("02.09.2024", date(2024, 9, 2)),
        (" 2.9.2024 ", date(2024, 9, 2)),
        ("02.09.24", date(2024, 9, 2)),
        ("02. 09. 2024 г.", date(2024, 9, 2)),
        ("2024-09-02", date(2024, 9, 2)),
        ("2024-09-02 00:00:00", date(2024, 9, 2)),
        (45292, date(2024, 1, 1)),
        (45292.75, date(2024, 1, 1)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31.02.2024", "сентябрь 2024", "2024", "09/02/2024", 2024, 10, 99999, True, 1.5e300])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == f"Не удалось прочитать дату «{value}»: ожидается дд.мм.гггг"
