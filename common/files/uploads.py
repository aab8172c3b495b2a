"""An uploaded file's bytes, checked before any parser sees them: the one gate for every reader.

`identify` tells the kind of a file by its bytes and refuses, with `UploadRefused` whose `message`
says in Russian what is wrong and how to fix it: an empty or too big file, a PDF, an image, an old
Word/Excel 97–2003 (OLE) file, a password-protected file, a file with macros, an OpenDocument
file, a web page, RTF or text saved under another name, a damaged zip, and a zip bomb judged by
the sizes declared in the central directory (Python's zipfile never inflates a member past its
declared size, so the declared sizes bound what openpyxl or python-docx can unpack).

Each reader says what it takes (`Accepts`): the kinds, and the words its messages use. The bases
take any ordinary spreadsheet (.xlsx, .xls, .ods, .csv: `SPREADSHEET`, read by common/files/sheets.py);
the contingent a workbook named .xlsx; a roadmap a .docx or an .xlsx whatever its name. For an old
.xls the gate refuses macros (a VBA storage) and a password (an encrypted package); an OpenDocument
table is judged like any zip, then by its manifest (encryption) and its Basic/Scripts folders (macros).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Zip-bomb limits, judged from the central directory before anything is unpacked.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024  # the ratio is only judged for entries larger than this

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a member first; or an empty archive
# A password-protected .docx/.xlsx is an OLE file whose streams are named in UTF-16LE.
ENCRYPTED_PACKAGE_MARK = "EncryptedPackage".encode("utf-16-le")
_OLE_WORD = "WordDocument".encode("utf-16-le")
_OLE_EXCEL = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_IMAGE_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
_WEB_STARTS = (b"{\\rtf", b"<!doctype", b"<html", b"<?xml", b"mime-version:")
_MACRO_EXTENSIONS = (".xlsm", ".xltm", ".docm", ".dotm")

DOCX = "docx"
XLSX = "xlsx"
XLS = "xls"
ODS = "ods"
CSV = "csv"
_OLE_MACROS = ("_VBA_PROJECT_CUR".encode("utf-16-le"), "_VBA_PROJECT".encode("utf-16-le"))
_TEXT_TABLE_EXTENSIONS = (".csv", ".txt", ".tsv")

Data = bytes | bytearray | memoryview | IO[bytes]


class UploadRefused(Exception):
    """An uploaded file that cannot be read; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Accepts:
    """What a reader takes, and how its refusals name it."""

    kinds: frozenset[str]  # DOCX, XLSX, XLS, ODS, CSV
    negated: str  # «Файл «x» — не …»: "книга Excel в формате .xlsx"
    programs: str  # where the user fixes the file: "Excel", "Word или Excel"
    save_as: str  # the type to choose in «Сохранить как»: "«Книга Excel (*.xlsx)»"
    macro_extensions: str  # ".xlsm"
    described: str  # what is taken, a sentence: "Принимается книга Excel (.xlsx) …"
    remedy: str  # the sentence after a refusal: what to upload instead
    named: str = ""  # «Это текстовый файл, а не …»: "документ Word или книга Excel"
    # After a PDF, an image or a text file, whose table the user can still copy: what to do instead.
    instead: str = ""
    # A reader that also goes by the name: anything not named so is refused ("" — by the bytes only).
    extension: str = ""


def size_text(size: int) -> str:
    for unit, name in ((1024 * 1024, "МБ"), (1024, "КБ")):
        if size >= unit:
            return f"{size / unit:.3g} {name}".replace(".", ",")
    return f"{size} байт"


# --- messages --------------------------------------------------------------------------------------


def too_big_message(max_bytes: int, advice: str) -> str:
    return f"Файл больше {size_text(max_bytes)} — такой файл не принимается. {advice}"


def not_accepted_message(accepts: Accepts, filename: str) -> str:
    name = f"«{filename}» " if filename else ""
    return f"Файл {name}— не {accepts.negated}. {accepts.remedy}"


OLD_XLS = (
    "Файл в старом формате Excel 97–2003 (.xls) — пересохраните его как .xlsx: откройте файл "
    "в Excel и выберите «Файл → Сохранить как → Книга Excel (*.xlsx)»."
)
OLD_DOC = (
    "Документ в старом формате Word 97–2003 (.doc) — пересохраните его как .docx: откройте "
    "файл в Word и выберите «Файл → Сохранить как → Документ Word (*.docx)»."
)
OLD_OFFICE = (
    "Файл в старом формате Word или Excel 97–2003 (.doc, .xls) — пересохраните его: в Word "
    "«Файл → Сохранить как → Документ Word (*.docx)», в Excel «Файл → Сохранить как → Книга "
    "Excel (*.xlsx)»."
)
ZIP_BOMB = (
    "Файл не принят: после распаковки в нём слишком много данных (больше "
    f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} МБ, больше {MAX_ZIP_ENTRIES} частей или "
    "подозрительно сильное сжатие). Скопируйте таблицу в новый файл, сохраните его в обычном "
    "формате и загрузите снова."
)


