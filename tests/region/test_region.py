"""The region, end to end through its pages: the coordinator reads the consolidated table and the breakdown by
municipality (counts only, no person's name anywhere), opens a regional collection, each department's methodist
answers with a snapshot, and the consolidation of the snapshots stays as sent whatever is edited afterwards."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from monitoring.indicators import default_years, indicator_table
from monitoring.models import Contingent
from region.models import RegionalAnswer, RegionalCollection
from registry.models import EducationDepartment, Person
from reporting.models import Collection, Snapshot
from tests import factories
from tests.conftest import client_for

YEAR = 2025


@pytest.fixture
def region(world):
    """Departments A and B both in the world's region, each with pairs and a contingent."""
    EducationDepartment.objects.filter(pk=world.department_b.pk).update(in_region=world.region)
    for organisation, pairs in ((world.school_a1, 3), (world.school_a2, 1), (world.school_b1, 2)):
        for number in range(pairs):
            mentor = factories.student(
                organisation, last_name=f"Наставникова{organisation.code}{number}", birth_year=2008
            )
            mentee = factories.student(organisation, last_name=f"Ученикова{organisation.code}{number}", birth_year=2012)
            factories.pair(mentor, [mentee], entry_date=date(YEAR, 2, 1))
        Contingent.objects.create(organisation=organisation, year=YEAR, students_total=100, students_10_18=60)
    return world


def coordinator(world):
    return client_for(world, "coordinator")


def figures(table_rows):
    """{indicator code: {year: (value, numerator, denominator)}} of a table's rows or a consolidation's."""
    found = {}
    for row in table_rows:
        indicator, cells = (row.indicator, row.cells) if hasattr(row, "indicator") else row
        found[indicator.code] = {
            year: (cell.value, cell.numerator, cell.denominator) if cell else None for year, cell in cells.items()
        }
    return found


def take_snapshot(world, department, methodist, django_capture_on_commit_callbacks, first=YEAR, last=YEAR):
    collection = Collection.objects.create(
        department=department,
        title=f"Сбор {department.code}",
        deadline=date(2027, 5, 20),
        first_year=first,
        last_year=last,
        requirements=[],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world, methodist).post(reverse("collection_close", args=[collection.pk]))
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(collection=collection)
    assert snapshot.is_taken
    return snapshot


