"""The mentor's portfolio (issue 21): the XLSX and PDF «Портфолио наставника» and the nomination sheet of
«Наставник года», parsed back; who may download them; the card's section."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from events.models import Event, EventKind, EventParticipant
from events.training import training_hours
from influence.models import GrowthGroup, Purpose
from practices.models import Practice, PracticePair, PracticeState
from registry.models import PairMentee, PersonalDataAccess
from tests import factories
from tests.conftest import client_for
from tests.influence.test_aggregates import enter, mentee

pytestmark = pytest.mark.django_db

FORM = "студент – ученик"
M, C, P = GrowthGroup.MOTIVATION, GrowthGroup.COMPETENCE, GrowthGroup.PROFESSIONAL


def event(world, kind: str, title: str, day: date, **fields) -> Event:
    return Event.objects.create(
        department=world.department_a,
        kind=EventKind.objects.get(department=None, name=kind),
        title=title,
        start_date=day,
        end_date=day,
        **fields,
    )


@pytest.fixture
def mentor(world):
    """Иксова Анна Петровна mentors two pairs in A1 since 2024: the first completed with results (its pupil passed),
    the second active. Questionnaires before and after for the first pair's mentor and pupil; 16 hours of
    courses in person and 8 of a seminar with the second pair; a municipal contest won; a published practice
    drawing on the first pair."""
    a1 = world.school_a1
    person = factories.teacher(a1, last_name="Иксова", first_name="Анна", patronymic="Петровна", position="учитель")
    pupil, other = factories.student(a1, last_name="Первова"), factories.student(a1, last_name="Вторая")
    first = factories.pair(person, [pupil], format_name=FORM, entry_date=date(2024, 9, 2), end_date=date(2025, 5, 30))
    second = factories.pair(person, [other], format_name=FORM, entry_date=date(2025, 9, 15))
    type(first).objects.filter(pk=first.pk).update(results="Проект «Школьный музей» защищён на конференции")
    PairMentee.objects.filter(pair=first).update(completion_mark="passed", results="Победитель школьной олимпиады")

    enter(first, None, Purpose.BEFORE, 5)
    enter(first, None, Purpose.AFTER, 7)
    enter(first, mentee(first, pupil), Purpose.BEFORE, {M: 4, C: 6, P: 6})
    enter(first, mentee(first, pupil), Purpose.AFTER, {M: 6, C: 9, P: 6})

    courses = event(world, "Курсы повышения квалификации", "Курсы «Наставник в школе»", date(2025, 3, 20))
    EventParticipant.objects.create(event=courses, person=person, training_hours=16)
    seminar = event(world, "Семинар", "Семинар наставников", date(2025, 11, 10))
    EventParticipant.objects.create(event=seminar, pair=second, training_hours=8)
    contest = event(world, "Конкурс", "Конкурс «Наставник года — 2025»", date(2025, 12, 1))
    EventParticipant.objects.create(event=contest, person=person, result="winner")

    practice = Practice.objects.create(
        organisation=a1,
        format=factories.mentoring_format(FORM),
        title="Школьный музей с наставником",
        description="Проектная работа",
        state=PracticeState.PUBLISHED,
        published_at=timezone.now(),
    )
    PracticePair.objects.create(practice=practice, pair=first)
    return person


def download(world, persona: str, name: str, person, file_format: str):
    return client_for(world, persona).get(reverse(name, args=[person.pk]), {"format": file_format})


def filename(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[-1])


def test_the_xlsx_portfolio_parsed_back(world, mentor):
    response = download(world, "methodist_a", "mentor_portfolio", mentor, "xlsx")
    assert response.status_code == 200
    assert filename(response) == "Портфолио наставника Иксова А.П.xlsx"
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Сводка", "Пары", "Рост", "Мероприятия", "Практики"]
    summary = {row[0]: row[1] for row in book["Сводка"].iter_rows(min_row=7, values_only=True) if row[0]}
    assert summary["Наставник"] == "Иксова Анна Петровна"
    assert summary["Часы обучения"] == 24 == training_hours([mentor.pk])[mentor.pk]
    assert summary["Пар (групп) всего"] == 2 and summary["Из них завершено"] == 1
    assert summary["Наставляемых"] == 2 and summary["Прошли программу"] == 1
    assert summary["Наград (лауреат, призёр, победитель)"] == 1 and summary["Мероприятий"] == 3
    assert summary["Практик в банке"] == 1
    assert summary["Наставник с"].date() == date(2024, 9, 2)

    pairs = list(book["Пары"].iter_rows(min_row=2, values_only=True))
    completed = next(row for row in pairs if row[5] is not None)
    assert completed[6] == "Завершена" and completed[7].startswith("Первова")
    assert completed[8] == "Прошёл(а) программу" and "Школьный музей" in completed[9]

    growth = {(row[0], row[1]): row[2:] for row in book["Рост"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert growth[("Наставляемые", "Компетентностный рост")] == (1, 6, 9, 3, 1)
    assert growth[("Наставляемые", "Профессиональный рост")] == (1, 6, 6, 0, 0)
    assert growth[("Наставник", "Мотивационно-личностный рост")] == (1, 5, 7, 2, 1)

    events = {row[0]: row for row in book["Мероприятия"].iter_rows(min_row=2, values_only=True)}
    assert events["Семинар наставников"][5] == "с парой" and events["Семинар наставников"][7] == 8
    assert events["Конкурс «Наставник года — 2025»"][6] == "победитель"
    assert [row[0] for row in book["Практики"].iter_rows(min_row=2, values_only=True)] == [
        "Школьный музей с наставником"
    ]
    for sheet in book.worksheets:  # every table has its filter, as the other exports
        assert sheet.auto_filter.ref, sheet.title


def test_the_pdf_portfolio_names_the_mentor_and_the_hours(world, mentor):
    response = download(world, "methodist_a", "mentor_portfolio", mentor, "pdf")
    assert response.status_code == 200 and filename(response) == "Портфолио наставника Иксова А.П.pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    text = " ".join(text.split())
    assert "Иксова Анна Петровна" in text and "Часов обучения: 24" in text
    assert "Школьный музей с наставником" in text and "Компетентностный рост" in text


def test_the_nomination_sheet_is_filled_and_leaves_lines_for_the_rest(world, mentor):
    response = download(world, "methodist_a", "mentor_nomination", mentor, "docx")
    assert response.status_code == 200
    assert filename(response) == "Наставник года — номинационный лист Иксова А.П.docx"
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    fields = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert fields["Фамилия, имя, отчество"] == "Иксова Анна Петровна"
    assert fields["Должность"] == "учитель"
    assert fields["Образовательная организация"] == (world.school_a1.full_name or world.school_a1.short_name)
    assert fields["Повышение квалификации, часов"] == "24"
    assert fields["Опыт наставничества"].startswith("наставник с 02.09.2024")
    assert "2 пары, из них завершено 1" in fields["Опыт наставничества"]
    assert "Победитель: Конкурс «Наставник года — 2025»" in fields["Награды и достижения в конкурсах"]
    assert fields["Практики наставничества в банке лучших практик"] == "Школьный музей с наставником"
    assert "Компетентностный рост: +3.00" in fields["Рост наставляемых (анкеты «до» и «по завершении»)"]
    assert set(fields["Педагогический стаж"]) == {"_"}  # unknown to the registry: a line to fill in
    assert set(fields["Контактный телефон, e-mail"]) == {"_"}
    whole = " ".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    assert "Первова" not in whole and "Вторая" not in whole  # it leaves the department: no mentee named


@pytest.mark.parametrize("persona", ["methodist_b", "curator_a2", "coordinator"])
@pytest.mark.parametrize(("name", "file_format"), [("mentor_portfolio", "xlsx"), ("mentor_nomination", "docx")])
def test_outside_the_reach_it_is_404(world, mentor, persona, name, file_format):
    assert download(world, persona, name, mentor, file_format).status_code == 404


@pytest.mark.parametrize("persona", ["head_a", "curator_a1"])
def test_the_head_and_the_schools_curator_download_it(world, mentor, persona):
    """Pinned: the portfolio is a reading of the card — whoever reads the card downloads it, the head included."""
    assert download(world, persona, "mentor_portfolio", mentor, "xlsx").status_code == 200
    assert download(world, persona, "mentor_nomination", mentor, "docx").status_code == 200


def test_no_portfolio_for_one_who_never_was_a_mentor(world, mentor):
    pupil = PairMentee.objects.filter(mentor=mentor).first().mentee
    assert download(world, "methodist_a", "mentor_portfolio", pupil, "xlsx").status_code == 404


def test_the_download_is_in_the_access_log_with_the_minors_it_names(world, mentor):
    download(world, "methodist_a", "mentor_portfolio", mentor, "xlsx")
    shown = PersonalDataAccess.objects.filter(what__startswith="Портфолио наставника", people__isnull=False)
    assert {p.last_name for entry in shown for p in entry.people.all()} == {"Первова", "Вторая"}
    assert PersonalDataAccess.objects.filter(what="Портфолио наставника", kind="export").exists()


def test_the_card_shows_the_portfolio_of_a_mentor_only(world, mentor):
    client = client_for(world, "curator_a1")
    page = client.get(reverse("person_detail", args=[mentor.pk])).content.decode()
    assert "Портфолио наставника" in page and reverse("mentor_nomination", args=[mentor.pk]) in page
    assert 'Часов обучения</dt><dd class="col-sm-7">24' in page
    pupil = PairMentee.objects.filter(mentor=mentor).first().mentee
    assert "Портфолио наставника" not in client.get(reverse("person_detail", args=[pupil.pk])).content.decode()