def password_message(accepts: Accepts) -> str:
    return (
        f"Файл защищён паролем — снимите пароль и загрузите файл снова: откройте его в {accepts.programs}, "
        "«Файл → Сведения → Защита → Зашифровать с использованием пароля», сотрите пароль и сохраните файл."
    )


def _macros(accepts: Accepts) -> str:
    return (
        f"Файлы с макросами ({accepts.macro_extensions}) не принимаются. Сохраните файл как "
        f"{accepts.save_as} (макросы при этом не сохранятся) и загрузите его снова."
    )


def corrupt_message(accepts: Accepts) -> str:
    return (
        f"Файл повреждён и не читается. Откройте его в {accepts.programs}, проверьте содержимое и "
        f"сохраните заново как {accepts.save_as}."
    )


def _open_document(accepts: Accepts) -> str:
    return (
        "Это файл OpenDocument (LibreOffice, .odt/.ods). Сохраните его в LibreOffice как "
        f"{accepts.save_as}: «Файл → Сохранить как», и загрузите снова."
    )


def _pdf(accepts: Accepts) -> str:
    return f"Это PDF-файл: из него таблица не читается. {accepts.instead or accepts.remedy}"


def _image(accepts: Accepts) -> str:
    return (
        "Это изображение (скан или снимок экрана): текст таблицы из него не читается. "
        f"{accepts.instead or accepts.remedy}"
    )


def _rtf_or_web(accepts: Accepts) -> str:
    return (
        f"Файл сохранён как RTF или веб-страница. Откройте его в {accepts.programs} и сохраните как {accepts.save_as}."
    )


def _text_file(accepts: Accepts) -> str:
    return f"Это текстовый файл, а не {accepts.named or accepts.negated}. {accepts.instead or accepts.remedy}"


# --- reading and checking ----------------------------------------------------------------------------