def test_the_coordinator_reads_the_consolidated_table_and_each_municipality_without_a_name(region):
    page = coordinator(region).get(reverse("region_overview"), {"first": YEAR, "last": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    both = [region.department_a, region.department_b]
    live = figures(indicator_table(both, [YEAR]).rows)
    assert figures(page.context["consolidated"].rows) == live
    by_municipality = dict(page.context["breakdown"])
    assert by_municipality[region.department_a][YEAR].numerator == 4  # mentees of A: 3 + 1 pairs
    assert by_municipality[region.department_b][YEAR].numerator == 2
    assert "Кедровский округ" in html and "Заречный район" in html
    for person in Person.objects.all():
        assert person.last_name not in html, "the region sees no person's name"
    # The department's own pages stay closed to the coordinator: no role in any department.
    client = coordinator(region)
    assert client.get(reverse("person_list")).status_code in (200, 403)
    assert not any(p.last_name in client.get(reverse("person_list")).content.decode() for p in Person.objects.all())
    assert client.get(reverse("person_detail", args=[Person.objects.first().pk])).status_code == 404
    assert client.get(reverse("indicators")).status_code == 403


def test_home_takes_the_coordinator_to_the_region(world):
    response = coordinator(world).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("region_overview")
    assert client_for(world, "methodist_a").get(reverse("home")).status_code == 200
    page = coordinator(world).get(reverse("region_overview")).content.decode()
    assert "Сборы региона" in page  # in the menu


def test_a_regional_collection_answered_with_snapshots_and_frozen(region, django_capture_on_commit_callbacks):
    client = coordinator(region)
    response = client.post(
        reverse("region_collection_create"),
        {"title": "Мониторинг ЦМН региона, июнь 2027", "deadline": "20.06.2027", "first_year": YEAR, "last_year": YEAR},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    collection = RegionalCollection.objects.get()
    # Methodist A sees it and answers with a snapshot of the own department.
    snapshot_a = take_snapshot(region, region.department_a, "methodist_a", django_capture_on_commit_callbacks)
    methodist = client_for(region, "methodist_a")
    assert "Мониторинг ЦМН региона" in methodist.get(reverse("region_collection_list")).content.decode()
    form = methodist.get(reverse("region_collection_answer", args=[collection.pk]))
    assert list(form.context["form"].fields["snapshot"].queryset) == [snapshot_a]
    assert (
        methodist.post(
            reverse("region_collection_answer", args=[collection.pk]), {"snapshot": snapshot_a.pk}
        ).status_code
        == 302
    )
    answer = RegionalAnswer.objects.get()
    assert answer.department == region.department_a and answer.snapshot == snapshot_a

    # Methodist B has no snapshot yet: B is missing from the consolidation, named.
    page = client.get(reverse("region_collection_detail", args=[collection.pk]))
    assert [d.pk for d in page.context["consolidated"].missing] == [region.department_b.pk]
    snapshot_b = take_snapshot(region, region.department_b, "methodist_b", django_capture_on_commit_callbacks)
    client_for(region, "methodist_b").post(
        reverse("region_collection_answer", args=[collection.pk]), {"snapshot": snapshot_b.pk}
    )
    page = client.get(reverse("region_collection_detail", args=[collection.pk]))
    consolidated = page.context["consolidated"]
    assert consolidated.missing == []
    both = [region.department_a, region.department_b]
    assert figures(consolidated.rows) == figures(indicator_table(both, [YEAR], cached=False).rows)

    # A pair added afterwards changes the live table, never what was sent.
    factories.pair(
        factories.student(region.school_b1, birth_year=2008),
        [factories.student(region.school_b1, birth_year=2012)],
        entry_date=date(YEAR, 3, 1),
    )
    after = client.get(reverse("region_collection_detail", args=[collection.pk])).context["consolidated"]
    assert figures(after.rows) == figures(consolidated.rows)
    assert figures(after.rows) != figures(indicator_table(both, [YEAR], cached=False).rows)
    html = client.get(reverse("region_collection_detail", args=[collection.pk])).content.decode()
    for person in Person.objects.all():
        assert person.last_name not in html
    assert region.methodist_a.last_name not in html, "nor who answered"

    # Closing freezes the answers.
    assert client.post(reverse("region_collection_close", args=[collection.pk])).status_code == 302
    refused = methodist.post(reverse("region_collection_answer", args=[collection.pk]), {"snapshot": snapshot_a.pk})
    assert refused.status_code == 302 and RegionalAnswer.objects.count() == 2


def test_an_answer_is_refused_with_a_foreign_or_short_snapshot(region, django_capture_on_commit_callbacks):
    collection = RegionalCollection.objects.create(
        region=region.region, title="Сбор за два года", deadline=date(2027, 6, 1), first_year=YEAR - 1, last_year=YEAR
    )
    short = take_snapshot(region, region.department_a, "methodist_a", django_capture_on_commit_callbacks)
    foreign = take_snapshot(region, region.department_b, "methodist_b", django_capture_on_commit_callbacks)
    methodist = client_for(region, "methodist_a")
    page = methodist.get(reverse("region_collection_answer", args=[collection.pk]))
    assert "Нет снимка, в котором есть все годы" in page.content.decode()
    for snapshot in (short, foreign):
        response = methodist.post(reverse("region_collection_answer", args=[collection.pk]), {"snapshot": snapshot.pk})
        assert response.status_code == 200
    assert RegionalAnswer.objects.count() == 0
    # Head A, curator A1 may not answer; the coordinator may not answer for a department.
    for persona in ("head_a", "curator_a1", "coordinator"):
        response = client_for(region, persona).post(
            reverse("region_collection_answer", args=[collection.pk]), {"snapshot": short.pk}
        )
        assert response.status_code in (403, 404), persona
    assert RegionalAnswer.objects.count() == 0


def test_late_municipalities_are_named_on_the_overview(region, django_capture_on_commit_callbacks):
    EducationDepartment.objects.filter(pk=region.department_b.pk).update(in_region=region.region)
    RegionalCollection.objects.create(
        region=region.region,
        title="Просроченный сбор",
        deadline=timezone.localdate() - timedelta(days=1),
        first_year=YEAR,
        last_year=YEAR,
    )
    RegionalCollection.objects.create(
        region=region.region,
        title="Идущий сбор",
        deadline=timezone.localdate() + timedelta(days=5),
        first_year=YEAR,
        last_year=YEAR,
    )
    page = coordinator(region).get(reverse("region_overview"))
    rows = {department.pk: standing for department, _snapshot, standing in page.context["rows"]}
    assert [(one.collection.title, one.late, one.answered) for one in rows[region.department_a.pk]] == [
        ("Просроченный сбор", True, False),
        ("Идущий сбор", False, False),
    ]
    assert page.context["late_count"] == 2
    html = page.content.decode()
    assert "просрочен" in html and "ждём до" in html


def test_a_collection_of_another_region_is_not_found(region):
    from registry.models import Region

    other = Region.objects.create(code="other", name="Другой регион")
    collection = RegionalCollection.objects.create(
        region=other, title="Чужой сбор", deadline=date(2027, 6, 1), first_year=YEAR, last_year=YEAR
    )
    for persona in ("coordinator", "methodist_a"):
        assert (
            client_for(region, persona).get(reverse("region_collection_detail", args=[collection.pk])).status_code
            == 404
        )


def test_indicators_command_prints_the_consolidated_table_of_a_region(region):
    out = StringIO()
    call_command("indicators", "--region", "kedr-obl", "--years", str(YEAR), "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    both = indicator_table([region.department_a, region.department_b], [YEAR])
    share = next(row for row in printed["indicators"] if row["code"] == both.rows[2][0].code)
    assert share["values"][str(YEAR)]["numerator"] == both.rows[2][1][YEAR].numerator
    with pytest.raises(CommandError, match="Нет региона с кодом «nowhere»"):
        call_command("indicators", "--region", "nowhere", stdout=StringIO())
    with pytest.raises(CommandError, match="--department или --region"):
        call_command("indicators", stdout=StringIO())


def test_the_overview_reads_a_fixed_number_of_queries_whatever_the_municipalities(region):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = coordinator(region)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("region_overview"), {"first": YEAR, "last": YEAR}).status_code == 200
        return len(captured)

    computed = queries()  # the facts counted and kept
    kept = queries()  # read from the cache
    third = factories.EducationDepartmentFactory(code="third", municipality="Третий район", in_region=region.region)
    school = factories.OrganisationFactory(department=third, code="t1")
    factories.pair(factories.student(school, birth_year=2008), [factories.student(school, birth_year=2012)])
    assert queries() <= computed + 1  # the new municipality's facts counted
    assert queries() == kept, "a municipality more costs no query more"
    assert kept <= 16, kept


def test_wrong_years_are_explained_and_the_years_of_the_data_shown(region):
    page = coordinator(region).get(reverse("region_overview"), {"first": YEAR, "last": YEAR - 3})
    assert page.status_code == 200
    assert "Последний год не может быть раньше первого." in page.content.decode()
    assert page.context["years"] == default_years([region.department_a, region.department_b])
