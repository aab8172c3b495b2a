"""The collection stories, end to end through the pages: the methodist opens a collection, each curator
sees the checklist of the own school and confirms, the methodist closes it and the snapshot stays as it
was whatever is edited afterwards."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from monitoring.indicators import indicator_table
from monitoring.models import Contingent
from reporting import services
from reporting.models import Collection, Confirmation, Requirement, Snapshot
from reporting.snapshots import table_data
from tests import factories
from tests.conftest import client_for

YEAR = 2025


def open_collection(world, requirements=(Requirement.CONTINGENT, Requirement.BASES_CONFIRMED), **fields) -> Collection:
    response = client_for(world, "methodist_a").post(
        reverse("collection_create"),
        {
            "title": "Мониторинг ЦМН, май 2027",
            "deadline": fields.get("deadline", "20.05.2027"),
            "first_year": YEAR,
            "last_year": YEAR,
            "requirements": list(requirements),
            "remind_every_days": fields.get("remind_every_days", "7"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Collection.objects.get()


def confirm_url(collection, organisation) -> str:
    return reverse("collection_confirm", args=[collection.pk, organisation.pk])


def add_pair(organisation, **fields):
    mentor = factories.student(organisation, birth_year=2008)
    return factories.pair(mentor, [factories.student(organisation, birth_year=2012)], **fields)


def close(world, collection, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world, "methodist_a").post(reverse("collection_close", args=[collection.pk]))
    assert response.status_code == 302
    return Snapshot.objects.get(collection=collection)


def test_a_curator_sees_the_checklist_live_and_confirms_once_it_holds(world):
    collection = open_collection(world)
    assert collection.created_by == world.methodist_a and collection.is_open
    curator = client_for(world, "curator_a1")

    page = curator.get(reverse("collection_detail", args=[collection.pk])).content.decode()
    assert f"нет контингента за {YEAR}" in page
    assert "не выполнено" in page
    assert "МБОУ СОШ № 2" not in page, "a curator sees the own school only"

    refused = curator.post(confirm_url(collection, world.school_a1), {"bases_current": "on"})
    assert refused.status_code == 200
    assert "Подтвердить пока нельзя" in refused.content.decode()
    assert not Confirmation.objects.exists()

    Contingent.objects.create(organisation=world.school_a1, year=YEAR, students_total=500, teachers=40)
    page = curator.get(reverse("collection_detail", args=[collection.pk])).content.decode()
    assert "нет контингента" not in page

    no_tick = curator.post(confirm_url(collection, world.school_a1), {})
    assert "базы наставников и наставляемых актуальны" in no_tick.content.decode().lower()
    assert not Confirmation.objects.exists()

    done = curator.post(confirm_url(collection, world.school_a1), {"bases_current": "on"})
    assert done.status_code == 302
    confirmation = Confirmation.objects.get()
    assert (confirmation.organisation, confirmation.confirmed_by) == (world.school_a1, world.curator_a1)

    matrix = client_for(world, "methodist_a").get(reverse("collection_detail", args=[collection.pk])).content.decode()
    assert "подтверждено" in matrix and world.curator_a1.full_name in matrix
    assert "МБОУ СОШ № 2" in matrix
    head = client_for(world, "head_a").get(reverse("collection_detail", args=[collection.pk])).content.decode()
    assert "Закрыть сбор" not in head and "подтверждено" in head


def test_quality_problems_must_each_be_explained(world):
    collection = open_collection(world, requirements=[Requirement.QUALITY])
    add_pair(world.school_a1)  # no order number: «Пары без приказа о закреплении»
    curator = client_for(world, "curator_a1")
    page = curator.get(confirm_url(collection, world.school_a1)).content.decode()
    assert "Пары без приказа о закреплении" in page
    refused = curator.post(confirm_url(collection, world.school_a1), {})
    assert "Подтвердить пока нельзя" in refused.content.decode()
    problems = [problem.slug for problem in refused.context["form"].problems]
    assert "orders" in problems
    explained = {f"comment_{slug}": f"Объяснение: {slug}" for slug in problems}
    partly = curator.post(confirm_url(collection, world.school_a1), {**explained, "comment_orders": " "})
    assert "Подтвердить пока нельзя" in partly.content.decode(), "every problem needs its explanation"
    done = curator.post(confirm_url(collection, world.school_a1), explained)
    assert done.status_code == 302
    assert Confirmation.objects.get().comments == {slug: f"Объяснение: {slug}" for slug in problems}


def test_only_the_schools_own_curator_confirms(world):
    collection = open_collection(world, requirements=[])
    assert client_for(world, "curator_a2").post(confirm_url(collection, world.school_a1)).status_code == 404
    assert client_for(world, "methodist_a").post(confirm_url(collection, world.school_a1)).status_code == 403
    assert client_for(world, "head_a").post(confirm_url(collection, world.school_a1)).status_code == 403
    assert client_for(world, "methodist_b").get(reverse("collection_detail", args=[collection.pk])).status_code == 404
    assert not Confirmation.objects.exists()


def test_a_collection_closed_meanwhile_refuses_the_confirmation(world, django_capture_on_commit_callbacks):
    collection = open_collection(world, requirements=[])
    curator = client_for(world, "curator_a1")
    assert curator.get(confirm_url(collection, world.school_a1)).status_code == 200  # the form is open
    close(world, collection, django_capture_on_commit_callbacks)
    response = curator.post(confirm_url(collection, world.school_a1), {})
    assert response.status_code == 200
    assert "Сбор закрыт" in response.content.decode()
    with pytest.raises(services.Refused, match="Сбор уже закрыт"):
        services.confirm(world.curator_a1, collection, world.school_a1, comments={}, bases_ticked=True)
    assert not Confirmation.objects.exists()


def test_closing_freezes_the_snapshot_later_edits_never_change_it(world, django_capture_on_commit_callbacks):
    Contingent.objects.create(organisation=world.school_a1, year=YEAR, students_total=500, students_10_18=300)
    add_pair(world.school_a1)
    collection = open_collection(world, requirements=[])
    live = table_data(indicator_table([world.department_a], [YEAR], cached=False))

    snapshot = close(world, collection, django_capture_on_commit_callbacks)
    collection.refresh_from_db()
    assert not collection.is_open and collection.closed_by == world.methodist_a
    assert snapshot.is_taken
    assert snapshot.data["indicators"] == live
    assert snapshot.job.status == "done"
    a1 = next(row for row in snapshot.data["bases"] if row["organisation"] == "МБОУ СОШ № 1")
    assert (a1["people_total"], a1["pairs_active"]) == (2, 1)

    add_pair(world.school_a1)  # a new pair after closing
    after = table_data(indicator_table([world.department_a], [YEAR], cached=False))
    assert after != live, "the live table changes"
    snapshot.refresh_from_db()
    assert snapshot.data["indicators"] == live, "the snapshot does not"

    methodist = client_for(world, "methodist_a")
    page = methodist.get(reverse("snapshot_detail", args=[snapshot.pk])).content.decode()
    assert "Снимок сбора" in page and "Показатели (XLSX)" in page
    workbook = methodist.get(reverse("snapshot_file", args=[snapshot.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    assert any("Доля" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    pdf = methodist.get(reverse("snapshot_file", args=[snapshot.pk, "pdf"]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert client_for(world, "curator_a1").get(reverse("snapshot_detail", args=[snapshot.pk])).status_code == 403


def test_two_snapshots_side_by_side_show_what_changed(world, django_capture_on_commit_callbacks):
    Contingent.objects.create(organisation=world.school_a1, year=YEAR, students_total=500, students_10_18=300)
    add_pair(world.school_a1)
    autumn = close(world, open_collection(world, requirements=[]), django_capture_on_commit_callbacks)
    add_pair(world.school_a1)
    spring_collection = Collection.objects.create(
        department=world.department_a, title="Весна", deadline=date(2027, 5, 1), first_year=YEAR, last_year=YEAR
    )
    spring = close(world, spring_collection, django_capture_on_commit_callbacks)

    response = client_for(world, "methodist_a").get(
        reverse("snapshot_compare"), {"before": autumn.pk, "after": spring.pk}
    )
    rows = response.context["rows"]
    programs = {row.number: row for row in rows}
    changed = [row for row in rows if row.changed]
    assert changed, "a new pair changes a figure"
    assert all(not row.changed for row in rows if row not in changed)
    html = response.content.decode()
    assert "table-warning" in html and "(изменилось)" in html
    assert programs  # every indicator is listed
    assert (
        client_for(world, "methodist_b")
        .get(reverse("snapshot_compare"), {"before": autumn.pk, "after": spring.pk})
        .status_code
        == 404
    )


def test_closing_twice_makes_one_snapshot(world, django_capture_on_commit_callbacks):
    collection = open_collection(world, requirements=[])
    close(world, collection, django_capture_on_commit_callbacks)
    again = client_for(world, "methodist_a").post(reverse("collection_close", args=[collection.pk]), follow=True)
    assert "Сбор уже закрыт" in again.content.decode()
    with pytest.raises(services.Refused):
        services.close(world.methodist_a, collection)
    assert Snapshot.objects.count() == 1


def test_reminder_letters_go_only_to_the_schools_not_done(world):
    collection = open_collection(world, requirements=[])
    Confirmation.objects.create(
        collection=collection, organisation=world.school_a1, confirmed_by=world.curator_a1, confirmed_at=timezone.now()
    )
    response = client_for(world, "methodist_a").post(reverse("collection_remind", args=[collection.pk]))
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[world.curator_a2.email]]
    assert "МБОУ СОШ № 2" in mail.outbox[0].body
    assert reverse("collection_detail", args=[collection.pk]) in mail.outbox[0].body


def test_the_timer_reminds_on_the_schedule_once_a_day(world):
    today = timezone.localdate()
    collection = open_collection(world, requirements=[], deadline=(today + timedelta(days=14)).strftime("%d.%m.%Y"))
    call_command("send_collection_reminders")
    assert len(mail.outbox) == 2  # both schools' curators: the first letter at once
    call_command("send_collection_reminders")
    assert len(mail.outbox) == 2, "not again before 7 days have passed"
    collection.refresh_from_db()
    assert services.due_for_reminder(collection, today + timedelta(days=6)) is False
    assert services.due_for_reminder(collection, today + timedelta(days=7)) is True
    assert services.due_for_reminder(collection, today + timedelta(days=15)) is False, "the deadline has passed"


def test_the_questionnaires_requirement_reads_only_the_pairs_of_the_collections_years(world):
    """Issue 20: «Анкеты мониторинга влияния внесены» asked for every pair ever — a collection of one year was
    held back by a pair completed years before it, or by one that entered the program after it."""
    from influence.demo import _enter
    from influence.models import Purpose
    from reporting.checklist import checklists

    year = timezone.localdate().year - 1
    collection = Collection.objects.create(
        department=world.department_a,
        title="Мониторинг ЦМН",
        deadline=date(year + 1, 5, 20),
        first_year=year,
        last_year=year,
        requirements=[Requirement.QUESTIONNAIRES],
    )

    def status():
        found = checklists(world.methodist_a, collection, [world.school_a1.pk])[world.school_a1.pk]
        return found.statuses[0]

    # Outside the year: completed two years before it, entered the program after it. No questionnaires.
    add_pair(world.school_a1, entry_date=date(year - 3, 9, 1), end_date=date(year - 2, 5, 30))
    add_pair(world.school_a1, entry_date=date(year + 1, 1, 1))
    assert status().met, status().detail

    # Within it: completed in the year without its «after» questionnaires, active since the year without «before».
    completed = add_pair(world.school_a1, entry_date=date(year - 1, 9, 1), end_date=date(year, 5, 30))
    active = add_pair(world.school_a1, entry_date=date(year, 9, 1))
    found = status()
    assert not found.met
    assert {problem.slug: problem.count for problem in found.problems} == {
        "no_before_questionnaire": 1,
        "no_after_questionnaire": 1,
    }
    assert "Нет итоговой анкеты: 1" in found.detail and "Нет входной анкеты: 1" in found.detail

    for pair, purpose in ((completed, Purpose.AFTER), (active, Purpose.BEFORE)):
        for seed, participation in enumerate([None, *pair.participations.all()]):
            _enter(pair, participation, purpose, seed)
    assert status().met, status().detail
    curator = client_for(world, "curator_a1")
    page = curator.get(reverse("collection_detail", args=[collection.pk])).content.decode()
    assert "все анкеты внесены" in page


def test_a_failed_snapshot_is_started_again_once_whatever_the_clicks(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """The snapshot's job failed: the methodist sees it on the collection's and the snapshot's pages and
    presses «Повторить»; a second click while the new job waits or runs starts none."""
    from jobs.models import Job, JobKind, JobStatus
    from reporting import snapshots

    def broken(*args, **kwargs):
        raise RuntimeError("the disk went away")

    Contingent.objects.create(organisation=world.school_a1, year=YEAR, students_total=500, students_10_18=300)
    collection = open_collection(world, requirements=[])
    with monkeypatch.context() as patched:
        patched.setattr(snapshots, "take", broken)
        snapshot = close(world, collection, django_capture_on_commit_callbacks)
    assert not snapshot.is_taken and snapshot.job.status == JobStatus.FAILED

    methodist = client_for(world, "methodist_a")
    retry_url = reverse("snapshot_retry", args=[snapshot.pk])
    for url in (reverse("snapshot_detail", args=[snapshot.pk]), reverse("collection_detail", args=[collection.pk])):
        page = methodist.get(url).content.decode()
        assert "не сделан" in page and f'action="{retry_url}"' in page, url
    head = client_for(world, "head_a").get(reverse("snapshot_detail", args=[snapshot.pk])).content.decode()
    assert "Снимок не сделан" in head and retry_url not in head
    assert client_for(world, "head_a").post(retry_url).status_code == 403

    # Two clicks before the worker takes the first: one new job.
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = methodist.post(retry_url, follow=True)
        second = methodist.post(retry_url, follow=True)
    assert "Снимок делается заново" in first.content.decode()
    assert "Снимок уже делается" in second.content.decode()
    assert len(queued) == 1
    assert Job.objects.filter(kind=JobKind.SNAPSHOT).count() == 2
    snapshot.refresh_from_db()
    assert snapshot.job.status == JobStatus.QUEUED and snapshot.job.owner == world.methodist_a
    page = methodist.get(reverse("snapshot_detail", args=[snapshot.pk])).content.decode()
    assert "Снимок делается в фоне" in page and retry_url not in page

    queued[0]()  # the worker runs it
    snapshot.refresh_from_db()
    assert snapshot.is_taken and snapshot.job.status == JobStatus.DONE and snapshot.indicators_file
    done = methodist.post(retry_url, follow=True).content.decode()
    assert "Снимок уже сделан" in done
    assert Job.objects.filter(kind=JobKind.SNAPSHOT).count() == 2
