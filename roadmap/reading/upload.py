"""An uploaded roadmap file through the shared gate (`common/files/uploads.py`): its kind, "docx" or
"xlsx", decided by the bytes (the name is only quoted in messages), or a `RoadmapReadError`."""

from __future__ import annotations

from common.files.uploads import DOCX, MAX_UPLOAD_BYTES, XLSX, Accepts, UploadRefused, corrupt_message, identify
from roadmap.reading.draft import RoadmapReadError

ACCEPTED = (
    "Принимаются документ Word (.docx) и книга Excel (.xlsx) с таблицей дорожной карты; можно "
    "также скопировать таблицу и вставить её как текст."
)
ACCEPTS = Accepts(
    kinds=frozenset({DOCX, XLSX}),
    negated="документ Word (.docx) и не книга Excel (.xlsx)",
    programs="Word или Excel",
    save_as="«Документ Word (*.docx)» или «Книга Excel (*.xlsx)»",
    macro_extensions=".docm, .xlsm",
    described=ACCEPTED,
    remedy=ACCEPTED,
    named="документ Word или книга Excel",
    instead=(
        "Откройте его, скопируйте таблицу и вставьте её как текст — или загрузите "
        "документ Word (.docx) или книгу Excel (.xlsx) с таблицей."
    ),
)
TOO_BIG_ADVICE = (
    "Удалите из него картинки и всё, кроме таблицы дорожной карты, или скопируйте таблицу и вставьте её как текст."
)


def check_upload(content: bytes, filename: str = "") -> str:
    """The kind of an uploaded file, "docx" or "xlsx"; `RoadmapReadError` for anything else."""
    try:
        return identify(content, filename, ACCEPTS, max_bytes=MAX_UPLOAD_BYTES, too_big_advice=TOO_BIG_ADVICE)
    except UploadRefused as refused:
        raise RoadmapReadError(refused.message) from None


# What a parser's failure on a file that passed the gate means to the user (a damaged member, say).
CORRUPT = corrupt_message(ACCEPTS)
