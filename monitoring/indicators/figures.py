"""Counting in the database: the numerators per organisation and year, and the querysets behind them.

`collect()` reads everything the table needs in four queries, whatever the number of years,
organisations and people:

1. pairs active in each year, per organisation (indicator 1);
2. programs running in each year, per organisation (indicator 2);
3. the people of indicators 3–8, per organisation and year: one statement that reduces the roles
   of each person (participations as a mentee, pairs as a mentor) to one row carrying a bit per
   year and role («was a mentee in 2023»), joins these to the people and counts each population
   by the people's own organisation — so a person in several pairs is counted once, without a
   distinct-count;
4. the contingents of the years.

Roles are read from the pairs of the organisations asked about (the registry forms a pair's mentor
from the department's own people), and a person counts in the organisation whose base they are in.

The people query is written in SQL (an aggregate over an aggregate is not the ORM's), from the same
`Population` as the drill-down querysets below, which use the ORM and the registry's own
`MentoringPair.objects.active_in_year`; the tests hold the two to the same answers.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from monitoring.indicators.definitions import ANY_ROLE, IOM, MENTEE, MENTOR, PEOPLE_INDICATORS, Population
from monitoring.models import COUNT_FIELDS, Contingent
from registry.models import MentoringPair, MentoringProgram, PairMentee, Person

# The shape of a cached answer: plain dicts and ints only (it is pickled into the cache), so that a
# change of the code never meets an old object. Bump FACTS_VERSION when the shape changes.
FACTS_VERSION = 1


def first_day(year: int) -> date:
    return date(year, 1, 1)


def last_day(year: int) -> date:
    return date(year, 12, 31)


def active_in_year(prefix: str, year: int) -> Q:
    """Active at some day of the year (as MentoringPair.objects.active_in_year), on `prefix` fields."""
    return Q(**{f"{prefix}entry_date__lte": last_day(year)}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": first_day(year)})
    )


def program_runs_in_year(year: int) -> Q:
    return Q(start_date__lte=last_day(year)) & (Q(end_date__isnull=True) | Q(end_date__gte=first_day(year)))


# --- 1, 2, 4: the ORM's own aggregates -------------------------------------------------------------


def _per_organisation_and_year(queryset: QuerySet, condition, years: list[int]) -> dict[int, dict[int, int]]:
    rows = (
        queryset.order_by()
        .values("organisation_id")
        .annotate(**{f"y{year}": Count("pk", filter=condition(year)) for year in years})
    )
    return {row["organisation_id"]: {year: row[f"y{year}"] for year in years if row[f"y{year}"]} for row in rows}


def _pairs(organisation_ids: list[int], years: list[int]) -> dict[int, dict[int, int]]:
    pairs = MentoringPair.objects.filter(organisation_id__in=organisation_ids)
    return _per_organisation_and_year(pairs, lambda year: active_in_year("", year), years)


def _programs(organisation_ids: list[int], years: list[int]) -> dict[int, dict[int, int]]:
    programs = MentoringProgram.objects.filter(organisation_id__in=organisation_ids)
    return _per_organisation_and_year(programs, program_runs_in_year, years)


def _contingents(organisation_ids: list[int], years: list[int]) -> dict[str, dict[int, dict[int, int]]]:
    """field -> organisation -> year -> the reported number (absent: not reported)."""
    found: dict[str, dict[int, dict[int, int]]] = {name: {} for name in COUNT_FIELDS}
    rows = (
        Contingent.objects.filter(organisation_id__in=organisation_ids, year__in=years)
        .order_by()
        .values_list("organisation_id", "year", *COUNT_FIELDS)
    )
    for organisation_id, year, *values in rows:
        for name, value in zip(COUNT_FIELDS, values, strict=False):
            if value is not None:
                found[name].setdefault(organisation_id, {})[year] = value
    return found


# --- 3: the people of indicators 3–8 ---------------------------------------------------------------


class _Sql:
    """A statement built piece by piece, its parameters kept in the order of their placeholders."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, text: str, *params) -> None:
        self.parts.append(text)
        self.params.extend(params)

    def placeholders(self, values) -> str:
        values = list(values)
        self.params.extend(values)
        return ", ".join(["%s"] * len(values))

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def _date(value: date):
    return connection.ops.adapt_datefield_value(value)


