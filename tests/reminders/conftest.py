"""The reminder stories: department A's roadmaps around today (tests/roadmap/conftest.py), and a school
with something of every other kind to be reminded of."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from monitoring.models import Contingent
from tests import factories
from tests.roadmap.conftest import roadmaps  # noqa: F401 — the fixture, shared


@dataclass
class Troubles:
    late_pair: object  # school A1: active, past its planned end
    minor: object  # school A1: a pupil without consent


@pytest.fixture
def troubles(world) -> Troubles:
    """School A1: a pair past its planned end and a minor without consent; no contingent this year.
    School A2: its contingent entered, nothing else. Department B's school: all three."""
    today = timezone.localdate()
    year = today.year
    mentor = factories.teacher(world.school_a1, last_name="Наставникова")
    minor = factories.student(world.school_a1, last_name="Несогласнов", birth_year=year - 12)
    late_pair = factories.pair(
        mentor,
        [minor],
        format_name="студент – ученик",
        entry_date=today - timedelta(days=300),
        planned_end_date=today - timedelta(days=10),
    )
    Contingent.objects.create(organisation=world.school_a2, year=year, students_total=400)
    outsider = factories.student(world.school_b1, last_name="Чужаков", birth_year=year - 12)
    factories.pair(
        factories.teacher(world.school_b1),
        [outsider],
        format_name="студент – ученик",
        entry_date=today - timedelta(days=300),
        planned_end_date=today - timedelta(days=10),
    )
    return Troubles(late_pair=late_pair, minor=minor)


def settle_contingents(world, *schools) -> None:
    """This year's contingent entered for the schools (none left to remind of)."""
    for school in schools or (world.school_a1, world.school_a2, world.school_b1):
        Contingent.objects.get_or_create(organisation=school, year=timezone.localdate().year)
