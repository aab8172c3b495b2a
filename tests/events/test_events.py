"""Events: the roadmap item an event holds, mentor training and its data-quality check, participants' rules,
uploads through the gate, the access rules (another department 404, a head 403), the list's query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from events import aggregates, services, training
from events.models import Event, EventDocument, EventKind, EventParticipant, Level, Result
from registry.quality import CHECKS_BY_SLUG, problems_by_organisation
from roadmap.models import ResponsibleKind, Status
from tests import factories
from tests.conftest import client_for
from tests.roadmap.conftest import make_roadmap

PDF = b"%PDF-1.4\n%%EOF\n"


def kind(name: str) -> EventKind:
    return EventKind.objects.get(department=None, name=name)


def event_of(department, *, kind_name="Семинар", end: date | None = None, **fields) -> Event:
    end = end or timezone.localdate() - timedelta(days=1)
    fields.setdefault("title", "Семинар наставников")
    fields.setdefault("level", Level.MUNICIPAL)
    return Event.objects.create(department=department, kind=kind(kind_name), start_date=end, end_date=end, **fields)


def mentor_in_active_pair(school, **fields):
    mentor = factories.teacher(school, **fields)
    factories.pair(mentor, [factories.student(school)], format_name="студент – ученик")
    return mentor


# --- an event holding a roadmap item ------------------------------------------------------------------------


def test_holding_the_event_marks_its_roadmap_occurrence_done_with_the_event_as_evidence(world):
    year = timezone.localdate().year
    roadmap = make_roadmap(
        world.department_a,
        period_text=str(year),
        items=[("2.1.", "Совет наставников муниципалитета", "Ежегодно", ResponsibleKind.ORGANISATION)],
    )
    occurrence = roadmap.items.get().occurrences.get()
    event = event_of(world.department_a, kind_name="Совет наставников", roadmap_occurrence=occurrence)
    methodist = client_for(world, "methodist_a")

    refused = methodist.post(reverse("event_held", args=[event.pk]), follow=True)
    assert "хотя бы один документ" in refused.content.decode()
    occurrence.refresh_from_db()
    assert occurrence.status != Status.DONE

    upload = SimpleUploadedFile("Протокол совета.pdf", PDF)
    assert methodist.post(reverse("event_document_add", args=[event.pk]), {"file": upload}).status_code == 302
    assert methodist.post(reverse("event_held", args=[event.pk])).status_code == 302

    event.refresh_from_db()
    occurrence.refresh_from_db()
    assert event.held_on == event.end_date
    assert occurrence.status == Status.DONE
    assert occurrence.done_on == event.end_date
    assert occurrence.evidence_url.endswith(reverse("event_detail", args=[event.pk]))
    assert occurrence.comment.startswith("Проведено: Совет наставников «Семинар наставников»")
    assert occurrence.updated_by == world.methodist_a


def test_an_event_not_yet_ended_is_not_held(world):
    event = event_of(world.department_a, end=timezone.localdate() + timedelta(days=3))
    EventDocument.objects.create(event=event, file="events/x.pdf", original_name="x.pdf")
    with pytest.raises(Exception, match="ещё не закончилось"):
        services.mark_held(event, user=world.methodist_a)


# --- mentor training ----------------------------------------------------------------------------------------


def test_a_mentor_trained_four_years_ago_is_listed_and_one_trained_last_year_is_not(world):
    today = timezone.localdate()
    old = mentor_in_active_pair(world.school_a1, last_name="Давнов")
    recent = mentor_in_active_pair(world.school_a1, last_name="Недавнов")
    never = mentor_in_active_pair(world.school_a1, last_name="Никогдов")
    long_ago = event_of(
        world.department_a, kind_name="Курсы повышения квалификации", end=today - timedelta(days=4 * 365)
    )
    last_year = event_of(world.department_a, kind_name="Курсы повышения квалификации", end=today - timedelta(days=365))
    contest = event_of(world.department_a, kind_name="Конкурс", end=today - timedelta(days=30), title="Наставник года")
    EventParticipant.objects.create(event=long_ago, person=old, training_hours=72)
    EventParticipant.objects.create(event=last_year, person=recent, training_hours=36)
    EventParticipant.objects.create(event=contest, person=never, result=Result.WINNER)  # a contest is no training

    listed = set(training.mentors_without_training(world.methodist_a))
    assert old in listed and never in listed
    assert recent not in listed
    assert training.training_hours([old.pk, recent.pk, never.pk]) == {old.pk: 72, recent.pk: 36, never.pk: 0}
    assert training.training_hours([old.pk], since=training.training_cutoff()) == {old.pk: 0}

    # The registry's page shows it, counted per organisation, and the count follows a new participation.
    check = CHECKS_BY_SLUG["mentor_training"]
    assert check.title == "Наставники без обучения"
    before = problems_by_organisation(world.methodist_a, [world.school_a1.pk])[world.school_a1.pk]["mentor_training"]
    assert before == 2
    EventParticipant.objects.create(event=last_year, person=old, training_hours=8)
    after = problems_by_organisation(world.methodist_a, [world.school_a1.pk])[world.school_a1.pk]["mentor_training"]
    assert after == 1
    page = client_for(world, "methodist_a").get(reverse("quality"), {"section": "mentor_training"})
    assert page.status_code == 200
    assert "Никогдов" in page.content.decode()


def test_a_pairs_training_counts_for_its_mentor(world):
    mentor = factories.teacher(world.school_a1)
    pair = factories.pair(
        mentor, [factories.teacher(world.school_a1, is_young_teacher=True)], format_name="учитель – учитель"
    )
    school = event_of(world.department_a, kind_name="Школа молодого педагога")
    EventParticipant.objects.create(event=school, pair=pair, training_hours=16)
    assert training.training_hours([mentor.pk]) == {mentor.pk: 16}
    assert mentor not in set(training.mentors_without_training(world.methodist_a))
    summary = aggregates.training_summary([world.department_a.pk], school.end_date.year)
    assert (summary.mentors_trained, summary.hours, summary.events) == (1, 16, 1)


def test_counts_by_level_and_result(world):
    contest = event_of(world.department_a, kind_name="Конкурс", title="Наставник года")
    for result in (Result.WINNER, Result.PRIZE_WINNER, Result.PARTICIPANT):
        EventParticipant.objects.create(event=contest, person=factories.teacher(world.school_a1), result=result)
    rows = {row.level: row for row in aggregates.events_by_level([world.department_a.pk], contest.end_date.year)}
    assert set(rows) == set(Level.values)
    municipal = rows[Level.MUNICIPAL]
    assert (municipal.events, municipal.participants, municipal.winners, municipal.prize_winners) == (1, 3, 1, 1)
    assert rows[Level.FEDERAL].events == 0


def test_the_persons_card_shows_events_and_hours(world):
    mentor = factories.teacher(world.school_a1, last_name="Обученный")
    course = event_of(world.department_a, kind_name="Курсы повышения квалификации", title="Курсы 72 ч")
    EventParticipant.objects.create(event=course, person=mentor, training_hours=72)
    html = client_for(world, "curator_a1").get(reverse("person_detail", args=[mentor.pk])).content.decode()
    assert "Курсы 72 ч" in html and "Часов обучения: <strong>72</strong>" in html


# --- participants' rules ------------------------------------------------------------------------------------


def test_a_participant_is_a_person_or_a_pair_never_both_nor_neither(world):
    event = event_of(world.department_a)
    person = factories.teacher(world.school_a1)
    pair = factories.pair(
        factories.teacher(world.school_a1), [factories.student(world.school_a1)], format_name="студент – ученик"
    )
    for fields in ({}, {"person": person, "pair": pair}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EventParticipant.objects.create(event=event, organisation=world.school_a1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventParticipant.objects.create(event=event, person=person, training_hours=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventParticipant.objects.create(event=event, person=person, result="гран-при")
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            department=world.department_a,
            kind=kind("Конкурс"),
            title="Наоборот",
            start_date=date(2026, 5, 2),
            end_date=date(2026, 5, 1),
        )

    methodist = client_for(world, "methodist_a")
    url = reverse("event_participant_add", args=[event.pk])
    both = methodist.post(url, {"person": person.pk, "pair": pair.pk, "result": Result.PARTICIPANT})
    assert "одно из двух" in both.content.decode()
    neither = methodist.post(url, {"result": Result.PARTICIPANT})
    assert "одно из двух" in neither.content.decode()
    assert not EventParticipant.objects.exists()
    added = methodist.post(url, {"person": person.pk, "result": Result.LAUREATE, "training_hours": "18"})
    assert added.status_code == 302
    participant = EventParticipant.objects.get()
    assert (participant.organisation, participant.result, participant.training_hours) == (
        world.school_a1,
        Result.LAUREATE,
        18,
    )


def test_a_person_of_another_department_cannot_be_added(world):
    event = event_of(world.department_a)
    stranger = factories.teacher(world.school_b1)
    response = client_for(world, "methodist_a").post(
        reverse("event_participant_add", args=[event.pk]), {"person": stranger.pk, "result": Result.PARTICIPANT}
    )
    assert response.status_code == 200
    assert not EventParticipant.objects.exists()


# --- uploads through the gate -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("отчёт.pdf", b"<html><script>alert(1)</script></html>"),  # a web page named .pdf
        ("программа.exe", b"MZ\x90\x00"),
        ("пусто.pdf", b""),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_changes(world, name, content):
    event = event_of(world.department_a)
    person = factories.teacher(world.school_a1)
    methodist = client_for(world, "methodist_a")
    document = methodist.post(
        reverse("event_document_add", args=[event.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert document.status_code == 200
    assert not EventDocument.objects.exists()
    certificate = methodist.post(
        reverse("event_participant_add", args=[event.pk]),
        {"person": person.pk, "result": Result.WINNER, "certificate": SimpleUploadedFile(name, content)},
    )
    assert certificate.status_code == 200
    assert not EventParticipant.objects.exists()


def test_a_certificate_keeps_its_original_name(world):
    event = event_of(world.department_a)
    person = factories.teacher(world.school_a1)
    methodist = client_for(world, "methodist_a")
    methodist.post(
        reverse("event_participant_add", args=[event.pk]),
        {"person": person.pk, "result": Result.WINNER, "certificate": SimpleUploadedFile("Диплом 1 степени.pdf", PDF)},
    )
    participant = EventParticipant.objects.get()
    assert participant.certificate_original_name == "Диплом 1 степени.pdf"
    response = methodist.get(reverse("event_certificate", args=[participant.pk]))
    assert response.status_code == 200
    assert "filename*=utf-8''%D0%94%D0%B8%D0%BF%D0%BB%D0%BE%D0%BC" in response["Content-Disposition"]


# --- access -------------------------------------------------------------------------------------------------


def test_another_departments_event_is_404_and_a_head_cannot_change_one(world):
    event = event_of(world.department_a)
    other = client_for(world, "methodist_b")
    for name in ("event_detail", "event_edit", "event_delete"):
        assert other.get(reverse(name, args=[event.pk])).status_code == 404
    head = client_for(world, "head_a")
    assert head.get(reverse("event_detail", args=[event.pk])).status_code == 200
    assert head.get(reverse("event_edit", args=[event.pk])).status_code == 403
    assert head.post(reverse("event_delete", args=[event.pk])).status_code == 403
    assert head.post(reverse("event_held", args=[event.pk])).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_a_curator_creates_school_events_of_the_own_school_only(world):
    curator = client_for(world, "curator_a1")
    response = curator.post(
        reverse("event_create"),
        {
            "title": "Школьный фестиваль наставничества",
            "kind": kind("Фестиваль").pk,
            "level": Level.FEDERAL,  # ignored: a curator's event is the school's
            "organisation": world.school_a2.pk,  # ignored: the own school is fixed
            "start_date": "10.10.2025",
            "end_date": "10.10.2025",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.level, event.organisation, event.department) == (Level.SCHOOL, world.school_a1, world.department_a)
    assert client_for(world, "curator_a2").get(reverse("event_detail", args=[event.pk])).status_code == 404
    municipal = event_of(world.department_a)
    assert curator.get(reverse("event_detail", args=[municipal.pk])).status_code == 200
    assert curator.get(reverse("event_edit", args=[municipal.pk])).status_code == 403


def test_a_curator_sees_only_the_own_schools_participants_of_a_municipal_event(world):
    event = event_of(world.department_a)
    EventParticipant.objects.create(event=event, person=factories.teacher(world.school_a1, last_name="Своя"))
    EventParticipant.objects.create(event=event, person=factories.teacher(world.school_a2, last_name="Чужая"))
    html = client_for(world, "curator_a1").get(reverse("event_detail", args=[event.pk])).content.decode()
    assert "Своя" in html and "Чужая" not in html


# --- the list -----------------------------------------------------------------------------------------------


def test_the_list_filters_and_costs_a_fixed_number_of_queries(world):
    methodist = client_for(world, "methodist_a")
    methodist.get(reverse("event_list"))  # the session, the scope
    for index in range(3):
        event = event_of(world.department_a, title=f"Семинар {index}")
        EventParticipant.objects.create(event=event, person=factories.teacher(world.school_a1))
    event_of(world.department_a, kind_name="Конкурс", title="Наставник года", level=Level.REGIONAL)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert methodist.get(reverse("event_list")).status_code == 200
        return len(queries)

    few = count()
    for index in range(10):
        event = event_of(world.department_a, title=f"Ещё {index}", organisation=world.school_a1)
        EventParticipant.objects.create(event=event, person=factories.teacher(world.school_a1))
    assert count() == few
    assert few == 9, few

    regional = methodist.get(reverse("event_list"), {"level": Level.REGIONAL}).context["page"].object_list
    assert [e.title for e in regional] == ["Наставник года"]
    searched = methodist.get(reverse("event_list"), {"q": "семинар 1"}).context["page"].object_list
    assert [e.title for e in searched] == ["Семинар 1"]
    assert client_for(world, "coordinator").get(reverse("event_list")).status_code == 403
