"""Changes the documents bring: the signed order's number and date written once onto all the pairs it fixed
(each pair saved as the registry saves it: the audit trail, the data version of the pairs renewed, so the
«pairs without an order» check clears), and a department's own template, checked before it is kept."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from docxtpl import DocxTemplate
from jinja2 import TemplateError

from common.files.uploads import (
    DOCX,
    MAX_UPLOAD_BYTES,
    Accepts,
    UploadRefused,
    check_signature,
    extension,
    identify,
    read_bytes,
    too_big_message,
)
from paperwork.documents import FIELDS, environment
from paperwork.models import DocumentTemplate, SignedOrder
from registry.models import EducationDepartment, MentoringPair, Organisation, User

TEMPLATE = Accepts(
    kinds=frozenset({DOCX}),
    negated="документ Word в формате .docx",
    programs="Word",
    save_as="«Документ Word (*.docx)»",
    macro_extensions=".docm",
    described="Выберите шаблон: документ Word (.docx).",
    remedy="Сохраните шаблон в Word как «Документ Word (*.docx)» и загрузите его снова.",
    extension=".docx",
)
TEMPLATE_TOO_BIG = "Удалите из шаблона лишние картинки или сожмите их."
SCAN_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png")
SCAN_REFUSED = "Скан приказа принимается в формате PDF или изображением JPEG или PNG."


def check_template(data, filename: str, kind: str) -> bytes:
    """The bytes of a DOCX template of `kind` whose every placeholder is a known field, or `UploadRefused`:
    not a DOCX, macros, a damaged or bombed archive (the upload gate), a broken placeholder, an unknown one."""
    content = read_bytes(data, MAX_UPLOAD_BYTES + 1)
    identify(content, filename, TEMPLATE, max_bytes=MAX_UPLOAD_BYTES, too_big_advice=TEMPLATE_TOO_BIG)
    allowed = FIELDS[kind]
    try:
        used = DocxTemplate(io.BytesIO(content)).get_undeclared_template_variables(jinja_env=environment())
    except TemplateError as error:
        raise UploadRefused(
            f"В шаблоне ошибка в записи поля ({error.message or error}): поля пишутся как {{{{ имя_поля }}}}, "
            "условия и повторы — как {% … %}. Исправьте шаблон и загрузите его снова."
        ) from None
    except Exception as error:  # python-docx could not read what the gate let through
        raise UploadRefused(
            "Документ повреждён и не читается. Откройте его в Word и сохраните заново как «Документ Word (*.docx)»."
        ) from error
    unknown = sorted(used - set(allowed))
    if unknown:
        raise UploadRefused(
            f"В шаблоне неизвестное поле «{{{{ {unknown[0]} }}}}»: допустимые поля — {', '.join(allowed)}."
        )
    return content


@transaction.atomic
def save_template(
    *, department: EducationDepartment, kind: str, content: bytes, filename: str, user: User
) -> DocumentTemplate:
    """Keep a checked template as the department's active one of `kind` (the former one stays, inactive)."""
    DocumentTemplate.objects.filter(department=department, kind=kind, active=True).update(active=False)
    template = DocumentTemplate(department=department, kind=kind, uploaded_by=user, original_name=filename[:255])
    template.file.save("template.docx", ContentFile(content), save=False)
    template.save()
    return template


def check_scan(data, filename: str) -> bytes:
    """A signed scan: a PDF or a JPEG/PNG image, its bytes what its name says, at most the upload limit."""
    if extension(filename) not in SCAN_EXTENSIONS:
        raise UploadRefused(f"Файл «{filename}» не принят. {SCAN_REFUSED}")
    content = read_bytes(data, MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(too_big_message(MAX_UPLOAD_BYTES, "Отсканируйте приказ с меньшим разрешением."))
    if not content:
        raise UploadRefused(f"Файл пустой (0 байт). {SCAN_REFUSED}")
    check_signature(content[:1024], filename)
    return content


@transaction.atomic
def record_order(
    *,
    organisation: Organisation,
    pairs: Iterable[MentoringPair],
    number: str,
    day: date,
    user: User,
    scan: bytes | None = None,
    scan_name: str = "",
) -> SignedOrder:
    """Write the order's number and date onto every pair it fixed, and keep the order (with its scan)."""
    chosen = list(pairs)
    order = SignedOrder(organisation=organisation, number=number, date=day, recorded_by=user)
    if scan:
        order.scan.save(scan_name or "scan.pdf", ContentFile(scan), save=False)
    order.save()
    for pair in chosen:
        pair.order_number, pair.order_date = number, day
        pair.save()  # the audit trail and the pairs' data version, as every change of a pair
    order.pairs.set(chosen)
    return order
