"""The documents as downloads (the export contract, jobs/exports.py): the order fixing a school's pairs and
a participant's consents, in DOCX to edit and sign and in PDF with the same text. Each download is in the
personal-data access log, as every export of people."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Any, BinaryIO, ClassVar

from django import forms
from django.db.models import Q
from django.http import Http404, HttpRequest
from jinja2 import TemplateError

from common.files.writers import Progress
from common.text import name_part
from jobs.exports import Exporter, ExportParams, ExportRefused, register
from paperwork import documents
from paperwork.models import DocumentKind
from registry import privacy
from registry.access import get_organisation, get_person, scope_for
from registry.models import MentoringPair, Organisation

CONTENT_TYPES = {"docx": documents.DOCX_TYPE, "pdf": "application/pdf"}
NO_PAIRS = (
    "Нет пар для приказа: все действующие пары организации уже закреплены приказом. Отметьте пары в списке "
    "«Все пары», чтобы составить приказ о них."
)


class PairIds(forms.Field):
    """Pair ids from checkboxes (several `pairs` values) or one comma-separated value."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for item in values:
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                if not part.isdigit():
                    raise forms.ValidationError("Пары указаны неверно: нужны номера пар через запятую.")
                ids.append(int(part))
        return sorted(set(ids))


class OrderParams(ExportParams):
    pairs = PairIds(required=False)


def chosen_pairs(user, organisation: Organisation, ids: list[int]) -> list[MentoringPair]:
    """The pairs `ids` of the organisation (404 if one of them is not among them), or — none named — its
    active pairs without an order."""
    pairs = MentoringPair.objects.for_user(user).filter(organisation=organisation)
    if ids:
        found = documents.order_pairs(pairs.filter(pk__in=ids))
        if len(found) != len(ids):
            raise Http404("Пара не найдена среди пар этой организации.")
        return found
    return documents.order_pairs(pairs.active().filter(Q(order_number="") | Q(order_date__isnull=True)))


class DocumentExporter(Exporter):
    formats = ("docx", "pdf")
    methods: ClassVar[tuple[str, ...]] = ("GET", "POST")
    kind: str

    @staticmethod
    def content_type(file_format: str) -> str:
        return CONTENT_TYPES[file_format]

    @cached_property
    def docx(self) -> bytes:
        return documents.render_docx(self.kind, self.context(), department_id=self.department_id).docx

    def context(self) -> dict:
        raise NotImplementedError

    department_id: int

    def check(self, file_format: str, rows: int) -> None:
        """The document is made here, before the download starts: a department's template that cannot be
        filled (a field used in a way the sandbox refuses) is refused in Russian, not a server error."""
        try:
            self.docx  # noqa: B018
        except TemplateError as error:
            raise ExportRefused(
                f"Шаблон муниципалитета не удалось заполнить ({error.message or error}). Методист может исправить "
                "его или вернуть встроенный на странице «Шаблоны документов»."
            ) from None

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        if file_format == "pdf":
            out.write(documents.pdf_from_docx(self.docx, self.verbose_name))
        else:
            out.write(self.docx)
        return self.count()


@register
class PairOrderExporter(DocumentExporter):
    identifier = "pair-order"
    verbose_name = "Приказ о закреплении наставнических пар (групп)"
    kind = DocumentKind.ORDER
    Params = OrderParams
    # The PDF of 200 pairs takes ≈1.5 s of CPU (WeasyPrint: ≈25 pages; `bench --paperwork`): a longer order's
    # PDF is written by a background job, so that a request stays short on a busy machine.
    background_after = {"pdf": 100}

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.organisation = get_organisation(user, int(params["pk"]))  # 404 outside the reach
        self.department_id = self.organisation.department_id
        self.pairs = chosen_pairs(user, self.organisation, list(params.get("pairs") or []))

    def count(self) -> int:
        return len(self.pairs)

    def reach(self) -> list[int]:
        return [self.organisation.pk]

    def covers(self, reach: list | None) -> bool:
        return reach is None or scope_for(self.user).reads_organisation(self.organisation)

    def check(self, file_format: str, rows: int) -> None:
        if not rows:
            raise ExportRefused(NO_PAIRS)
        super().check(file_format, rows)

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        privacy.record_export(request, what=self.verbose_name, rows=rows, organisations=[self.organisation])

    def context(self) -> dict:
        return documents.order_context(self.organisation, self.pairs, today=self.today)

    def filename(self, file_format: str) -> str:
        parts = ["Приказ о закреплении пар", name_part(self.organisation.short_name), f"{self.today:%d.%m.%Y}"]
        return " — ".join(parts) + f".{file_format}"


CONSENTS = {
    "data": DocumentKind.CONSENT_DATA,
    "mentee": DocumentKind.CONSENT_MENTEE,
    "mentor": DocumentKind.CONSENT_MENTOR,
}


@register
class ConsentExporter(DocumentExporter):
    identifier = "consent"
    verbose_name = "Согласие участника"
    methods = ("GET",)

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        self.person = get_person(user, int(params["pk"]))  # 404 outside the reach
        if params.get("consent") not in CONSENTS:
            raise Http404("Такого согласия нет.")
        self.kind = CONSENTS[params["consent"]]
        self.department_id = self.person.organisation.department_id

    def count(self) -> int:
        return 1

    def check(self, file_format: str, rows: int) -> None:
        if self.person.erased_at is not None:
            raise ExportRefused("Сведения об этом участнике уничтожены: согласие составить нельзя.")
        super().check(file_format, rows)

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        privacy.record_shown(request, [self.person], what=DocumentKind(self.kind).label)
        privacy.record_export(
            request, what=DocumentKind(self.kind).label, rows=1, organisations=[self.person.organisation]
        )

    def context(self) -> dict:
        return documents.person_context(self.person, today=self.today)

    def filename(self, file_format: str) -> str:
        title = DocumentKind(self.kind).label
        return f"{title} — {name_part(self.person.full_name)}.{file_format}"
