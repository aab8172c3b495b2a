"""The demo roadmaps: the district's approved roadmap (a real published table) for the 2026–2027
academic year with some execution marked, and its copy as school № 1's own roadmap.

Added only while the department has no roadmap, so running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from registry.models import EducationDepartment, Organisation, User
from roadmap import services
from roadmap.deadlines import parse_period
from roadmap.models import Occurrence, Roadmap, Status
from roadmap.reading import read_roadmap

SOURCE = settings.BASE_DIR / "fixtures" / "roadmaps" / "district-2022-2024.tsv"
TITLE = "Дорожная карта внедрения целевой модели наставничества в Кедровском округе"


@transaction.atomic
def fill(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None) -> bool:
    if Roadmap.objects.filter(department=department).exists():
        return False
    period = parse_period("2026–2027 учебный год")
    draft = read_roadmap(text=SOURCE.read_text(encoding="utf-8"))
    roadmap = services.save_draft(
        draft,
        owner=services.Owner(department),
        title=TITLE,
        period=period,
        user=methodist,
        order_number="412-о",
        order_date=date(2026, 8, 28),
    )
    # September: the working group approved by two schools out of five, with their orders.
    first = roadmap.items.get(number="1.1.")
    for code, day in (("sosh1", date(2026, 9, 10)), ("gimn2", date(2026, 9, 25))):
        Occurrence.objects.filter(item=first, organisation=organisations[code]).update(
            status=Status.DONE,
            done_on=day,
            comment="Приказ ОО о рабочей группе",
            evidence_url=f"https://{code}.example.invalid/nastavnichestvo/prikaz",
            updated_by=methodist,
        )
    Occurrence.objects.filter(item=first, organisation=organisations["sosh3"]).update(
        status=Status.IN_PROGRESS,
        comment="Проект приказа на согласовании",
        updated_by=methodist,
    )
    # October monitoring of the municipality: done, with its analytic report.
    Occurrence.objects.filter(item__roadmap=roadmap, item__number="4.1.", key__endswith="-10").update(
        status=Status.DONE,
        done_on=date(2026, 10, 30),
        comment="Аналитическая справка по итогам мониторинга",
        updated_by=methodist,
    )
    services.copy_roadmap(
        roadmap,
        owner=services.Owner(department, organisations["sosh1"]),
        period=period,
        user=methodist,
        title="Дорожная карта внедрения целевой модели наставничества в МБОУ СОШ № 1",
    )
    return True
