"""Roadmaps of department A for the roadmap tests, with deadlines placed around today."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from roadmap import services
from roadmap.deadlines import parse_period
from roadmap.models import ResponsibleKind, Roadmap, RoadmapItem, Section


def make_roadmap(department, organisation=None, *, period_text=None, items=(), title="Дорожная карта") -> Roadmap:
    """A roadmap with one section and the given items: (number, content, deadline text, responsible kind)."""
    period = parse_period(period_text or str(timezone.localdate().year))
    roadmap = Roadmap.objects.create(
        department=department,
        organisation=organisation,
        title=title,
        period_text=period.label,
        period_start=period.start,
        period_end=period.end,
        period_academic=period.academic,
    )
    section = Section.objects.create(roadmap=roadmap, position=0, number="1.", title="Организационные мероприятия")
    for position, (number, content, deadline, kind) in enumerate(items):
        item = RoadmapItem(
            roadmap=roadmap,
            section=section,
            position=position,
            number=number,
            content=content,
            deadline_text=deadline,
            responsible_kind=kind,
            responsible="МБУ «ИМЦ»",
        )
        services.apply_deadline(item, roadmap.period)
        item.save()
    services.sync_occurrences(roadmap)
    return roadmap


def ddmmyyyy(day: date) -> str:
    return f"{day:%d.%m.%Y}"


@dataclass
class Roadmaps:
    municipal: Roadmap
    school_a1: Roadmap
    overdue: RoadmapItem  # municipal, its own, due 5 days ago
    soon: RoadmapItem  # municipal, its own, due in 10 days
    each: RoadmapItem  # municipal, every organisation, due in 10 days
    undated: RoadmapItem  # «По необходимости»
    school_item: RoadmapItem  # school A1's own item, due 3 days ago


@pytest.fixture
def roadmaps(world) -> Roadmaps:
    today = timezone.localdate()
    # A period around today whatever the date: last year to next year.
    period = f"{today.year - 1}–{today.year + 1} гг."
    municipal = make_roadmap(
        world.department_a,
        period_text=period,
        title="Муниципальная дорожная карта",
        items=[
            (
                "1.1.",
                "Утверждение рабочей группы",
                f"До {ddmmyyyy(today - timedelta(days=5))}",
                ResponsibleKind.ORGANISATION,
            ),
            (
                "1.2.",
                "Совещание кураторов",
                f"до {ddmmyyyy(today + timedelta(days=10))} г.",
                ResponsibleKind.ORGANISATION,
            ),
            (
                "1.3.",
                "Приказ ОО о наставничестве",
                f"До {ddmmyyyy(today + timedelta(days=10))}",
                ResponsibleKind.EACH_ORGANISATION,
            ),
            ("1.4.", "Корректировка положения", "По необходимости", ResponsibleKind.ORGANISATION),
        ],
    )
    school = make_roadmap(
        world.department_a,
        world.school_a1,
        period_text=period,
        title="Дорожная карта СОШ № 1",
        items=[("1.", "Назначение куратора", f"До {ddmmyyyy(today - timedelta(days=3))}", ResponsibleKind.PEOPLE)],
    )
    items = list(municipal.items.order_by("position"))
    return Roadmaps(municipal, school, *items, school.items.get())


def signed_version(client, url: str) -> dict:
    """The form's signed version field, as the browser sends it back (django-concurrency)."""
    return {"version": client.get(url).context["form"]["version"].value()}
