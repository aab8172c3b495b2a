"""«Мониторинг влияния» for a school or a department: what the page, its drill-down and its files show.

The user chooses the scope (a methodist or a head: the whole department or one school; a curator: the own
school), the years (the calendar year the pair entered the program, as in influence/aggregates.py) and a form
of mentoring. `choose` reads that choice, bounded by the user's reach (a school outside it: 404), for the
page and the exporter alike; `overview` gathers the figures: the growth table (influence/aggregates.py), how
many participations have which questionnaires (three queries), the chart's bars, the quality of the process
and the mentees' outcomes by school year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.http import urlencode

from common.charts import bar_chart
from common.text import normalise
from influence.aggregates import (
    GrowthRow,
    OutcomeRow,
    QualityRow,
    both_questionnaires,
    growth_table,
    outcome_summary,
    participants,
    process_quality,
)
from influence.models import GrowthGroup, ParticipantGrowth, Purpose, Response, Role
from registry.access import chosen_organisation, scope_for
from registry.models import MentoringFormat, MentoringPair, Organisation, PairMentee, Person, User

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_YEARS = 30
ROLE_PLURAL = {Role.MENTOR.value: "Наставники", Role.MENTEE.value: "Наставляемые"}
CHART_TITLE = "Среднее изменение по группам роста, баллов"  # after the role: «Наставники: …»
NOTHING_YET = (
    "Анкет «до» и «после» пока нет: рост участника виден, когда внесены обе его анкеты — "
    "«до начала программы» и «по завершении программы»."
)
NO_OUTCOMES = (
    "Результатов наставляемых (ВПР, ОГЭ, ЕГЭ, средний балл, олимпиады) пока нет. Их вносят на странице «Анкеты» "
    "пары (из карточки пары) или загружают для всей организации из файла Excel."
)
OUTCOMES_NOTE = (
    "Наставляемые пар, вступивших в программу в выбранные годы, по учебным годам. Доля сдавших — среди тех, кто "
    "писал ВПР или сдавал ОГЭ, ЕГЭ («—»: никто не сдавал); средний балл — у наставляемых, у которых внесены оба "
    "балла, до и после; изменение — среднее их разниц."
)
WHAT_TO_DO = (
    "Внесите анкеты на странице «Анкеты» пары (из карточки пары) с бумажных бланков или отправьте участникам "
    "личные ссылки; какие пары ждут анкет, показывает «Качество данных»."
)


class ResultsForm(forms.Form):
    """The choice of the page and its files: a school of the reach (empty: all of it), years, a form."""

    organisation = forms.ChoiceField(label="Организация", required=False)
    first = forms.IntegerField(label="С года", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    last = forms.IntegerField(label="по год", required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    mentoring_format = forms.ChoiceField(label="Форма наставничества", required=False)

    def __init__(self, *args, organisations: list[Organisation], formats: list[str], everything: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", everything)] + [(str(o.pk), o.short_name) for o in organisations]
        self.fields["mentoring_format"].choices = [("", "Все формы")] + [(name, name) for name in formats]
        for one in self.fields.values():
            one.widget.attrs["class"] = "form-select" if isinstance(one, forms.ChoiceField) else "form-control"

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "Последний год не может быть раньше первого.")
            elif last - first >= MAX_YEARS:
                self.add_error("last", f"Выберите не больше {MAX_YEARS} лет.")
        return cleaned


@dataclass
class Choice:
    form: ResultsForm
    organisations: list[Organisation]  # the user's reach
    organisation: Organisation | None  # one school chosen, or None: the whole reach
    years: list[int] | None  # None: every year
    format: str  # a form's name, or "" for all
    department_wide: bool

    @property
    def organisation_ids(self) -> list[int]:
        return [self.organisation.pk] if self.organisation else [o.pk for o in self.organisations]

    @property
    def scope_name(self) -> str:
        """The school chosen, the department(s) read as a whole, or the curator's school(s)."""
        if self.organisation is not None:
            return self.organisation.short_name
        if self.department_wide:
            return ", ".join(sorted({o.department.name for o in self.organisations}))
        return ", ".join(o.short_name for o in self.organisations)

    @property
    def years_text(self) -> str:
        if not self.years:
            return "все годы"
        if len(self.years) == 1:
            return f"{self.years[0]} год"
        return f"{self.years[0]}–{self.years[-1]} годы"

    def params(self, **more: object) -> dict[str, object]:
        chosen = {
            "organisation": self.organisation.pk if self.organisation else "",
            "first": self.years[0] if self.years else "",
            "last": self.years[-1] if self.years else "",
            "mentoring_format": self.format,
            **more,
        }
        return {name: value for name, value in chosen.items() if value not in ("", None)}

    def query(self, **more: object) -> str:
        return urlencode(self.params(**more))


