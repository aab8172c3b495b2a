"""Exporters of the two official forms: one contract, rows in the official column order.

An exporter is built from `ExportParams` (what the user chose: which base, which organisations,
current / archive / all, the pair list's filters) and the user, whose scope bounds everything.
It gives the rows as Python values in the form's column order — dates as `date`, numbers as
`int` — and the title block; `common/files/writers.py` turns the same rows into XLSX or PDF. The web
page, the background job and `manage.py export_base` all go through here.

Rows: «База наставляемых» has one row per mentee's participation (PairMentee); «База
наставников» one row per mentor's participation (a pair or group), its mentees in one cell, one
name a line. Both are ordered by organisation, entry date and name, and numbered from 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from common.text import name_part
from exchange.official import FORMS, MENTEES, MENTORS, Kind, OfficialForm
from registry.models import EducationDepartment, MentoringPair, Organisation, PairMentee, User
from registry.models.pairs import CompletionMark

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
class ExportParams:
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
    def from_json(cls, data: dict) -> ExportParams:
        return cls(
            base=Kind(data["base"]),
            file_format=FileFormat(data.get("file_format", FileFormat.XLSX)),
            period=Period(data.get("period", Period.CURRENT)),
            organisations=tuple(int(pk) for pk in data.get("organisations", ())),
            filters={str(k): str(v) for k, v in (data.get("filters") or {}).items()},
        )


class Exporter:
    """The rows of one official form for one user's choice. Subclasses fill `form` and `rows`."""

    form: OfficialForm

    def __init__(
        self,
        user: User | None,
        params: ExportParams,
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
        from registry.forms.pairs import PairFilterForm

        pairs = MentoringPair.objects.filter(organisation__in=self.organisations())
        if self.params.period == Period.CURRENT:
            pairs = pairs.active()
        elif self.params.period == Period.ARCHIVE:
            pairs = pairs.completed()
        if self.params.filters:
            filters = PairFilterForm(self.params.filters, organisations=self.organisations())
            pairs = filters.apply(pairs)
        return pairs.order_by()

    def count(self) -> int:
        raise NotImplementedError

    def rows(self) -> Iterator[list]:
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


class MenteesExporter(Exporter):
    """«База наставляемых»: one row per mentee's participation."""

    form = MENTEES

    def participations(self) -> QuerySet[PairMentee]:
        return PairMentee.objects.filter(pair__in=self.pairs().values("pk")).order_by(
            "pair__organisation__short_name", "pair__entry_date", "mentee__last_name", "mentee__first_name", "pk"
        )

    def count(self) -> int:
        return self.participations().count()

    def rows(self) -> Iterator[list]:
        participations = self.participations().select_related("mentee", "pair__mentor__organisation", "pair__format")
        for number, p in enumerate(participations.iterator(chunk_size=CHUNK), start=1):
            pair, mentee, mentor = p.pair, p.mentee, p.pair.mentor
            yield [
                number,
                mentee.full_name,
                mentee.birth_year,
                mentee.main_request,
                pair.entry_date,
                mentor.full_name,
                pair.format.name,
                mentor.place_of_work,
                pair.end_date,
                p.results or pair.results,
                p.feedback_url,
                _mark(p.completion_mark),
            ]


class MentorsExporter(Exporter):
    """«База наставников»: one row per pair or group, its mentees in one cell."""

    form = MENTORS

    def ordered_pairs(self) -> QuerySet[MentoringPair]:
        return self.pairs().order_by("organisation__short_name", "entry_date", "mentor__last_name", "pk")

    def count(self) -> int:
        return self.pairs().count()

    def rows(self) -> Iterator[list]:
        participations = PairMentee.objects.select_related("mentee__organisation").order_by(
            "mentee__last_name", "mentee__first_name", "pk"
        )
        pairs = (
            self.ordered_pairs()
            .select_related("mentor__organisation", "format", "organisation")
            .prefetch_related(Prefetch("participations", participations))
        )
        for number, pair in enumerate(pairs.iterator(chunk_size=CHUNK), start=1):
            mentor = pair.mentor
            mentees = [p.mentee for p in pair.participations.all()]
            workplaces = list(dict.fromkeys(m.place_of_work for m in mentees)) or [pair.organisation.short_name]
            yield [
                number,
                mentor.full_name,
                mentor.place_of_work,
                mentor.competencies,
                mentor.achievements,
                mentor.interests,
                mentor.desired_mentee_age,
                mentor.time_resource,
                pair.entry_date,
                "\n".join(m.full_name for m in mentees),
                pair.format.name,
                "\n".join(workplaces),
                pair.end_date,
                pair.results,
                pair.mentor_feedback_url,
            ]


EXPORTERS: dict[Kind, type[Exporter]] = {Kind.MENTEES: MenteesExporter, Kind.MENTORS: MentorsExporter}
assert set(EXPORTERS) == set(FORMS)


def exporter_for(user: User | None, params: ExportParams, **kwargs) -> Exporter:
    return EXPORTERS[params.base](user, params, **kwargs)
