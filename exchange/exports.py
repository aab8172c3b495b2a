"""The official bases out: «База наставников» and «База наставляемых», rows in the official column order.

`MenteesBase` and `MentorsBase` are built from a `BaseChoice` (which base, which organisations,
current / archive / all, the pair list's filters) and the user, whose scope bounds everything (or,
for `manage.py export_base`, a department). They give the rows as Python values in the form's
column order — dates as `date`, numbers as `int` — and the title block. `BasesExporter` is the
export contract's face of them (jobs/exports.py): the export page, its background job and the
access log go through it; common/files/writers.py turns the same rows into XLSX or PDF.

Rows: «База наставляемых» has one row per mentee's participation (PairMentee); «База
наставников» one row per mentor's participation (a pair or group), its mentees in one cell, one
name a line. Both are ordered by organisation, entry date and name, and numbered from 1; a `Group`
heading (the pair's organisation) opens each organisation's rows: the PDF shows it, the XLSX keeps
the official columns alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django import forms
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from common.files.tables import Group
from common.text import name_part
from exchange.official import FORMS, MENTEES, MENTORS, Kind, OfficialForm
from jobs.exports import ExportParams, TableExporter, register
from registry import privacy
from registry.access import scope_for
from registry.models import EducationDepartment, MentoringPair, Organisation, PairMentee, Person, User
from registry.models.pairs import CompletionMark, PairStatus
from registry.models.people import PersonCategory

CHUNK = 2000  # rows fetched from the database at a time: memory does not grow with the base


class Period(StrEnum):
    CURRENT = "current"
    ARCHIVE = "archive"
    ALL = "all"


PERIOD_LABELS = {
    Period.CURRENT: "действующие участники",
    Period.ARCHIVE: "архив: завершившие программу",
    Period.ALL: "все участники, включая архив",
}


class FileFormat(StrEnum):
    XLSX = "xlsx"
    PDF = "pdf"


@dataclass(frozen=True)
class BaseChoice:
    """What to export; stored as JSON in a background job, so plain values only."""

    base: Kind
    file_format: FileFormat = FileFormat.XLSX
    period: Period = Period.CURRENT
    organisations: tuple[int, ...] = ()  # empty: every organisation the user reads
    # The pair list's own filters (q, format, year, category), when exporting "what the list shows".
    filters: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        data = asdict(self)
        data["organisations"] = list(self.organisations)
        return data

    @classmethod
    def from_json(cls, data: dict) -> BaseChoice:
        return cls(
            base=Kind(data["base"]),
            file_format=FileFormat(data.get("file_format", FileFormat.XLSX)),
            period=Period(data.get("period", Period.CURRENT)),
            organisations=tuple(int(pk) for pk in data.get("organisations", ())),
            filters={str(k): str(v) for k, v in (data.get("filters") or {}).items()},
        )


# The pair list's filters that an export carries over ("what the list shows").
LIST_FILTERS = ("q", "format", "year", "category")


def list_filters(filters: dict[str, str]) -> dict:
    """The pair list's filters as given in a link (text), for `PairQuerySet.filtered`; what does not
    read as a filter is left out."""
    chosen: dict = {"q": filters.get("q", "")[:200]}
    if filters.get("format", "").isdigit():
        chosen["format"] = int(filters["format"])
    if filters.get("year", "").isdigit() and 2000 <= int(filters["year"]) <= 2100:
        chosen["year"] = int(filters["year"])
    if filters.get("category") in PersonCategory.values:
        chosen["category"] = filters["category"]
    return chosen


class OfficialBase:
    """The rows of one official form for one user's choice. Subclasses fill `form` and `rows`."""

    form: OfficialForm

    def __init__(
        self,
        user: User | None,
        params: BaseChoice,
        *,
        department: EducationDepartment | None = None,
        today: date | None = None,
    ) -> None:
        """`user`'s scope bounds what is read; without a user (manage.py), `department` does."""
        if user is None and department is None:
            raise ValueError("An exporter needs a user or a department.")
        self.user = user
        self.department = department
        self.params = params
        self.today = today or timezone.localdate()
        self.scope = scope_for(user) if user is not None else None

    def reads(self, person: Person) -> bool:
        """Whether the file may describe this person. A pair of a school the user reads may have a mentor
        (or a mentee) of another school: such a person is named, with their school, and nothing more
        (docs/security.md, «Another school's person»). Needs `person.organisation` loaded."""
        if self.scope is None:
            return person.organisation.department_id == self.department.pk
        return self.scope.reads_organisation(person.organisation)

    # --- what is exported -----------------------------------------------------------------------

    def organisations(self) -> QuerySet[Organisation]:
        if self.user is not None:
            chosen = Organisation.objects.for_user(self.user)
        else:
            chosen = Organisation.objects.filter(department=self.department)
        chosen = chosen.select_related("department")
        if self.params.organisations:
            chosen = chosen.filter(pk__in=self.params.organisations)
        return chosen.order_by("department__name", "short_name")

    def pairs(self) -> QuerySet[MentoringPair]:
        pairs = MentoringPair.objects.filter(organisation__in=self.organisations())
        if self.params.period == Period.CURRENT:
            pairs = pairs.active()
        elif self.params.period == Period.ARCHIVE:
            pairs = pairs.completed()
        if self.params.filters:
            pairs = pairs.filtered(**list_filters(self.params.filters))
        return pairs.order_by()

    def count(self) -> int:
        raise NotImplementedError

    def rows(self) -> Iterator[list | Group]:
        raise NotImplementedError

    # --- the title block and the file name ---------------------------------------------------------

    def where(self) -> str:
        """Who the extract is of: one organisation, the department, or the chosen organisations."""
        organisations = list(self.organisations()[:4])
        if len(organisations) == 1:
            only = organisations[0]
            return f"{only.full_name or only.short_name} ({only.department.name})"
        departments = {o.department for o in organisations}
        if not self.params.organisations and len(departments) == 1:
            return next(iter(departments)).name
        total = self.organisations().count()
        names = ", ".join(o.short_name for o in organisations[:3])
        return f"{names}{f' и ещё {total - 3}' if total > 3 else ''}"

    def title_lines(self) -> list[str]:
        lines = [self.where(), f"{PERIOD_LABELS[self.params.period].capitalize()}"]
        if self.params.filters:
            lines[-1] += ", с отбором по списку пар"
        lines.append(f"Выгрузка на {self.today:%d.%m.%Y}")
        return lines

    def filename(self) -> str:
        organisations = list(self.organisations()[:2])
        where = (
            organisations[0].short_name
            if len(organisations) == 1
            else (organisations[0].department.municipality if organisations else "реестр")
        )
        suffix = {Period.CURRENT: "", Period.ARCHIVE: " (архив)", Period.ALL: " (все)"}[self.params.period]
        where = name_part(where)  # names as typed
        name = f"{self.form.title}{suffix} — {where} — {self.today:%d.%m.%Y}.{self.params.file_format}"
        return name


