"""Fixtures shared by the security stories: the world of the real forms (tests/security/hostile/forms_world.py)."""

from __future__ import annotations

import pytest

from registry.models import MentoringFormat
from roadmap.models import ResponsibleKind
from tests import factories
from tests.roadmap.conftest import make_roadmap
from tests.security.hostile.forms_world import FormWorld


@pytest.fixture
def form_world(world) -> FormWorld:
    person = factories.student(world.school_a1, last_name="Наставников", birth_year=2008)
    pair = factories.pair(person, [factories.student(world.school_a1, last_name="Учеников")])
    roadmap = make_roadmap(
        world.department_a,
        period_text="2025",
        items=[("1.1.", "Приказ", "До 01.05.2025", ResponsibleKind.ORGANISATION)],
    )
    item = roadmap.items.get()
    return FormWorld(
        world,
        person,
        pair,
        factories.ProgramFactory(organisation=world.school_a1),
        MentoringFormat.objects.create(department=world.department_a, name="своя форма"),
        roadmap,
        roadmap.sections.get(),
        item,
        item.occurrences.get(),
    )
