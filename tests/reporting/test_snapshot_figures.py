"""A snapshot reads the department's facts once for its table and every breakdown (reporting/snapshots.py
`figures_of`): the figures are those of the monitoring's own `indicator_table` and `breakdown`, computed
one by one without the cache, and the queries do not grow with the indicators and years."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.indicators import INDICATORS, breakdown, indicator_table
from monitoring.models import Contingent
from reporting.models import Collection
from reporting.snapshots import _number, breakdown_data, figures_of, table_data
from tests import factories

pytestmark = pytest.mark.django_db


def add_pair(organisation, entry: date, end: date | None = None) -> None:
    mentor = factories.student(organisation, birth_year=2008)
    pair = factories.pair(mentor, [factories.student(organisation, birth_year=2012)], entry_date=entry)
    if end is not None:
        type(pair).objects.filter(pk=pair.pk).update(end_date=end)


def test_the_snapshot_figures_are_the_tables_and_breakdowns_computed_one_by_one(world):
    for year, total in ((2024, 400), (2025, 500)):
        Contingent.objects.create(organisation=world.school_a1, year=year, students_total=total, students_10_18=300)
    Contingent.objects.create(organisation=world.school_a2, year=2025, students_total=200, students_10_18=90)
    add_pair(world.school_a1, date(2024, 9, 1), end=date(2025, 5, 31))
    add_pair(world.school_a1, date(2025, 9, 15))
    add_pair(world.school_a2, date(2023, 10, 1))
    collection = Collection(department=world.department_a, title="Сбор", first_year=2023, last_year=2025)

    with CaptureQueriesContext(connection) as captured:
        table, breakdowns = figures_of(collection)
    assert len(captured) == 5, "the organisations and the four queries of the facts"

    assert table_data(table) == table_data(indicator_table([world.department_a], collection.years, cached=False))
    expected = {
        indicator.code: {
            str(year): [
                {
                    "organisation_id": part.organisation.pk,
                    "organisation": part.organisation.short_name,
                    "value": _number(part.cell.value),
                    "numerator": part.cell.numerator,
                    "denominator": part.cell.denominator,
                }
                for part in breakdown([world.department_a], indicator.code, year, cached=False)
            ]
            for year in collection.years
        }
        for indicator in INDICATORS
    }
    found = breakdown_data(collection, breakdowns)
    assert found == expected
    a1 = next(row for row in found["students_mentees_share"]["2025"] if row["organisation_id"] == world.school_a1.pk)
    assert a1["value"] is not None and a1["denominator"] == 300, "a share with its contingent, not only blanks"