def choose(user: User, data: Mapping) -> Choice:
    """The scope, years and form asked for, within the user's reach; a school outside it answers 404.
    A choice that does not read (years reversed, an unknown form) falls back to all of it, with the
    form's errors to show."""
    scope = scope_for(user)
    organisations = list(
        Organisation.objects.for_user(user).select_related("department").order_by("department__name", "short_name")
    )
    organisation = chosen_organisation(organisations, str(data.get("organisation", "") or ""))
    formats = sorted(set(scope.reference_items(MentoringFormat.objects.all()).values_list("name", flat=True)))
    everything = "Все организации муниципалитета" if scope.department_wide else "Все мои организации"
    form = ResultsForm(data or None, organisations=organisations, formats=formats, everything=everything)
    chosen = form.cleaned_data if form.is_valid() else {}
    first, last = chosen.get("first"), chosen.get("last")
    years = None
    if first or last:
        years = list(range(first or last, (last or first) + 1))
    return Choice(
        form=form,
        organisations=organisations,
        organisation=organisation,
        years=years,
        format=chosen.get("mentoring_format") or "",
        department_wide=bool(scope.department_wide),
    )


# --- The summary: who has which questionnaires ----------------------------------------------------


@dataclass
class Coverage:
    role: str
    total: int  # participations: the pairs' mentors, or their mentees
    before: int
    after: int
    both: int

    @property
    def role_label(self) -> str:
        return ROLE_PLURAL[self.role]


def _pairs(organisation_ids: Iterable[int], years: list[int] | None, format_name: str, path: str = "") -> Q:
    """The pairs of these organisations, entered in these years, of this form (`path`: the way to the pair)."""
    q = Q(**{f"{path}organisation_id__in": list(organisation_ids)})
    if years:
        q &= Q(**{f"{path}entry_date__year__in": years})
    if format_name:
        q &= Q(**{f"{path}format__name": format_name})
    return q


def _counted(rows: QuerySet, role: str, both: int) -> Coverage:
    counts = rows.aggregate(
        total=Count("pk"),
        before=Count("pk", filter=Q(has_before=True)),
        after=Count("pk", filter=Q(has_after=True)),
    )
    return Coverage(role, both=both, **counts)


def coverage(organisation_ids: Iterable[int], years: list[int] | None, format_name: str = "") -> list[Coverage]:
    """How many participations the pairs have (their mentors, their mentees), and how many of them have the
    «before» questionnaire, the «after» one, both: three queries whatever the number of pairs. «Both» are the
    stored growth lines (`both_questionnaires`, as the analytic report counts them)."""
    organisation_ids = list(organisation_ids)

    def answered(purpose: str, **participant: object) -> Exists:
        return Exists(Response.objects.filter(purpose=purpose, **participant))

    mentors = MentoringPair.objects.filter(_pairs(organisation_ids, years, format_name)).annotate(
        has_before=answered(Purpose.BEFORE, pair=OuterRef("pk"), participation__isnull=True),
        has_after=answered(Purpose.AFTER, pair=OuterRef("pk"), participation__isnull=True),
    )
    mentees = PairMentee.objects.filter(_pairs(organisation_ids, years, format_name, "pair__")).annotate(
        has_before=answered(Purpose.BEFORE, pair=OuterRef("pair_id"), participation=OuterRef("pk")),
        has_after=answered(Purpose.AFTER, pair=OuterRef("pair_id"), participation=OuterRef("pk")),
    )
    both = both_questionnaires(organisation_ids, years, format_name)
    return [
        _counted(mentors.order_by(), Role.MENTOR, both[Role.MENTOR]),
        _counted(mentees.order_by(), Role.MENTEE, both[Role.MENTEE]),
    ]