def read_bytes(data: Data, limit: int) -> bytes:
    """The upload's bytes, at most `limit` of them (enough to tell that a file is too big)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    position = None
    if hasattr(data, "seek"):
        try:
            position = data.tell()
            data.seek(0)
        except (OSError, ValueError):
            position = None
    content = data.read(limit)
    if position is not None:
        data.seek(position)
    if isinstance(content, str):  # a text-mode file: certainly not a document
        content = content.encode("utf-8", "replace")
    return bytes(content or b"")


def extension(filename: str) -> str:
    name = (filename or "").strip().lower()
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def declared_sizes_safe(entries: list[zipfile.ZipInfo]) -> bool:
    """A zip bomb judged before anything is unpacked: too many members, too much in all, or a member
    compressed suspiciously well (by the sizes the central directory declares)."""
    if len(entries) > MAX_ZIP_ENTRIES:
        return False
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        return False
    return not any(
        entry.file_size > RATIO_CHECK_MIN_BYTES
        and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )


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


def _refuse_ole(content: bytes, accepts: Accepts) -> str:
    """An OLE compound file: an old .doc / .xls, or a .docx/.xlsx encrypted with a password. An old
    .xls is taken by a reader that takes XLS, unless it carries macros."""
    if ENCRYPTED_PACKAGE_MARK in content:
        raise UploadRefused(password_message(accepts))
    if XLS in accepts.kinds and _OLE_WORD not in content:
        if not any(mark in content for mark in _OLE_EXCEL):  # a PowerPoint or Outlook file, not a workbook
            raise UploadRefused(not_accepted_message(accepts, ""))
        if any(mark in content for mark in _OLE_MACROS):
            raise UploadRefused(_macros(accepts))
        return XLS
    if _OLE_WORD in content:
        raise UploadRefused(OLD_DOC)
    if any(mark in content for mark in _OLE_EXCEL) or (XLSX in accepts.kinds and DOCX not in accepts.kinds):
        raise UploadRefused(OLD_XLS)
    raise UploadRefused(OLD_OFFICE)


def _refuse_not_zip(content: bytes, filename: str, accepts: Accepts) -> None:
    if accepts.extension:
        # A reader that goes by the name: a web page or text saved as .xls is an "old Excel" to its user.
        if extension(filename) == ".xls":
            raise UploadRefused(OLD_XLS)
        raise UploadRefused(not_accepted_message(accepts, filename))
    start = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if content.startswith(b"%PDF"):
        raise UploadRefused(_pdf(accepts))
    if content.startswith(_IMAGE_SIGNATURES) or _is_webp_or_heic(content):
        raise UploadRefused(_image(accepts))
    if start.startswith(_WEB_STARTS):
        raise UploadRefused(_rtf_or_web(accepts))
    if _looks_like_text(content):
        raise UploadRefused(_text_file(accepts))
    raise UploadRefused(not_accepted_message(accepts, filename))


def _read_small(archive: zipfile.ZipFile, name: str) -> str:
    try:
        with archive.open(name) as source:
            return source.read(1024 * 1024).decode("utf-8", "replace").lower()
    except KeyError:
        return ""


def _declares_entities(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> bool:
    """An XML part with a DOCTYPE: what Office and LibreOffice never write, and what an entity bomb
    («billion laughs») needs. Refused for every reader, whatever its XML parser does with it."""
    for entry in entries:
        if entry.filename.lower().endswith((".xml", ".rels")):
            with archive.open(entry) as source:
                if b"<!doctype" in source.read(4096).lower():
                    return True
    return False


def _zip_kind(archive: zipfile.ZipFile, filename: str, accepts: Accepts) -> str:
    entries = archive.infolist()
    if not declared_sizes_safe(entries):
        raise UploadRefused(ZIP_BOMB)
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UploadRefused(password_message(accepts))  # zip-level encryption: refused the same way
    if _declares_entities(archive, entries):
        raise UploadRefused(corrupt_message(accepts))
    names = {entry.filename.lower() for entry in entries}
    content_types = _read_small(archive, "[Content_Types].xml")
    mimetype = _read_small(archive, "mimetype") if "mimetype" in names else ""
    if "opendocument.spreadsheet" in mimetype and ODS in accepts.kinds:
        if "encryption-data" in _read_small(archive, "META-INF/manifest.xml"):
            raise UploadRefused(password_message(accepts))
        if any(name.startswith(("basic/", "scripts/")) for name in names):
            raise UploadRefused(_macros(accepts))
        return ODS
    if "opendocument" in mimetype:
        raise UploadRefused(_open_document(accepts))
    if {"word/vbaproject.bin", "xl/vbaproject.bin"} & names or "macroenabled" in content_types:
        raise UploadRefused(_macros(accepts))
    kind = ""
    if "word/document.xml" in names or "wordprocessingml.document.main+xml" in content_types:
        kind = DOCX
    elif "xl/workbook.xml" in names or any(
        f"spreadsheetml.{part}.main+xml" in content_types for part in ("sheet", "template")
    ):
        kind = XLSX
    if kind not in accepts.kinds:
        raise UploadRefused(not_accepted_message(accepts, filename))
    return kind


def identify(content: bytes, filename: str, accepts: Accepts, *, max_bytes: int, too_big_advice: str) -> str:
    """The kind of an uploaded file (one of `accepts.kinds`), or `UploadRefused` saying why not.

    A damaged member (bad CRC) is only found when a parser reads it: the readers say so themselves.
    """
    if len(content) > max_bytes:
        raise UploadRefused(too_big_message(max_bytes, too_big_advice))
    if not content:
        raise UploadRefused(f"Файл пустой (0 байт). {accepts.described}")
    if content.startswith(OLE_SIGNATURE):
        return _refuse_ole(content, accepts)
    if extension(filename) in _MACRO_EXTENSIONS:
        raise UploadRefused(_macros(accepts))
    if not content.startswith(ZIP_SIGNATURES):
        if CSV in accepts.kinds and extension(filename) in _TEXT_TABLE_EXTENSIONS and _looks_like_text(content):
            return CSV
        _refuse_not_zip(content, filename, accepts)
    if accepts.extension and extension(filename) != accepts.extension:
        raise UploadRefused(not_accepted_message(accepts, filename))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return _zip_kind(archive, filename, accepts)
    except UploadRefused:
        raise
    except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError, …
        raise UploadRefused(corrupt_message(accepts)) from exc


# --- the workbook most readers take --------------------------------------------------------------

SAVE_AS_XLSX = "Сохраните файл в Excel как «Книга Excel (*.xlsx)» и загрузите его снова."
WORKBOOK = Accepts(
    kinds=frozenset({XLSX}),
    negated="книга Excel в формате .xlsx",
    programs="Excel",
    save_as="«Книга Excel (*.xlsx)»",
    macro_extensions=".xlsm",
    described="Выберите заполненный файл Excel .xlsx.",
    remedy=SAVE_AS_XLSX,
    extension=".xlsx",
)
WORKBOOK_TOO_BIG = "Удалите из книги лишние листы, картинки и оформление или разделите таблицу на несколько файлов."
# What openpyxl's failure to open a workbook that passed the gate means to the user.
WORKBOOK_CORRUPT = (
    "Файл повреждён или не является книгой Excel: его не удалось прочитать. Откройте файл в "
    "Excel, проверьте содержимое и сохраните его заново как «Книга Excel (*.xlsx)»."
)


# --- any ordinary spreadsheet: the bases ---------------------------------------------------------------

SPREADSHEET = Accepts(
    kinds=frozenset({XLSX, XLS, ODS, CSV}),
    negated="таблица Excel, LibreOffice или CSV",
    programs="Excel или LibreOffice",
    save_as="«Книга Excel (*.xlsx)»",
    macro_extensions=".xlsm, .xls и .ods с макросами",
    described="Выберите заполненную таблицу: Excel (.xlsx, .xls), LibreOffice (.ods) или CSV (.csv).",
    remedy="Принимаются таблицы Excel (.xlsx, .xls), LibreOffice (.ods) и CSV (.csv): откройте файл в Excel или "
    "LibreOffice и сохраните его в одном из этих форматов.",
    named="таблица CSV (текстовый файл с таблицей называется .csv)",
)


def check_spreadsheet(data: Data, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[bytes, str]:
    """The bytes and the kind (XLSX, XLS, ODS, CSV) of a plain, sane spreadsheet, or `UploadRefused`."""
    content = read_bytes(data, max_bytes + 1)
    kind = identify(content, filename, SPREADSHEET, max_bytes=max_bytes, too_big_advice=WORKBOOK_TOO_BIG)
    return content, kind


def check_workbook(data: Data, filename: str, *, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of a plain, sane .xlsx workbook, or `UploadRefused` saying what is wrong."""
    content = read_bytes(data, max_bytes + 1)
    identify(content, filename, WORKBOOK, max_bytes=max_bytes, too_big_advice=WORKBOOK_TOO_BIG)
    return content


