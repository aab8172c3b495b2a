"""An uploaded file's bytes, checked before any parser sees them, and its kind: "docx" or "xlsx".

The kind is decided by the bytes (the name is only quoted in messages). Refused: an empty or
too big file, a PDF, an image, an old Word/Excel (OLE) file, a password-protected file, a file
with macros, an OpenDocument file, a web page or text saved under another name, anything else
that is not a zip, a damaged zip, and a zip bomb judged by the sizes declared in the central
directory (the same limits as `exchange.reading.workbook`: Python's zipfile never inflates a
member past its declared size, so the declared sizes bound what the parsers can unpack).
"""

from __future__ import annotations

import io
import zipfile

from exchange.reading.workbook import (
    ENCRYPTED_PACKAGE_MARK,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    OLE_SIGNATURE,
    ZIP_SIGNATURES,
    _size_text,
    declared_sizes_safe,
)
from roadmap.reading.draft import RoadmapReadError

ACCEPTED = (
    "Принимаются документ Word (.docx) и книга Excel (.xlsx) с таблицей дорожной карты; можно "
    "также скопировать таблицу и вставить её как текст."
)
EMPTY_FILE = f"Файл пустой (0 байт). {ACCEPTED}"
TOO_BIG = (
    f"Файл больше {_size_text(MAX_UPLOAD_BYTES)} — такой файл не принимается. Удалите из него "
    "картинки и всё, кроме таблицы дорожной карты, или скопируйте таблицу и вставьте её как текст."
)
PDF = (
    "Это PDF-файл: из него таблица не читается. Откройте PDF, выделите таблицу, скопируйте её "
    "и вставьте как текст — или загрузите исходный документ Word (.docx) или книгу Excel (.xlsx)."
)
IMAGE = (
    "Это изображение (скан или снимок экрана): текст таблицы из него не читается. Загрузите "
    "документ Word (.docx) или книгу Excel (.xlsx) с таблицей или вставьте таблицу как текст."
)
OLD_DOC = (
    "Документ в старом формате Word 97–2003 (.doc) — пересохраните его как .docx: откройте "
    "файл в Word и выберите «Файл → Сохранить как → Документ Word (*.docx)»."
)
OLD_XLS = (
    "Книга в старом формате Excel 97–2003 (.xls) — пересохраните её как .xlsx: откройте файл "
    "в Excel и выберите «Файл → Сохранить как → Книга Excel (*.xlsx)»."
)
OLD_OFFICE = (
    "Файл в старом формате Word или Excel 97–2003 (.doc, .xls) — пересохраните его: в Word "
    "«Файл → Сохранить как → Документ Word (*.docx)», в Excel «Файл → Сохранить как → Книга "
    "Excel (*.xlsx)»."
)
PASSWORD = (
    "Файл защищён паролем — снимите пароль и загрузите файл снова: откройте его в Word или "
    "Excel, «Файл → Сведения → Защита → Зашифровать с использованием пароля», сотрите пароль "
    "и сохраните файл."
)
MACROS = (
    "Файлы с макросами (.docm, .xlsm) не принимаются. Сохраните файл как «Документ Word "
    "(*.docx)» или «Книга Excel (*.xlsx)» (макросы при этом не сохранятся) и загрузите снова."
)
OPEN_DOCUMENT = (
    "Это файл OpenDocument (LibreOffice, .odt/.ods). Сохраните его как «Документ Word (.docx)» "
    "или «Книга Excel (.xlsx)»: «Файл → Сохранить как», тип файла .docx или .xlsx."
)
RTF_OR_WEB = (
    "Файл сохранён как RTF или веб-страница, а не как документ Word или книга Excel. Откройте "
    "его в Word или Excel и сохраните как «Документ Word (*.docx)» или «Книга Excel (*.xlsx)»."
)
TEXT_FILE = (
    "Это текстовый файл, а не документ Word или книга Excel. Откройте его, скопируйте таблицу "
    "и вставьте её как текст — или загрузите документ Word (.docx) или книгу Excel (.xlsx)."
)
CORRUPT = (
    "Файл повреждён и не читается. Откройте его в Word или Excel, проверьте содержимое и "
    "сохраните заново как «Документ Word (*.docx)» или «Книга Excel (*.xlsx)»."
)
ZIP_BOMB = (
    "Файл не принят: после распаковки в нём слишком много данных (больше "
    f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} МБ, больше {MAX_ZIP_ENTRIES} частей или "
    "подозрительно сильное сжатие). Скопируйте таблицу в новый документ Word или книгу Excel, "
    "сохраните его как .docx или .xlsx и загрузите снова."
)

_IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_WEB_STARTS = (b"{\\rtf", b"<!doctype", b"<html", b"<?xml", b"mime-version:")
_OLE_WORD = "WordDocument".encode("utf-16-le")
_OLE_EXCEL = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def _not_accepted(filename: str) -> str:
    name = f"«{filename}» " if filename else ""
    return f"Файл {name}— не документ Word (.docx) и не книга Excel (.xlsx). {ACCEPTED}"


def _is_webp_or_heic(content: bytes) -> bool:
    return (content[:4] == b"RIFF" and content[8:12] == b"WEBP") or content[4:12] in (
        b"ftypheic",
        b"ftypheix",
        b"ftypmif1",
    )


def _looks_like_text(content: bytes) -> bool:
    sample = content[:4096]
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r")
    return b"\x00" not in sample and controls == 0


def _refuse_not_zip(content: bytes, filename: str) -> None:
    start = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content.startswith(b"%PDF"):
        raise RoadmapReadError(PDF)
    if content.startswith(_IMAGE_SIGNATURES) or _is_webp_or_heic(content):
        raise RoadmapReadError(IMAGE)
    if content.startswith(OLE_SIGNATURE):
        # An OLE compound file: old .doc / .xls, or a docx/xlsx encrypted with a password.
        if ENCRYPTED_PACKAGE_MARK in content:
            raise RoadmapReadError(PASSWORD)
        if _OLE_WORD in content:
            raise RoadmapReadError(OLD_DOC)
        if any(mark in content for mark in _OLE_EXCEL):
            raise RoadmapReadError(OLD_XLS)
        raise RoadmapReadError(OLD_OFFICE)
    if start.startswith(_WEB_STARTS):
        raise RoadmapReadError(RTF_OR_WEB)
    if _looks_like_text(content):
        raise RoadmapReadError(TEXT_FILE)
    raise RoadmapReadError(_not_accepted(filename))


def _read_small(archive: zipfile.ZipFile, name: str) -> str:
    try:
        with archive.open(name) as source:
            return source.read(1024 * 1024).decode("utf-8", "replace").lower()
    except KeyError:
        return ""


def _zip_kind(archive: zipfile.ZipFile, filename: str) -> str:
    entries = archive.infolist()
    if not declared_sizes_safe(entries):
        raise RoadmapReadError(ZIP_BOMB)
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise RoadmapReadError(PASSWORD)
    names = {entry.filename.lower() for entry in entries}
    content_types = _read_small(archive, "[Content_Types].xml")
    if "mimetype" in names and "opendocument" in _read_small(archive, "mimetype"):
        raise RoadmapReadError(OPEN_DOCUMENT)
    if {"word/vbaproject.bin", "xl/vbaproject.bin"} & names or "macroenabled" in content_types:
        raise RoadmapReadError(MACROS)
    if "word/document.xml" in names or "wordprocessingml.document.main+xml" in content_types:
        return "docx"
    if "xl/workbook.xml" in names or "spreadsheetml.sheet.main+xml" in content_types:
        return "xlsx"
    raise RoadmapReadError(_not_accepted(filename))


def check_upload(content: bytes, filename: str = "") -> str:
    """The kind of an uploaded file, "docx" or "xlsx"; `RoadmapReadError` for anything else."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise RoadmapReadError(TOO_BIG)
    if not content:
        raise RoadmapReadError(EMPTY_FILE)
    if not content.startswith(ZIP_SIGNATURES):
        _refuse_not_zip(content, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _zip_kind(archive, filename)
    except RoadmapReadError:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError, …
        raise RoadmapReadError(CORRUPT) from exc