YEARS_PER_MASK = 10  # 3 bits a year: 30 bits, an INTEGER on every database
MENTEE_BIT, MENTOR_BIT, IOM_BIT = 0, 1, 2
FLAGS = sorted({indicator.population.flag for indicator in PEOPLE_INDICATORS if indicator.population.flag})


def _bit(index: int, role_bit: int) -> tuple[str, int]:
    """(mask column, bit value) of role `role_bit` in the `index`-th year."""
    return f"m{index // YEARS_PER_MASK}", 1 << (3 * (index % YEARS_PER_MASK) + role_bit)


def _has(index: int, role_bit: int) -> str:
    """«Had this role in the index-th year», over a group `g`: mentee bits in `e_m*`, mentor bits in
    `m_m*` (NULL — no such role at all — is not true either)."""
    column, value = _bit(index, role_bit)
    prefix = "m" if role_bit == MENTOR_BIT else "e"
    return f"(g.{prefix}_{column} & {value}) <> 0"


def _population_condition(sql: _Sql, population: Population, year: int, index: int) -> str:
    """SQL over a group `g` of people (category, birth year, flags, role masks) for «counted in
    `year`»; adds its params."""
    terms = [f"g.category IN ({sql.placeholders(population.categories)})"]
    if population.flag:
        terms.append(f"g.{population.flag}")
    if population.ages:
        youngest, oldest = population.ages
        born_from, born_to = sql.placeholders([year - oldest]), sql.placeholders([year - youngest])
        terms.append(f"g.birth_year BETWEEN {born_from} AND {born_to}")
    terms.append(
        {
            MENTEE: _has(index, MENTEE_BIT),
            MENTOR: _has(index, MENTOR_BIT),
            IOM: _has(index, IOM_BIT),
            ANY_ROLE: f"({_has(index, MENTEE_BIT)} OR {_has(index, MENTOR_BIT)})",
        }[population.role]
    )
    return " AND ".join(terms)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _masks(sql: _Sql, years: list[int], roles: tuple[tuple[int, str], ...]) -> str:
    """Per-person aggregates of role rows `r`: for each block of years, the OR of the role bits.

    PostgreSQL has BIT_OR; elsewhere the OR of distinct bits is the sum of each bit's MAX.
    """
    active = "r.entry_date <= %s AND (r.end_date IS NULL OR r.end_date >= %s)"
    blocks: dict[str, list[str]] = {}
    for index, year in enumerate(years):
        for role_bit, condition in roles:
            column, value = _bit(index, role_bit)
            blocks.setdefault(column, []).append(f"CASE WHEN {condition}{active} THEN {value} ELSE 0 END")
            sql.params.extend([_date(last_day(year)), _date(first_day(year))])
    if connection.vendor == "postgresql":
        return ", ".join(f"BIT_OR({' + '.join(cases)}) AS {column}" for column, cases in blocks.items())
    return ", ".join(
        f"({' + '.join(f'MAX({case})' for case in cases)}) AS {column}" for column, cases in blocks.items()
    )


def _in_range(sql: _Sql, years: list[int]) -> str:
    sql.params.extend([_date(last_day(max(years))), _date(first_day(min(years)))])
    return "r.entry_date <= %s AND (r.end_date IS NULL OR r.end_date >= %s)"


