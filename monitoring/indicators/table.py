"""The indicator table, its breakdown by organisation and the drill-down to the people counted."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Min, Q, QuerySet

from monitoring.indicators import figures
from monitoring.indicators.definitions import INDICATORS, Indicator, get_indicator
from monitoring.models import Contingent
from registry import freshness
from registry.models import EducationDepartment, MentoringPair, MentoringProgram, Organisation, Person

_TENTH = Decimal("0.1")


@dataclass
class Cell:
    """One indicator for one year (of the departments, or of one organisation in a breakdown).

    numerator   — people (organisations, programs) counted; for a share, only in the organisations
                  that reported the contingent's number; None when none did;
    denominator — the contingent summed over the organisations that reported it (None: none did);
                  for indicator 1 the number of organisations; None for the count of programs;
    value       — the percent rounded to 0.1, or the count; None when it cannot be computed;
    reported    — organisations that reported the number (all of them for indicators 1 and 2);
    organisations — organisations in the departments;
    numerator_all — the numerator over all organisations, also those without a contingent.
    """

    numerator: int | None
    denominator: int | None
    value: Decimal | None
    reported: int
    organisations: int
    numerator_all: int = 0

    @property
    def is_missing(self) -> bool:
        return self.value is None

    @property
    def coverage_incomplete(self) -> bool:
        return self.reported < self.organisations

    @property
    def impossible(self) -> bool:
        """A share over 100 %: more people counted than the contingent holds — the contingent (or the
        people's organisation) is wrong, and the figure must never reach a head silently."""
        return self.numerator is not None and bool(self.denominator) and self.numerator > self.denominator

    @property
    def warning(self) -> str:
        """What a page, a PDF or a workbook says beside an impossible figure ("" when there is none)."""
        if not self.impossible:
            return ""
        return f"учтено {self.numerator} при контингенте {self.denominator}: проверьте контингент"


@dataclass
class OrgCell:
    organisation: Organisation
    cell: Cell


@dataclass
class IndicatorTable:
    departments: list[EducationDepartment]
    years: list[int]
    rows: list[tuple[Indicator, dict[int, Cell]]]

    def row(self, code: str) -> dict[int, Cell]:
        return next(cells for indicator, cells in self.rows if indicator.code == code)


def percent(numerator: int | None, denominator: int | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(_TENTH, rounding=ROUND_HALF_UP)


# --- Arguments ---------------------------------------------------------------------------------------


def _departments(departments) -> list[EducationDepartment]:
    """One department, a list of them, or a queryset (read once)."""
    if isinstance(departments, EducationDepartment):
        return [departments]
    return list(departments)


def _ids(departments: list[EducationDepartment]) -> list[int]:
    return sorted({department.pk for department in departments})


def _organisations(department_ids: list[int]) -> list[Organisation]:
    return list(
        Organisation.objects.filter(department_id__in=department_ids).order_by("department_id", "short_name", "pk")
    )


def default_years(departments, *, today: date | None = None) -> list[int]:
    """The years the data covers: from the first pair's entry to the last year a pair was active,
    capped at the current year; the current year alone when there are no pairs (one query)."""
    return _years(_ids(_departments(departments)), today or date.today())


def _years(department_ids: list[int], today: date) -> list[int]:
    current = today.year
    found = MentoringPair.objects.filter(organisation__department_id__in=department_ids).aggregate(
        first=Min("entry_date"), last_end=Max("end_date"), open=Count("pk", filter=Q(end_date__isnull=True))
    )
    if found["first"] is None:
        return [current]
    last = current if found["open"] else found["last_end"].year
    first = min(found["first"].year, current)
    return list(range(first, min(last, current) + 1))


# --- Facts: computed once per state of the data ---------------------------------------------------


# What the facts read: not the consents.
FACTS_TOPICS = (freshness.PEOPLE, freshness.PAIRS, freshness.PROGRAMS, freshness.CONTINGENT)


def _facts(department_ids: list[int], organisations: list[Organisation], years: list[int], cached: bool) -> dict:
    """The facts of the organisations, kept per organisation: after a school's change only that school's
    facts are counted again (its people's roles still read from all the departments' pairs)."""
    organisation_ids = [organisation.pk for organisation in organisations]
    if not cached:
        return figures.collect(organisation_ids, years)
    key = hashlib.blake2b(f"{department_ids}|{years}".encode(), digest_size=10).hexdigest()  # a region: short
    parts = freshness.cached_by_organisation(
        f"monitoring:facts:v{figures.FACTS_VERSION}:{key}",
        organisation_ids,
        FACTS_TOPICS,
        lambda stale: figures.split(figures.collect(stale, years, among=organisation_ids), stale),
        figures.empty,
    )
    return figures.merge(parts.values())


def _cell(indicator: Indicator, facts: dict, organisation_ids: list[int], year: int) -> Cell:
    """The indicator over these organisations (one, for a breakdown) in `year`."""
    per_organisation = facts["counts"].get(indicator.code, {})
    numbers = {pk: per_organisation.get(pk, {}).get(year, 0) for pk in organisation_ids}
    total = len(organisation_ids)
    everywhere = sum(numbers.values())
    if indicator.code == "orgs_share":
        running = sum(1 for number in numbers.values() if number)
        return Cell(running, total, percent(running, total), total, total, running)
    if not indicator.needs_contingent:  # the count of programs
        return Cell(everywhere, None, Decimal(everywhere), total, total, everywhere)
    reported = facts["contingent"][indicator.contingent_field]
    reporting = [pk for pk in organisation_ids if year in reported.get(pk, {})]
    if not reporting:
        return Cell(None, None, None, 0, total, everywhere)
    numerator = sum(numbers[pk] for pk in reporting)
    denominator = sum(reported[pk][year] for pk in reporting)
    return Cell(numerator, denominator, percent(numerator, denominator), len(reporting), total, everywhere)


def indicator_table(departments, years: Iterable[int], *, cached: bool = True) -> IndicatorTable:
    """The eight indicators for the departments (one, or a region) by year.

    A fixed number of queries: the organisations, then the cached answer (two cache reads), or on a
    miss the four queries of `figures.collect` and the cache write.
    """
    departments = _departments(departments)
    years = sorted(set(years))
    department_ids = _ids(departments)
    organisations = _organisations(department_ids)
    facts = _facts(department_ids, organisations, years, cached)
    organisation_ids = [organisation.pk for organisation in organisations]
    rows = [
        (indicator, {year: _cell(indicator, facts, organisation_ids, year) for year in years})
        for indicator in INDICATORS
    ]
    return IndicatorTable(departments=departments, years=years, rows=rows)


def table_and_breakdowns(
    departments, years: Iterable[int], *, cached: bool = True
) -> tuple[IndicatorTable, dict[tuple[str, int], list[OrgCell]]]:
    """The table and every indicator's breakdown by organisation for each year, from one reading of the facts
    (a snapshot: where a `breakdown` per indicator and year would read the department's facts again each time)."""
    departments = _departments(departments)
    years = sorted(set(years))
    department_ids = _ids(departments)
    organisations = _organisations(department_ids)
    organisation_ids = [organisation.pk for organisation in organisations]
    facts = _facts(department_ids, organisations, years, cached)
    rows = [
        (indicator, {year: _cell(indicator, facts, organisation_ids, year) for year in years})
        for indicator in INDICATORS
    ]
    breakdowns = {
        (indicator.code, year): [
            OrgCell(organisation, _cell(indicator, facts, [organisation.pk], year)) for organisation in organisations
        ]
        for indicator in INDICATORS
        for year in years
    }
    return IndicatorTable(departments=departments, years=years, rows=rows), breakdowns


def region_tables(
    departments, years: Iterable[int], *, cached: bool = True
) -> tuple[IndicatorTable, dict[int, IndicatorTable]]:
    """The table of the departments together and each department's own, counted from one set of facts (a
    region and its breakdown by municipality: the queries of one `indicator_table`, the same cache entries)."""
    departments = _departments(departments)
    years = sorted(set(years))
    department_ids = _ids(departments)
    organisations = _organisations(department_ids)
    facts = _facts(department_ids, organisations, years, cached)

    def table(of: list[EducationDepartment], ids: list[int]) -> IndicatorTable:
        rows = [(indicator, {year: _cell(indicator, facts, ids, year) for year in years}) for indicator in INDICATORS]
        return IndicatorTable(departments=of, years=years, rows=rows)

    together = table(departments, [organisation.pk for organisation in organisations])
    each = {
        department.pk: table([department], [o.pk for o in organisations if o.department_id == department.pk])
        for department in departments
    }
    return together, each


def impossible_cells(organisation_ids: Iterable[int]) -> dict[tuple[int, int], list[tuple[Indicator, Cell]]]:
    """(organisation, year) -> the shares over 100 % of that organisation alone: more people counted than
    its own contingent holds, in the years of its department's indicator table.

    Read from the facts the indicator pages keep (the same cache entries: a department and its table's
    years), so a data-quality page after the indicators costs no new counting. Queries: the contingents
    reported (none: nothing can exceed them, and nothing more is read), the departments' organisations,
    then per department its years and the kept facts (two cache reads).
    """
    found: dict[tuple[int, int], list[tuple[Indicator, Cell]]] = {}
    wanted = set(
        Contingent.objects.filter(organisation_id__in=list(organisation_ids)).values_list("organisation_id", flat=True)
    )
    if not wanted:
        return found
    departments = Organisation.objects.filter(pk__in=wanted).values("department_id")
    by_department: dict[int, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(department_id__in=departments).order_by(
        "department_id", "short_name", "pk"
    ):
        by_department.setdefault(organisation.department_id, []).append(organisation)
    shares = [indicator for indicator in INDICATORS if indicator.needs_contingent]
    for department_id, organisations in by_department.items():
        years = _years([department_id], date.today())
        facts = _facts([department_id], organisations, years, cached=True)
        for organisation in organisations:
            if organisation.pk not in wanted:
                continue
            for year in years:
                for indicator in shares:
                    cell = _cell(indicator, facts, [organisation.pk], year)
                    if cell.impossible:
                        found.setdefault((organisation.pk, year), []).append((indicator, cell))
    return found


def breakdown(departments, code: str, year: int, *, cached: bool = True) -> list[OrgCell]:
    """Every organisation of the departments with its own cell: those without mentoring (numerator 0)
    and those without a contingent (value None) included; in the order of the departments and names."""
    indicator = get_indicator(code)
    department_ids = _ids(_departments(departments))
    organisations = _organisations(department_ids)
    facts = _facts(department_ids, organisations, [year], cached)
    return [OrgCell(organisation, _cell(indicator, facts, [organisation.pk], year)) for organisation in organisations]


def drilldown_count(departments, code: str, year: int, organisation: Organisation | None = None) -> int:
    """How many rows `drilldown` gives, read from the cached facts of the breakdown: counting the
    people behind a figure in the database costs as much as the figure (0.4 s for 50 000 people)."""
    indicator = get_indicator(code)
    department_ids = _ids(_departments(departments))
    organisations = _organisations(department_ids)
    facts = _facts(department_ids, organisations, [year], cached=True)
    if organisation is not None:
        return _cell(indicator, facts, [organisation.pk], year).numerator_all
    return _cell(indicator, facts, [o.pk for o in organisations], year).numerator or 0


def drilldown(departments, code: str, year: int, organisation: Organisation | None = None) -> QuerySet:
    """Exactly what the cell counts: people (indicators 3–8), organisations (1) or programs (2).

    Without `organisation`, the table's cell: for a share, only the organisations that reported the
    contingent's number for the year (as the numerator). With it, that organisation's own cell of the
    breakdown, reported or not. Lazy: nothing is read until the queryset is.
    """
    indicator = get_indicator(code)
    department_ids = _ids(_departments(departments))
    in_departments = Q(organisation__department_id__in=department_ids)
    organisations = Organisation.objects.filter(department_id__in=department_ids)
    if indicator.code == "orgs_share":
        if organisation is not None:
            organisations = organisations.filter(pk=organisation.pk)
        return figures.organisations_with_pairs(organisations, year).order_by("short_name", "pk")
    if indicator.code == "programs_count":
        programs = MentoringProgram.objects.filter(in_departments).select_related("organisation")
        if organisation is not None:
            programs = programs.filter(organisation=organisation)
        return figures.programs_running(programs, year).order_by("organisation__short_name", "name", "pk")
    people = Person.objects.filter(in_departments).filter(
        figures.population_q(indicator.population, year, organisations)
    )
    if organisation is not None:
        people = people.filter(organisation=organisation)
    else:
        reporting = Contingent.objects.filter(year=year, **{f"{indicator.contingent_field}__isnull": False}).values(
            "organisation_id"
        )
        people = people.filter(organisation_id__in=reporting)
    return people.select_related("organisation").order_by("last_name", "first_name", "patronymic", "pk")
