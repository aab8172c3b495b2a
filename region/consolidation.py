"""The region's figures: the consolidated indicator table and its breakdown by municipality, computed from
the registry or read from the snapshots the departments sent.

Every figure here is a count or a share; nothing reads a person's row (the indicator facts are grouped in the
database, monitoring/indicators/figures.py; a snapshot holds the same numbers as plain JSON). A share summed
over municipalities is the sum of the numerators over the sum of the denominators of those that reported the
contingent — the same rule the department's own table follows over its organisations — so the consolidation of
unchanged snapshots equals the table computed from the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from monitoring.indicators import INDICATORS, Cell, Indicator, percent, region_tables
from registry.models import EducationDepartment
from reporting.models import Snapshot


@dataclass
class Row:
    """One indicator: the region's cell per year, and each municipality's."""

    indicator: Indicator
    cells: dict[int, Cell | None]
    by_department: dict[int, dict[int, Cell | None]] = field(default_factory=dict)


@dataclass
class Consolidated:
    years: list[int]
    departments: list[EducationDepartment]
    rows: list[Row]
    missing: list[EducationDepartment] = field(default_factory=list)  # no snapshot counted


def computed(departments: list[EducationDepartment], years: Iterable[int], *, cached: bool = True) -> Consolidated:
    """From the registry: the region's table and each department's, from one set of facts (kept in the cache
    per organisation, so a change in one school counts only that school again)."""
    years = sorted(set(years))
    region, tables = region_tables(departments, years, cached=cached)
    rows = []
    for index, (indicator, cells) in enumerate(region.rows):
        by_department: dict[int, dict[int, Cell | None]] = {
            pk: dict(table.rows[index][1]) for pk, table in tables.items()
        }
        rows.append(Row(indicator, dict(cells), by_department))
    return Consolidated(years, departments, rows)


def _cell_of(stored: dict | None) -> Cell | None:
    """A snapshot's stored cell as a Cell; None when the snapshot has no such year."""
    if stored is None:
        return None
    value = stored.get("value")
    return Cell(
        numerator=stored.get("numerator"),
        denominator=stored.get("denominator"),
        value=Decimal(value) if value is not None else None,
        reported=stored.get("reported") or 0,
        organisations=stored.get("organisations") or 0,
    )


def _sum(indicator: Indicator, cells: list[Cell]) -> Cell:
    """The region's cell from the municipalities' cells (the rule of monitoring's `_cell` over organisations)."""
    organisations = sum(cell.organisations for cell in cells)
    if indicator.code == "orgs_share":
        running = sum(cell.numerator or 0 for cell in cells)
        return Cell(running, organisations, percent(running, organisations), organisations, organisations, running)
    if not indicator.needs_contingent:
        count = sum(cell.numerator or 0 for cell in cells)
        return Cell(count, None, Decimal(count), organisations, organisations, count)
    reporting = [cell for cell in cells if cell.denominator is not None]
    if not reporting:
        return Cell(None, None, None, 0, organisations)
    numerator = sum(cell.numerator or 0 for cell in reporting)
    denominator = sum(cell.denominator or 0 for cell in reporting)
    reported = sum(cell.reported for cell in reporting)
    return Cell(numerator, denominator, percent(numerator, denominator), reported, organisations)


def from_snapshots(
    departments: list[EducationDepartment], snapshots: dict[int, Snapshot], years: Iterable[int]
) -> Consolidated:
    """From the snapshots (department pk -> its snapshot): no query. A municipality without a snapshot, or
    whose snapshot lacks a year, is left out of that sum and named in `missing`."""
    years = sorted(set(years))
    stored = {
        pk: {row["code"]: row.get("cells", {}) for row in snapshot.data.get("indicators", [])}
        for pk, snapshot in snapshots.items()
    }
    rows = []
    for indicator in INDICATORS:
        by_department = {
            department.pk: {
                year: _cell_of(stored.get(department.pk, {}).get(indicator.code, {}).get(str(year))) for year in years
            }
            for department in departments
        }
        cells: dict[int, Cell | None] = {}
        for year in years:
            present = [cell for cells_ in by_department.values() if (cell := cells_[year]) is not None]
            cells[year] = _sum(indicator, present) if present else None
        rows.append(Row(indicator, cells, by_department))
    missing = [
        department
        for department in departments
        if department.pk not in snapshots
        or any(str(year) not in (stored[department.pk].get(INDICATORS[0].code) or {}) for year in years)
    ]
    return Consolidated(years, departments, rows, missing)
