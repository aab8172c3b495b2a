"""The events' files (documents, certificates) through the upload gate: the kind by name, the size, and the
bytes matching the name (common/files/uploads.py `check_signature`), before anything is kept."""

from __future__ import annotations

from django import forms

from common.files.uploads import UploadRefused, check_signature, extension, size_text
from events.models import FILE_EXTENSIONS, FILE_MAX_BYTES, original_name

ACCEPTED = f"До {FILE_MAX_BYTES // (1024 * 1024)} МБ: {', '.join(FILE_EXTENSIONS)}."


def check_upload(upload) -> str:
    """The uploaded file's original name, once the gate lets it through; `forms.ValidationError` otherwise."""
    name = original_name(upload.name)
    if extension(name).lstrip(".") not in FILE_EXTENSIONS:
        raise forms.ValidationError(f"Файл «{name}» не принят. Принимаются файлы {', '.join(FILE_EXTENSIONS)}.")
    if upload.size > FILE_MAX_BYTES:
        raise forms.ValidationError(
            f"Файл больше {size_text(FILE_MAX_BYTES)}. Сожмите его или разделите на несколько файлов."
        )
    if upload.size == 0:
        raise forms.ValidationError(f"Файл «{name}» пустой (0 байт).")
    head = upload.read(1024)
    upload.seek(0)
    try:
        check_signature(head, name)
    except UploadRefused as refused:
        raise forms.ValidationError(refused.message) from None
    return name
