"""Roadmap files and texts that cannot be read are refused in Russian, saying what to do."""

from __future__ import annotations

import io
import random
import struct
import zipfile

import openpyxl
import pytest
from docx import Document

from roadmap.reading import (
    MAX_TEXT_CHARS,
    read_docx,
    read_roadmap,
    read_text,
    read_xlsx,
)
from tests.roadmap.samples import (
    COMMITTEE,
    HEADER,
    docx_bytes,
    refusal,
)

# --- refusals ----------------------------------------------------------------------------------


def zip_bytes(files: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (
    b'<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
    b'wordprocessingml.document.main+xml"/></Types>'
)


def test_refused_upload_kinds():
    message = refusal(read_roadmap, random.Random(7).randbytes(4000), filename="карта.docx")
    assert "«карта.docx»" in message and ".docx" in message and ".xlsx" in message
    message = refusal(read_roadmap, zip_bytes({"readme.txt": b"hello"}), filename="архив.docx")
    assert "не документ Word (.docx) и не книга Excel (.xlsx)" in message
    assert "PDF" in refusal(read_roadmap, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", filename="карта.pdf")
    assert "изображение" in refusal(read_roadmap, b"\x89PNG\r\n\x1a\n" + bytes(100), filename="скан.png")
    assert "пустой" in refusal(read_roadmap, b"", filename="x.docx")
    too_big = b"PK\x03\x04" + bytes(10 * 1024 * 1024)
    assert "больше 10 МБ" in refusal(read_roadmap, too_big, filename="x.docx")
    web_page = b"<html><body><table></table></body></html>"
    assert "веб-страница" in refusal(read_roadmap, web_page, filename="x.doc")
    odt = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"})
    assert "OpenDocument" in refusal(read_roadmap, odt)
    macros = zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w/>", "word/vbaProject.bin": b"x"})
    assert "макросами" in refusal(read_roadmap, macros, filename="x.docm")


def test_refused_old_office_and_password_files():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    message = refusal(read_roadmap, ole + "WordDocument".encode("utf-16-le"), filename="карта.doc")
    assert ".doc" in message and "Сохранить как" in message and ".docx" in message
    message = refusal(read_roadmap, ole + "Workbook".encode("utf-16-le"), filename="карта.xls")
    assert ".xls" in message and "Книга Excel (*.xlsx)" in message
    encrypted = ole + "EncryptedPackage".encode("utf-16-le")
    assert "паролем" in refusal(read_roadmap, encrypted, filename="x.docx")


def test_refused_corrupt_zip():
    content = docx_bytes(COMMITTEE)
    assert "повреждён" in refusal(read_roadmap, content[: len(content) // 2], filename="x.docx")
    broken_member = zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<not xml"})
    assert "повреждён" in refusal(read_roadmap, broken_member, filename="x.docx")
    garbage = zip_bytes({"xl/workbook.xml": b"<workbook/>"})
    assert "повреждён" in refusal(read_roadmap, garbage, filename="x.xlsx")


def with_declared_size(content: bytes, size: int) -> bytes:
    """The archive with each member's uncompressed size in the central directory forged."""
    data = bytearray(content)
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        struct.pack_into("<I", data, position + 24, size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def test_refused_zip_bombs():
    small = zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": b"<w:document/>"})
    forged = with_declared_size(small, 150 * 1024 * 1024)
    assert "слишком много данных" in refusal(read_roadmap, forged, filename="x.docx")
    ratio = zip_bytes({"[Content_Types].xml": DOCX_TYPES, "word/document.xml": bytes(3 * 1024 * 1024)})
    assert "слишком много данных" in refusal(read_roadmap, ratio, filename="x.docx")
    many = zip_bytes({f"xl/part{number}.xml": b"" for number in range(1001)}, zipfile.ZIP_STORED)
    assert "слишком много данных" in refusal(read_roadmap, many, filename="x.xlsx")


def test_refused_tables():
    message = refusal(read_text, HEADER + "\n\n")
    assert message.startswith("Таблица пуста")
    message = refusal(read_text, "№\tМероприятие\tОтветственный\n1\tА\tИМЦ\n")
    assert "не найден столбец сроков" in message and "«Сроки»" in message and "«Мероприятие»" in message
    message = refusal(read_text, "№\tСроки\tОтветственный\n1\tмай\tИМЦ\n")
    assert "не найден столбец с содержанием" in message and "«Содержание»" in message
    message = refusal(read_text, "1\tА\tМай\tИМЦ\n2\tБ\tИюнь\tОО\n")
    assert "Не найдена строка заголовков" in message
    assert "«Сроки»" in message and "«Содержание»" in message
    assert "меньше трёх столбцов" in refusal(read_text, "просто текст без таблицы\nвторая строка")
    assert "пустой" in refusal(read_text, " \n\t\n")
    message = refusal(read_text, "а" * (MAX_TEXT_CHARS + 1))
    assert "500 000 символов" in message


def test_refused_too_many_items():
    lines = [HEADER] + [f"{number}\tА\tМай\tИМЦ" for number in range(1, 2002)]
    assert "больше 2 000 мероприятий" in refusal(read_text, "\n".join(lines))


def test_refused_docx_without_table_and_xlsx_without_data():
    document = Document()
    document.add_paragraph("1. Раздел")
    buffer = io.BytesIO()
    document.save(buffer)
    assert "нет таблицы" in refusal(read_docx, buffer.getvalue())
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    assert "нет ни одной заполненной строки" in refusal(read_xlsx, buffer.getvalue())
    assert "ожидается книга Excel" in refusal(read_xlsx, docx_bytes(COMMITTEE), filename="x.docx")


def test_read_roadmap_wants_exactly_one_source():
    with pytest.raises(ValueError):
        read_roadmap()
    with pytest.raises(ValueError):
        read_roadmap(b"x", text="y")
