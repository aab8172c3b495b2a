"""The events' files (documents, certificates) through the upload gate (common/files/uploads.py
`check_document`: the kind by name, the size, the bytes matching the name), before anything is kept."""

from __future__ import annotations

from django import forms

from common.files.uploads import UploadRefused, check_document
from events.models import FILE_EXTENSIONS, FILE_MAX_BYTES

ACCEPTED = f"До {FILE_MAX_BYTES // (1024 * 1024)} МБ: {', '.join(FILE_EXTENSIONS)}."


def check_upload(upload) -> str:
    """The uploaded file's original name, once the gate lets it through; `forms.ValidationError` otherwise."""
    try:
        return check_document(
            upload,
            extensions=FILE_EXTENSIONS,
            max_bytes=FILE_MAX_BYTES,
            advice="Сожмите его или разделите на несколько файлов.",
        )
    except UploadRefused as refused:
        raise forms.ValidationError(refused.message) from None