def _people_statement(
    organisation_ids: list[int], years: list[int], among: list[int]
) -> tuple[_Sql, list[tuple[str, int, str]]]:
    """The statement, and (indicator code, year, result column) for each counted column.

    From the inside out: two per-person summaries of the roles in the pairs of the organisations
    `among` — `e` as a mentee (with the ИОМ bit), `m` as a mentor — each a bit per year, for the
    people of `organisation_ids` (all of `among`, or some of them when only they are counted again);
    joined to those people who have any role; grouped by everything the populations look at
    (organisation, category, birth year of pupils, flags, bits), so that the conditions of the
    indicators are evaluated once per group, not per person; and summed by organisation.
    """
    sql = _Sql()
    columns: list[tuple[str, int, str]] = []
    outer = []
    for index, year in enumerate(years):
        for indicator in PEOPLE_INDICATORS:
            alias = f"c_{indicator.number}_{index}"
            condition = _population_condition(sql, indicator.population, year, index)
            outer.append(f"SUM(CASE WHEN {condition} THEN g.n ELSE 0 END) AS {alias}")
            columns.append((indicator.code, year, alias))
    sql.add("SELECT g.organisation_id AS organisation_id,\n  " + ",\n  ".join(outer))

    person = {name: f"p.{_column(Person, name)}" for name in ("category", "birth_year", *FLAGS)}
    aged = sorted({c for i in PEOPLE_INDICATORS if i.population.ages for c in i.population.categories})
    blocks = sorted({_bit(index, 0)[0] for index in range(len(years))})
    keys = [
        "p.organisation_id AS organisation_id",
        f"{person['category']} AS category",
        # A birth year only matters for the populations with an age: fewer groups.
        f"CASE WHEN {person['category']} IN ({sql.placeholders(aged)}) THEN {person['birth_year']} END AS birth_year",
        *(f"{person[flag]} AS {flag}" for flag in FLAGS),
        *(f"e.{block} AS e_{block}" for block in blocks),
        *(f"m.{block} AS m_{block}" for block in blocks),
    ]
    sql.add(f"FROM (SELECT {', '.join(keys)}, COUNT(*) AS n")
    sql.add(f"FROM {_table(Person)} p")
    pairmentee, pair = _table(PairMentee), _table(MentoringPair)
    masks = _masks(sql, years, ((MENTEE_BIT, ""), (IOM_BIT, "r.iom = 1 AND ")))
    sql.add(
        f"LEFT JOIN (SELECT r.person_id AS person_id, {masks} "
        "FROM (SELECT pm.mentee_id AS person_id, CASE WHEN pm.iom_built THEN 1 ELSE 0 END AS iom, "
        f"pr.entry_date AS entry_date, pr.end_date AS end_date FROM {pairmentee} pm "
        f"INNER JOIN {pair} pr ON pr.id = pm.pair_id "
        f"WHERE pm.organisation_id IN ({sql.placeholders(among)}) "
        # The same organisations again, on the pair (a participation's is its pair's): an index for both.
        f"AND pr.organisation_id IN ({sql.placeholders(among)})"
        f"{_people_of(sql, 'pm.mentee_id', organisation_ids, among)}) r "
        f"WHERE {_in_range(sql, years)} GROUP BY r.person_id) e ON e.person_id = p.id"
    )
    masks = _masks(sql, years, ((MENTOR_BIT, ""),))
    sql.add(
        f"LEFT JOIN (SELECT r.mentor_id AS person_id, {masks} FROM {pair} r "
        f"WHERE r.organisation_id IN ({sql.placeholders(among)}) AND {_in_range(sql, years)}"
        f"{_people_of(sql, 'r.mentor_id', organisation_ids, among)} "
        "GROUP BY r.mentor_id) m ON m.person_id = p.id"
    )
    sql.add(
        f"WHERE p.organisation_id IN ({sql.placeholders(organisation_ids)}) "
        "AND (e.person_id IS NOT NULL OR m.person_id IS NOT NULL)"
    )
    sql.add("GROUP BY " + ", ".join(str(position) for position in range(1, len(keys) + 1)) + ") g")
    sql.add("GROUP BY g.organisation_id")
    return sql, columns


def _people_of(sql: _Sql, column: str, organisation_ids: list[int], among: list[int]) -> str:
    """«… and the person is one of `organisation_ids`'», when they are not all of `among`."""
    if set(organisation_ids) >= set(among):
        return ""
    return (
        f" AND {column} IN (SELECT q.id FROM {_table(Person)} q "
        f"WHERE q.{_column(Person, 'organisation')} IN ({sql.placeholders(organisation_ids)}))"
    )


