"""The registry's own download, through the export contract (jobs/exports.py): a subject's extract
under 152-ФЗ — everything the registry holds about one person, with its history and access log."""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

from django.http import HttpRequest

from common.files.writers import Progress
from jobs.exports import Exporter, register
from registry import privacy
from registry.access import get_person


@register
class SubjectExtractExporter(Exporter):
    identifier = "person-extract"
    verbose_name = "Выписка по запросу субъекта персональных данных"
    formats = ("xlsx",)
    methods = ("POST",)

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        super().__init__(user, params, today=today)
        # Those who change the person's data answer the request: a curator or a methodist (an erased
        # person has nothing left to extract: 403, as for any change).
        self.person = get_person(user, params["pk"], write=True)
        self._file: tuple[bytes, str] | None = None

    def _extract(self) -> tuple[bytes, str]:
        if self._file is None:
            self._file = privacy.subject_extract(self.person)
        return self._file

    def count(self) -> int:
        return 1

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        privacy.record_extract(request, self.person)

    def filename(self, file_format: str) -> str:
        return self._extract()[1]

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        out.write(self._extract()[0])
        return 1
