"""The report's section «Обучение наставников, мероприятия и банк практик»: the figures a head signs, read back
from the PDF (pypdf) and the XLSX (openpyxl) of the department's report as the page serves it."""

from __future__ import annotations

import io
from datetime import date

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from events.models import Event, EventKind, EventParticipant, Level, Result
from practices import services as practices
from practices.models import Practice
from tests import factories
from tests.conftest import client_for

YEAR = timezone.localdate().year


def event(world, kind_name, level, **fields):
    end = date(YEAR, 1, 20)
    return Event.objects.create(
        department=world.department_a,
        kind=EventKind.objects.get(department=None, name=kind_name),
        title=f"{kind_name} {level}",
        level=level,
        start_date=end,
        end_date=end,
        **fields,
    )


def test_training_events_and_practices_are_in_both_files(world):
    mentor = factories.teacher(world.school_a1)
    other = factories.teacher(world.school_a2)
    course = event(world, "Курсы повышения квалификации", Level.REGIONAL)
    EventParticipant.objects.create(event=course, person=mentor, result=Result.PARTICIPANT, training_hours=36)
    EventParticipant.objects.create(event=course, person=other, result=Result.PARTICIPANT, training_hours=16)
    contest = event(world, "Конкурс", Level.MUNICIPAL)
    EventParticipant.objects.create(event=contest, person=mentor, result=Result.WINNER)
    EventParticipant.objects.create(event=contest, person=other, result=Result.PRIZE_WINNER)
    practice = practices.save_practice(
        Practice(
            organisation=world.school_a1,
            format=factories.mentoring_format("учитель – учитель"),
            title="Педагогическая мастерская",
            description="Открытые уроки с разбором.",
        ),
        None,
        user=world.curator_a1,
    )
    practices.submit(practice, user=world.curator_a1)
    practices.approve(practice, user=world.methodist_a)
    practices.publish(practice, user=world.methodist_a)

    client = client_for(world, "methodist_a")
    query = {"first": YEAR, "last": YEAR}
    workbook = client.get(reverse("indicators_report"), {**query, "format": "xlsx"})
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(workbook.streaming_content) if workbook.streaming else workbook.content))[
        "Обучение и мероприятия"
    ]
    rows = {(r[1], r[2]): r[3] for r in sheet.iter_rows(values_only=True) if r[0] == YEAR}
    assert rows[("Обучение наставников", "обучено наставников")] == 2
    assert rows[("Обучение наставников", "часов обучения")] == 52
    assert rows[("Мероприятия по уровням: муниципальный", "победителей")] == 1
    assert rows[("Мероприятия по уровням: муниципальный", "призёров")] == 1
    assert rows[("Мероприятия по уровням: региональный", "участий")] == 2
    assert rows[("Банк лучших практик", "опубликовано")] == 1
    assert sheet.auto_filter.ref, "the table has its filter"

    pdf = client.get(reverse("indicators_report"), {**query, "format": "pdf"})
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "5. Обучение наставников, мероприятия и банк практик" in text
    assert "обучено наставников — 2, часов обучения — 52" in text
    assert "опубликовано практик — 1" in text