def _mark(value: str) -> str:
    return CompletionMark(value).label if value else ""


class MenteesBase(OfficialBase):
    """«База наставляемых»: one row per mentee's participation."""

    form = MENTEES

    def participations(self) -> QuerySet[PairMentee]:
        return PairMentee.objects.filter(pair__in=self.pairs().values("pk")).order_by(
            "pair__organisation__short_name",
            "pair__organisation_id",
            "pair__entry_date",
            "mentee__last_name",
            "mentee__first_name",
            "pk",
        )

    def count(self) -> int:
        return self.participations().count()

    def rows(self) -> Iterator[list | Group]:
        participations = self.participations().select_related(
            "mentee__organisation", "pair__mentor__organisation", "pair__format", "pair__organisation"
        )
        organisation = None
        for number, p in enumerate(participations.iterator(chunk_size=CHUNK), start=1):
            pair, mentee, mentor = p.pair, p.mentee, p.pair.mentor
            if pair.organisation_id != organisation:
                organisation = pair.organisation_id
                yield Group(pair.organisation.short_name)
            described = self.reads(mentee)
            yield [
                number,
                mentee.full_name,
                mentee.birth_year if described else None,
                mentee.main_request if described else "",
                pair.entry_date,
                mentor.full_name,
                pair.format.name,
                mentor.place_of_work,
                pair.end_date,
                p.results or pair.results,
                p.feedback_url,
                _mark(p.completion_mark),
            ]


class MentorsBase(OfficialBase):
    """«База наставников»: one row per pair or group, its mentees in one cell."""

    form = MENTORS

    def ordered_pairs(self) -> QuerySet[MentoringPair]:
        return self.pairs().order_by(
            "organisation__short_name", "organisation_id", "entry_date", "mentor__last_name", "pk"
        )

    def count(self) -> int:
        return self.pairs().count()

    def rows(self) -> Iterator[list | Group]:
        participations = PairMentee.objects.select_related("mentee__organisation").order_by(
            "mentee__last_name", "mentee__first_name", "pk"
        )
        pairs = (
            self.ordered_pairs()
            .select_related("mentor__organisation", "format", "organisation")
            .prefetch_related(Prefetch("participations", participations))
        )
        organisation = None
        for number, pair in enumerate(pairs.iterator(chunk_size=CHUNK), start=1):
            if pair.organisation_id != organisation:
                organisation = pair.organisation_id
                yield Group(pair.organisation.short_name)
            mentor = pair.mentor
            mentees = [p.mentee for p in pair.participations.all()]
            workplaces = list(dict.fromkeys(m.place_of_work for m in mentees)) or [pair.organisation.short_name]
            described = self.reads(mentor)
            yield [
                number,
                mentor.full_name,
                mentor.place_of_work,
                *(
                    (
                        mentor.competencies,
                        mentor.achievements,
                        mentor.interests,
                        mentor.desired_mentee_age,
                        mentor.time_resource,
                    )
                    if described
                    else ("",) * 5
                ),
                pair.entry_date,
                "\n".join(m.full_name for m in mentees),
                pair.format.name,
                "\n".join(workplaces),
                pair.end_date,
                pair.results,
                pair.mentor_feedback_url,
            ]