def _people(organisation_ids: list[int], years: list[int], among: list[int]) -> dict[str, dict[int, dict[int, int]]]:
    """indicator code -> organisation -> year -> people counted (absent: none)."""
    found: dict[str, dict[int, dict[int, int]]] = {indicator.code: {} for indicator in PEOPLE_INDICATORS}
    sql, columns = _people_statement(organisation_ids, years, among)
    text = sql.text
    if connection.vendor == "postgresql":
        # A region's statement is costly enough for PostgreSQL to compile it with JIT, which takes
        # longer (~1.5 s for ten departments) than it saves. SET LOCAL in the same simple query lasts
        # for that query's transaction only (or the request's, under ATOMIC_REQUESTS): one round trip.
        text = "SET LOCAL jit = off;\n" + text
    with connection.cursor() as cursor:
        cursor.execute(text, sql.params)
        names = [column[0] for column in cursor.description]
        for row in cursor.fetchall():
            values = dict(zip(names, row, strict=False))
            organisation_id = values["organisation_id"]
            for code, year, alias in columns:
                if values[alias]:
                    found[code].setdefault(organisation_id, {})[year] = int(values[alias])
    return found


def empty() -> dict:
    return {"version": FACTS_VERSION, "counts": {}, "contingent": {name: {} for name in COUNT_FIELDS}}


def collect(organisation_ids: list[int], years: list[int], *, among: list[int] | None = None) -> dict:
    """Every number the table and the breakdown need for these organisations (four queries; none
    when there are no years or no organisations).

    People's roles are read from the pairs of the organisations `among` (the departments asked
    about; by default `organisation_ids` themselves), so the facts of some organisations of a
    department are exactly their share of the department's facts (`split`, `merge`).
    """
    if not years or not organisation_ids:
        return empty()
    among = sorted(set(among or organisation_ids) | set(organisation_ids))
    counts = {"orgs_share": _pairs(organisation_ids, years), "programs_count": _programs(organisation_ids, years)}
    counts.update(_people(organisation_ids, years, among))
    return {"version": FACTS_VERSION, "counts": counts, "contingent": _contingents(organisation_ids, years)}


def split(facts: dict, organisation_ids: list[int]) -> dict[int, dict]:
    """The facts of each organisation on its own (every fact belongs to one organisation)."""
    parts = {pk: empty() for pk in organisation_ids}
    for section in ("counts", "contingent"):
        for name, by_organisation in facts[section].items():
            for pk, numbers in by_organisation.items():
                parts[pk][section].setdefault(name, {})[pk] = numbers
    return parts


def merge(parts) -> dict:
    """The facts of several organisations together: the inverse of `split`."""
    facts = empty()
    for part in parts:
        for section in ("counts", "contingent"):
            for name, by_organisation in part[section].items():
                facts[section].setdefault(name, {}).update(by_organisation)
    return facts


# --- The drill-down: the same rules as querysets ----------------------------------------------------


def _pairs_of(organisations: QuerySet, year: int) -> QuerySet:
    return MentoringPair.objects.active_in_year(year).filter(organisation__in=organisations)


def _mentee_ids(organisations: QuerySet, year: int, *, iom: bool = False) -> QuerySet:
    participations = PairMentee.objects.filter(pair__in=_pairs_of(organisations, year))
    if iom:
        participations = participations.filter(iom_built=True)
    return participations.order_by().values("mentee_id")


def _mentor_ids(organisations: QuerySet, year: int) -> QuerySet:
    return _pairs_of(organisations, year).order_by().values("mentor_id")


def population_q(population: Population, year: int, organisations: QuerySet) -> Q:
    """The people of `population` counted in `year` through the pairs of `organisations`, as a filter
    on Person (the caller keeps the people of the organisations, as the table does)."""
    condition = Q(category__in=list(population.categories))
    if population.flag:
        condition &= Q(**{population.flag: True})
    if population.ages:
        youngest, oldest = population.ages
        condition &= Q(birth_year__gte=year - oldest, birth_year__lte=year - youngest)
    mentees = lambda: Q(pk__in=_mentee_ids(organisations, year))  # noqa: E731
    mentors = lambda: Q(pk__in=_mentor_ids(organisations, year))  # noqa: E731
    role = {
        MENTEE: mentees,
        MENTOR: mentors,
        IOM: lambda: Q(pk__in=_mentee_ids(organisations, year, iom=True)),
        ANY_ROLE: lambda: mentees() | mentors(),
    }[population.role]()
    return condition & role


def organisations_with_pairs(organisations: QuerySet, year: int) -> QuerySet:
    active = MentoringPair.objects.active_in_year(year).filter(organisation=OuterRef("pk"))
    return organisations.filter(Exists(active))


def programs_running(programs: QuerySet, year: int) -> QuerySet:
    return programs.filter(program_runs_in_year(year))