# --- a stored document's kind, by its own signature ------------------------------------------------------

_PK = (b"PK\x03\x04", b"PK\x05\x06")
SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("документ PDF", (b"%PDF",)),
    ".doc": ("документ Word 97–2003", (OLE_SIGNATURE,)),
    ".xls": ("книга Excel 97–2003", (OLE_SIGNATURE,)),
    # A password-protected .docx/.xlsx is an OLE file.
    ".docx": ("документ Word", (*_PK, OLE_SIGNATURE)),
    ".xlsx": ("книга Excel", (*_PK, OLE_SIGNATURE)),
    ".odt": ("документ OpenDocument", _PK),
    ".ods": ("таблица OpenDocument", _PK),
    ".zip": ("архив ZIP", _PK),
    ".jpg": ("изображение JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("изображение JPEG", (b"\xff\xd8\xff",)),
    ".png": ("изображение PNG", (b"\x89PNG\r\n\x1a\n",)),
}


def original_name(upload_name: str) -> str:
    """The file name the user gave, without folders and invisible characters (kept to give it back)."""
    name = PurePath((upload_name or "").replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:255]


def check_document(upload, *, extensions: Iterable[str], max_bytes: int, advice: str) -> str:
    """A document kept as it was uploaded (an event's document or certificate, a practice's file): the kind by
    its name, the size (`advice`: what to do with a file too big), not empty, and the bytes matching the name.
    Returns the name the user gave; UploadRefused with the Russian reason otherwise. Reads the first kilobyte
    and rewinds."""
    extensions = tuple(extensions)
    name = original_name(upload.name)
    if extension(name).lstrip(".") not in extensions:
        raise UploadRefused(f"Файл «{name}» не принят. Принимаются файлы: {', '.join(extensions)}.")
    if (upload.size or 0) > max_bytes:
        raise UploadRefused(too_big_message(max_bytes, advice))
    if not upload.size:
        raise UploadRefused(f"Файл «{name}» пустой (0 байт).")
    head = upload.read(1024)
    upload.seek(0)
    check_signature(head, name)
    return name


def check_signature(head: bytes, filename: str) -> None:
    """Refuse (UploadRefused) a file whose content is not what its name says: an HTML page or a program
    renamed «.pdf» is not kept as a document. `head`: the first kilobyte or so of the file."""
    known = SIGNATURES.get(extension(filename))
    if known is None:
        return
    kind, starts = known
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    # A PDF may carry a few bytes of junk before its header; readers look in the first kilobyte.
    if start.startswith(starts) or (kind == "документ PDF" and b"%PDF-" in head[:1024]):
        return
    raise UploadRefused(
        f"Файл «{filename}» назван как {kind}, но внутри у него другое содержимое. Загрузите сам документ "
        "в его формате (PDF, Word, Excel, OpenDocument, изображение JPEG или PNG, архив ZIP)."
    )