# --- The page's figures ---------------------------------------------------------------------------


@dataclass
class Overview:
    choice: Choice
    lines: list[GrowthRow]
    coverage: list[Coverage]
    bars: list[GrowthRow]  # the chart's: each role and group over every line shown
    quality: list[QualityRow]
    outcomes: list[OutcomeRow] = field(default_factory=list)  # the mentees' by school year and form
    charts: list[str] = field(default_factory=list)  # one per role, SVG (common/charts.py)

    @property
    def participations(self) -> Coverage:
        return Coverage(
            "",
            *(sum(getattr(one, name) for one in self.coverage) for name in ("total", "before", "after", "both")),
        )


def _bars(lines: list[GrowthRow]) -> list[GrowthRow]:
    """Each role's and group's participants and average change over the lines (years and forms together)."""
    found: dict[tuple[str, str], GrowthRow] = {}
    for line in lines:
        bar = found.setdefault((line.role, line.group), GrowthRow(0, "", line.role, line.group, 0, 0.0, 0))
        bar.participants += line.participants
        bar.change_sum += line.change_sum
        bar.improved += line.improved
    order = [(role.value, group.value) for role in Role for group in GrowthGroup]
    return [found[key] for key in order if key in found]


def overview(choice: Choice) -> Overview:
    ids = choice.organisation_ids
    lines = [line for line in growth_table(ids, choice.years) if not choice.format or line.format == choice.format]
    bars = _bars(lines)
    charts = []
    for role in Role:
        shown = [bar for bar in bars if bar.role == role]
        if shown:
            charts.append(
                bar_chart(
                    [bar.group_label for bar in shown],
                    [bar.average_change for bar in shown],
                    unit="",
                    title=f"{ROLE_PLURAL[role]}: {CHART_TITLE[0].lower()}{CHART_TITLE[1:]}",
                    decimals=2,
                )
            )
    return Overview(
        choice=choice,
        lines=lines,
        coverage=coverage(ids, choice.years, choice.format),
        bars=bars,
        quality=process_quality(ids, choice.years),
        outcomes=outcome_summary(ids, entry_years=choice.years, format_name=choice.format),
        charts=charts,
    )


# --- The drill-down: the participants behind a figure ---------------------------------------------


class CellForm(forms.Form):
    """One figure of the table: a year, a form, a role and a growth group."""

    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    mentoring_format = forms.CharField(max_length=300)
    role = forms.ChoiceField(choices=Role.choices)
    group = forms.ChoiceField(choices=GrowthGroup.choices)
    q = forms.CharField(required=False, max_length=200)


def _score(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class PairLine:
    """One participant behind a figure: their pair, who they are, the group's score before and after."""

    line: ParticipantGrowth
    group: str  # GrowthGroup

    @property
    def person(self) -> Person:
        return self.line.pair.mentor if self.line.participation is None else self.line.participation.mentee

    def _field(self, stage: str):
        return getattr(self.line, f"{self.group}_{stage}")

    @property
    def before(self) -> Decimal:
        return _score(self._field("before"))

    @property
    def after(self) -> Decimal:
        return _score(self._field("after"))

    @property
    def change(self) -> Decimal:
        return _score(self._field("after") - self._field("before"))

    @property
    def improved(self) -> bool:
        return bool(self._field("improved"))


def cell_lines(choice: Choice, cell: Mapping) -> QuerySet[ParticipantGrowth]:
    """The stored lines behind one figure, within the chosen scope, searched by a participant's name."""
    lines = (
        participants(choice.organisation_ids, [cell["year"]])
        .filter(role=cell["role"], pair__format__name=cell["mentoring_format"])
        .filter(**{f"{cell['group']}_before__isnull": False})  # the group answered at both stages
        .select_related("pair__organisation__department", "pair__mentor", "participation__mentee")
        .order_by("pair__organisation__short_name", "pair_id", "participation_id")
    )
    needle = normalise(cell.get("q") or "")
    if needle:
        path = "pair__mentor" if cell["role"] == Role.MENTOR else "participation__mentee"
        lines = lines.filter(**{f"{path}__search_text__contains": needle})
    return lines