BASES: dict[Kind, type[OfficialBase]] = {Kind.MENTEES: MenteesBase, Kind.MENTORS: MentorsBase}
assert set(BASES) == set(FORMS)


def base_for(user: User | None, params: BaseChoice, **kwargs) -> OfficialBase:
    return BASES[params.base](user, params, **kwargs)


# --- the export contract's face ---------------------------------------------------------------------


class BasesParams(ExportParams):
    """The export page: which base, whose participants, which organisations, the format."""

    format_field = "file_format"

    base = forms.ChoiceField(
        label="Форма",
        choices=[(Kind.MENTORS.value, "База наставников"), (Kind.MENTEES.value, "База наставляемых")],
        widget=forms.RadioSelect,
        initial=Kind.MENTEES,
    )
    period = forms.ChoiceField(
        label="Участники",
        choices=[
            (Period.CURRENT.value, "Действующие"),
            (Period.ARCHIVE.value, "Архив: завершившие программу"),
            (Period.ALL.value, "Все"),
        ],
        widget=forms.RadioSelect,
        initial=Period.CURRENT,
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Организации",
        required=False,
        queryset=Organisation.objects.none(),
        help_text="Не выбрано — все организации, которые вам доступны.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {name: self.fields[name] for name in ("base", "period", self.format_field, "organisations")}
        self.fields[self.format_field].label = "Формат файла"
        field = self.fields["organisations"]
        field.queryset = Organisation.objects.for_user(self.user).select_related("department").order_by("short_name")
        field.widget.attrs.update(
            {
                "class": "form-select",
                "data-autocomplete": "multiple",
                "data-placeholder": "Все доступные организации — или выберите",
            }
        )
        source = self.data if self.is_bound else self.initial
        self.filters = {name: str(source[name]) for name in LIST_FILTERS if source.get(name)}

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "base": data["base"],
            "period": data["period"],
            "organisations": sorted(o.pk for o in data["organisations"]),
            "filters": self.filters,
            "format": self.file_format(),
        }


@register
class BasesExporter(TableExporter):
    """«База наставников» / «База наставляемых» for the user's choice, on the export page."""

    identifier = "bases"
    verbose_name = "Базы наставников и наставляемых"
    Params = BasesParams
    page = "exchange/export.html"
    methods = ("GET", "POST")
    # Up to this many rows a base is written in the request (well under a second for XLSX, a few
    # seconds for PDF); past it, in the background with a progress bar.
    background_after = {"xlsx": 5000, "pdf": 150}

    def __init__(self, user, params: dict[str, Any], **kwargs) -> None:
        super().__init__(user, params, **kwargs)
        self.choice = BaseChoice.from_json({**params, "file_format": params.get("format", "xlsx")})
        self.base = base_for(user, self.choice, today=self.today)

    @classmethod
    def initial(cls, request: HttpRequest) -> dict[str, Any]:
        """Arriving from the pair list: its organisation, status and filters become the export's choices."""
        initial: dict[str, Any] = {name: request.GET[name] for name in LIST_FILTERS if request.GET.get(name)}
        if request.GET.get("base") in Kind.__members__.values():
            initial["base"] = request.GET["base"]
        status = request.GET.get("status")
        if status == PairStatus.COMPLETED:
            initial["period"] = Period.ARCHIVE
        elif status in (PairStatus.ACTIVE, PairStatus.OVERDUE):
            initial["period"] = Period.CURRENT
        if request.GET.get("organisation", "").isdigit():
            initial["organisations"] = [request.GET["organisation"]]
        return initial

    @classmethod
    def page_context(cls, form: ExportParams) -> dict[str, Any]:
        return {
            "filters": form.filters,
            "show_organisations": len(form.fields["organisations"].queryset) > 1,
            "sync_rows": cls.background_after,
        }

    @property
    def form(self) -> OfficialForm:
        return self.base.form

    def count(self) -> int:
        return self.base.count()

    def rows(self) -> Iterator[list | Group]:
        return self.base.rows()

    def title_lines(self) -> list[str]:
        return self.base.title_lines()

    def filename(self, file_format: str) -> str:
        return self.base.filename()

    def title(self, file_format: str) -> str:
        period = PERIOD_LABELS[self.choice.period]
        return f"{self.base.form.title}, {period} — {self.base.where()} ({file_format.upper()})"

    def reach(self) -> list[int]:
        """The organisations whose people the base holds."""
        return sorted(self.base.organisations().values_list("pk", flat=True))

    def covers(self, reach: list | None) -> bool:
        return reach is None or set(reach) <= set(self.base.organisations().values_list("pk", flat=True))

    def record(self, request: HttpRequest, file_format: str, rows: int) -> None:
        # The bases hold personal data: every export is in the access log (who, when, what).
        organisations = list(self.base.organisations().select_related(None))
        privacy.record_export(request, what=self.title(file_format)[:500], rows=rows, organisations=organisations)
