"""The demo events: courses and «Школа молодого педагога» that trained some of the mentors (hours), the
contest «Наставник года» with its winner and prize winners, a school seminar, a council of mentors, and the
municipal festival of mentoring pairs that held item 3.1 of the demo roadmap (a document, marked held: the
item's occurrence is done with the festival as its evidence). Some mentors stay untrained, so the check
«Наставники без обучения» has rows.

Added only while the department has no events, so running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from events import services
from events.models import Event, EventKind, EventParticipant, Level, Result
from registry.models import EducationDepartment, MentoringPair, Organisation, User
from roadmap.models import Occurrence, Roadmap

DOCUMENT = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _kind(name: str) -> EventKind:
    return EventKind.objects.get(department=None, name=name)


def _event(department: EducationDepartment, kind: str, title: str, start: date, end: date, **fields) -> Event:
    return Event.objects.create(
        department=department, kind=_kind(kind), title=title, start_date=start, end_date=end, **fields
    )


@transaction.atomic
def fill(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None) -> bool:
    if Event.objects.filter(department=department).exists():
        return False
    today = timezone.localdate()
    pairs = list(
        MentoringPair.objects.filter(organisation__department=department, end_date__isnull=True)
        .select_related("mentor")
        .order_by("organisation__code", "pk")
    )
    mentors = list({pair.mentor_id: pair.mentor for pair in pairs}.values())

    courses = _event(
        department,
        "Курсы повышения квалификации",
        "Наставничество в образовательной организации: технологии и практики",
        date(2025, 10, 6),
        date(2025, 10, 17),
        level=Level.REGIONAL,
        organiser="Институт развития образования Амурской области",
        description="Курсы повышения квалификации для наставников и кураторов, 36 часов, с итоговой аттестацией.",
    )
    for mentor in mentors[: len(mentors) // 2]:
        EventParticipant.objects.create(event=courses, person=mentor, training_hours=36)

    school = _event(
        department,
        "Школа молодого педагога",
        "Школа молодого педагога: занятие «Первый год в профессии»",
        date(2026, 3, 24),
        date(2026, 3, 24),
        organiser="МБУ «ИМЦ»",
        description="Встреча молодых педагогов и их наставников: разбор уроков, планирование года.",
    )
    for pair in pairs[:3]:
        EventParticipant.objects.create(event=school, pair=pair, training_hours=6)

    contest = _event(
        department,
        "Конкурс",
        "Наставник года — 2026",
        date(2026, 4, 1),
        date(2026, 4, 28),
        organiser="Управление образования",
        description="Муниципальный этап конкурса профессионального мастерства наставников.",
    )
    results = [Result.WINNER, Result.PRIZE_WINNER, Result.PRIZE_WINNER, Result.LAUREATE, Result.PARTICIPANT]
    for mentor, result in zip(mentors[1:], results, strict=False):
        EventParticipant.objects.create(event=contest, person=mentor, result=result)

    sosh1 = organisations.get("sosh1")
    if sosh1 is not None:
        seminar = _event(
            department,
            "Семинар",
            "Семинар для наставников школы: обратная связь наставляемому",
            date(2026, 2, 12),
            date(2026, 2, 12),
            level=Level.SCHOOL,
            organisation=sosh1,
            organiser=sosh1.short_name,
        )
        for mentor in [m for m in mentors if m.organisation_id == sosh1.pk][:3]:
            EventParticipant.objects.create(event=seminar, person=mentor, training_hours=4)

    _event(
        department,
        "Совет наставников",
        "Совет наставников муниципалитета: итоги первого полугодия",
        date(2026, 1, 20),
        date(2026, 1, 20),
        organiser="МБУ «ИМЦ»",
    )

    end = min(date(2026, 11, 20), today - timedelta(days=1))
    roadmap = Roadmap.objects.plans().filter(department=department, organisation__isnull=True).first()
    occurrence = (
        Occurrence.objects.filter(item__roadmap=roadmap, item__number="3.1.", organisation__isnull=True).first()
        if roadmap
        else None
    )
    festival = _event(
        department,
        "Фестиваль",
        "Муниципальный фестиваль наставнических пар",
        end,
        end,
        organiser="Управление образования, МБУ «ИМЦ»",
        description="Фестиваль с участием наставнических пар всех школ: презентации совместных проектов.",
        roadmap_occurrence=occurrence,
    )
    for pair in pairs[3:8]:
        EventParticipant.objects.create(event=festival, pair=pair)
    if methodist is not None:
        services.add_document(festival, ContentFile(DOCUMENT), "Программа фестиваля.pdf", user=methodist)
        services.mark_held(festival, user=methodist, today=today)
    return True
