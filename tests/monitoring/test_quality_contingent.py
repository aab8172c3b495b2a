"""«Участников больше, чем в контингенте» on the data-quality page: a school whose counted people outnumber
the contingent it reported is listed with what does not add up, until its contingent is put right."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Contingent
from registry import quality
from tests import factories

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


def pupils_in_a_pair(school, mentees: int):
    """A pupil mentor of 16 with `mentees` pupils of 12, in a pair that entered a month ago."""
    mentor = factories.student(school, birth_year=this_year() - 16)
    pupils = [factories.student(school, birth_year=this_year() - 12) for _ in range(mentees)]
    return factories.pair(mentor, pupils, entry_date=timezone.localdate() - timedelta(days=30))


def section(response):
    [found] = [s for s in response.context["sections"] if s.check.slug == "contingent_exceeded"]
    return found


def test_a_contingent_smaller_than_the_mentees_counted_is_listed_with_the_figures(world, as_persona):
    pupils_in_a_pair(world.school_a1, mentees=3)
    pupils_in_a_pair(world.school_a2, mentees=3)
    Contingent.objects.create(organisation=world.school_a1, year=this_year(), students_10_18=2)
    Contingent.objects.create(organisation=world.school_a2, year=this_year(), students_10_18=300)

    response = as_persona("methodist_a").get(reverse("quality"))

    found = section(response)
    assert found.count == 1
    [row] = found.rows
    assert (row.organisation, row.year) == (world.school_a1, this_year())
    [(indicator, cell)] = row.excesses
    assert (indicator.number, cell.numerator, cell.denominator) == (3, 3, 2)
    html = response.content.decode()
    assert "Участников больше, чем в контингенте" in html
    assert "учтено <strong>3</strong> при контингенте 2 (150,0 %)" in html
    assert reverse("contingent_edit", args=[world.school_a1.pk, this_year()]) in html


def test_the_contingent_put_right_clears_the_school_from_the_check(world, as_persona):
    pupils_in_a_pair(world.school_a1, mentees=3)
    Contingent.objects.create(organisation=world.school_a1, year=this_year(), students_10_18=2)
    curator = as_persona("curator_a1")
    assert section(curator.get(reverse("quality"))).count == 1

    url = reverse("contingent_edit", args=[world.school_a1.pk, this_year()])
    version = curator.get(url).context["form"]["version"].value()
    response = curator.post(url, {"students_10_18": 40, "version": version})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert section(curator.get(reverse("quality"))).count == 0


def test_more_pupils_in_pairs_after_the_contingent_shows_at_once(world, as_persona):
    Contingent.objects.create(organisation=world.school_a1, year=this_year(), students_10_18=2)
    methodist = as_persona("methodist_a")
    assert section(methodist.get(reverse("quality"))).count == 0

    pupils_in_a_pair(world.school_a1, mentees=3)

    assert section(methodist.get(reverse("quality"))).count == 1


def test_a_curator_sees_only_the_own_schools_contingent(world, as_persona):
    for school in (world.school_a1, world.school_a2):
        pupils_in_a_pair(school, mentees=2)
        Contingent.objects.create(organisation=school, year=this_year(), students_10_18=1)

    rows = section(as_persona("curator_a2").get(reverse("quality"))).rows
    assert [row.organisation for row in rows] == [world.school_a2]
    assert section(as_persona("methodist_b").get(reverse("quality"))).count == 0


def test_the_check_is_registered_after_the_registrys_own():
    assert quality.CHECKS[-1].slug == "contingent_exceeded"
    assert quality.CHECKS_BY_SLUG["contingent_exceeded"] in quality.per_organisation()
