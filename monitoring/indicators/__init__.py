"""The monitoring's indicators: the table municipalities publish, by calendar year.

    INDICATORS                                  the eight, in the published order (definitions.py)
    default_years(departments)                  the years the data covers
    indicator_table(departments, years)         IndicatorTable: a Cell per indicator and year
    breakdown(departments, code, year)          [OrgCell] for every organisation of the departments
    region_tables(departments, years)           the table of them all and each one's, from one set of facts
    table_and_breakdowns(departments, years)    the table and every breakdown, from one set of facts (a snapshot)
    drilldown(departments, code, year[, org])   the people (organisations, programs) a cell counts
    impossible_cells(organisation_ids)          each organisation's shares over 100 % (the quality check)

`departments` is one EducationDepartment, a list of them (a region) or a queryset; callers pass
what the user may see (registry/access.py). The numbers are computed in the database with a fixed
number of queries (figures.py) and kept in the cache until the data of one of the organisations
changes (registry/freshness.py; a saved Contingent or MentoringProgram gives its organisation a new
version, monitoring/models.py).
"""

from monitoring.indicators.definitions import BY_CODE, INDICATORS, Indicator, Population, get_indicator
from monitoring.indicators.table import (
    Cell,
    IndicatorTable,
    OrgCell,
    breakdown,
    default_years,
    drilldown,
    drilldown_count,
    impossible_cells,
    indicator_table,
    percent,
    region_tables,
    table_and_breakdowns,
)

__all__ = [
    "BY_CODE",
    "Cell",
    "INDICATORS",
    "Indicator",
    "IndicatorTable",
    "OrgCell",
    "Population",
    "breakdown",
    "default_years",
    "drilldown",
    "drilldown_count",
    "impossible_cells",
    "get_indicator",
    "indicator_table",
    "percent",
    "region_tables",
    "table_and_breakdowns",
]
