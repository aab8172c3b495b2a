"""The export contract: every file a user downloads is an `Exporter` (in the spirit of pretix's).

An exporter has an `identifier`, a Russian `verbose_name`, the `formats` it offers and a parameter
form (`Params`, bounded by the user's scope) whose cleaned data is plain JSON. Built from the user and
those parameters, it checks access itself (404 outside the scope, 403 for a read-only user), counts
its rows and `render`s the file. A `TableExporter` only gives a layout and rows: XLSX and PDF come
from the same rows through common/files/writers.py.

One view (jobs/views.py `download`) serves them all; past `background_after` rows of a format it
starts a job instead (jobs/runner.py), which builds the same exporter for the job's owner in the
worker. Each app declares its exporters in its `exports.py`, registered with `@register` and found
when Django starts (jobs/apps.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO, ClassVar

from django import forms
from django.http import Http404, HttpRequest
from django.utils import timezone

from common.files.tables import Group, Layout
from common.files.writers import CONTENT_TYPES, ExportTooLarge, Progress, check_size, write

FORMAT_LABELS = {"xlsx": "Excel (.xlsx)", "pdf": "PDF для печати", "docx": "Word (.docx)"}


class ExportRefused(Exception):
    """The file cannot be made for a reason the user can fix (Russian `message`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportParams(forms.Form):
    """The parameters of an exporter: the user's choices (GET or POST) and the URL's arguments.

    Subclasses add their fields and narrow choices to `self.user`'s scope; `params()` is plain JSON,
    the chosen format under "format" whatever the field is called on the page (`format_field`).
    """

    format_field: ClassVar[str] = "format"

    def __init__(self, *args, user, exporter: type[Exporter], url: dict[str, Any] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.url = url or {}
        choices = [(name, FORMAT_LABELS[name]) for name in exporter.formats]
        field = forms.ChoiceField(
            label="Формат файла", choices=choices, initial=exporter.formats[0], required=False, widget=forms.RadioSelect
        )
        field.error_messages["invalid_choice"] = "Неизвестный формат: выберите " + " или ".join(exporter.formats) + "."
        self.fields[self.format_field] = field

    def file_format(self) -> str:
        return self.cleaned_data.get(self.format_field) or self.fields[self.format_field].initial

    def params(self) -> dict[str, Any]:
        chosen = {name: value for name, value in self.cleaned_data.items() if name != self.format_field}
        return {**self.url, **chosen, "format": self.file_format()}


class Exporter:
    identifier: ClassVar[str]
    verbose_name: ClassVar[str]
    formats: ClassVar[tuple[str, ...]] = ("xlsx", "pdf")
    Params: ClassVar[type[ExportParams]] = ExportParams
    # A page where the user chooses the parameters (GET shows it, POST downloads); None: the link
    # carries them and the file comes at once.
    page: ClassVar[str | None] = None
    methods: ClassVar[tuple[str, ...]] = ("GET",)
    # Past this many rows of a format the file is written by a background job; absent: never.
    background_after: ClassVar[dict[str, int]] = {}

    def __init__(self, user, params: dict[str, Any], *, today: date | None = None) -> None:
        """Build the exporter for `user`; subclasses look up what it exports through the access helpers
        (Http404 outside the user's scope, PermissionDenied for a read-only user)."""
        self.user = user
        self.params = params
        self.today = today or timezone.localdate()

    # --- what the view and the job ask -------------------------------------------------------------

    @classmethod
    def initial(cls, request: HttpRequest) -> dict[str, Any]:
        """The page's first choices (from the link that led to it)."""
        return {}

    @classmethod
    def page_context(cls, form: ExportParams) -> dict[str, Any]:
        """More for the parameters page than the form."""
        return {}

    def count(self) -> int:
        """The rows the file will have: decides a background job and the size check."""
        return 0

    def check(self, file_format: str, rows: int) -> None:
        """Refuse (ExportRefused) before any work starts."""

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        """Log the download where the law wants it (the personal-data access log)."""

    def reach(self) -> list | None:
        """What the file reads beyond what the constructor checks (plain JSON), kept with a background
        job: its file is the owner's only while `covers` still holds (a role taken away ends it)."""
        return None

    def covers(self, reach: list | None) -> bool:
        """Whether the user's scope, as it is now, still reads all of `reach`."""
        return True

    def title(self, file_format: str) -> str:
        """What a background job writing this file is called."""
        return f"{self.verbose_name} ({file_format.upper()})"

    def filename(self, file_format: str) -> str:
        raise NotImplementedError

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        """Write the file to `out`; return the number of its data rows."""
        raise NotImplementedError

    @staticmethod
    def content_type(file_format: str) -> str:
        return CONTENT_TYPES[file_format]


class TableExporter(Exporter):
    """An exporter that gives rows under a layout (`form`: its title and columns): XLSX and PDF come
    from the same rows."""

    form: Layout

    def title_lines(self) -> list[str]:
        return []

    def rows(self) -> Iterator[list | Group]:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def check(self, file_format: str, rows: int) -> None:
        try:
            check_size(file_format, rows)
        except ExportTooLarge as error:
            raise ExportRefused(str(error)) from None

    def render(self, file_format: str, out: BinaryIO, progress: Progress | None = None) -> int:
        return write(self, file_format, out, progress)


EXPORTERS: dict[str, type[Exporter]] = {}


def register(exporter: type[Exporter]) -> type[Exporter]:
    """Class decorator: make an exporter known to the download view and the job runner."""
    known = EXPORTERS.get(exporter.identifier)
    if known is not None and known is not exporter:
        raise ValueError(f"Two exporters are called {exporter.identifier!r}: {known} and {exporter}")
    EXPORTERS[exporter.identifier] = exporter
    return exporter


def get(identifier: str) -> type[Exporter]:
    try:
        return EXPORTERS[identifier]
    except KeyError:
        raise Http404("Такой выгрузки нет.") from None
