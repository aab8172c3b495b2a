"""Personal data (152-ФЗ): the access log, a subject's extract, erasure — through the users' pages."""

import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core import serializers
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from exchange.official import MENTEES
from monitoring.indicators import indicator_table
from registry.models import AccessKind, Consent, Erasure, MentoringPair, PairMentee, Person, PersonalDataAccess
from tests import factories
from tests.conftest import client_for


def _figures(world):
    table = indicator_table([world.department_a], [2025, 2026], cached=False)
    return [(indicator.code, {year: cell.value for year, cell in cells.items()}) for indicator, cells in table.rows]


@pytest.fixture
def minor(world):
    """A pupil of school A1 with a consent, edited once (so there is a change history)."""
    person = factories.student(
        world.school_a1,
        last_name="Ласточкина",
        first_name="Вера",
        birth_year=2012,
        main_request="Подготовка к олимпиаде",
    )
    factories.ConsentFactory(person=person, representative_name="Ласточкин Пётр Ильич")
    person.class_or_group = "7Б"
    person.save()
    return person


def test_a_minor_s_card_view_is_logged_and_an_adult_s_is_not(world, minor):
    adult = factories.teacher(world.school_a1, last_name="Орлова")
    client = client_for(world, "curator_a1")
    assert client.get(reverse("person_detail", args=[minor.pk]), REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get(reverse("person_detail", args=[adult.pk])).status_code == 200
    entry = PersonalDataAccess.objects.get()
    assert (entry.kind, entry.person, entry.user, entry.organisation) == (
        AccessKind.VIEW,
        minor,
        world.curator_a1,
        world.school_a1,
    )
    assert entry.address == "10.1.2.3" and "Ласточкина Вера" in entry.what
    assert entry.department == world.department_a


def test_an_export_of_a_base_is_logged_with_its_rows(world, minor):
    factories.pair(factories.student(world.school_a1, birth_year=2008), [minor])
    response = client_for(world, "curator_a1").post(
        reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"}
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    entry = PersonalDataAccess.objects.get(kind=AccessKind.EXPORT)
    assert entry.user == world.curator_a1 and entry.rows == 1 and entry.organisation == world.school_a1
    assert "XLSX" in entry.what and entry.person is None


def test_the_methodist_reads_the_log_of_the_own_department_only(world, minor):
    client_for(world, "curator_a1").get(reverse("person_detail", args=[minor.pk]))
    other = factories.student(world.school_b1, last_name="Чужая", birth_year=2013)
    client_for(world, "methodist_b").get(reverse("person_detail", args=[other.pk]))
    page = client_for(world, "methodist_a").get(reverse("access_log")).content.decode()
    assert "Ласточкина Вера" in page and world.curator_a1.username in page and "Чужая" not in page
    filtered = client_for(world, "methodist_a").get(reverse("access_log"), {"kind": "export"}).content.decode()
    assert "Ласточкина Вера" not in filtered and "Записей не найдено" in filtered
    wrong = client_for(world, "methodist_a").get(
        reverse("access_log"), {"date_from": "31.12.2026", "date_to": "01.01.2026"}
    )
    assert "Дата «с» позже даты «по»" in wrong.content.decode()
    assert "Ласточкина Вера" not in wrong.content.decode(), "a wrong filter shows no rows, not the whole log"
    for persona in ("head_a", "curator_a1"):
        assert client_for(world, persona).get(reverse("access_log")).status_code == 403


def test_a_subject_extract_holds_the_data_its_history_and_its_access_log(world, minor):
    client_for(world, "methodist_a").get(reverse("person_detail", args=[minor.pk]))
    response = client_for(world, "curator_a1").post(reverse("person_extract", args=[minor.pk]))
    assert response.status_code == 200
    assert "Ласточкина" in unquote(response["Content-Disposition"])
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == [
        "Сведения",
        "Согласия",
        "Наставничество",
        "Анкеты",
        "Результаты наставляемых",
        "Приказы о закреплении",
        "Подбор наставников",
        "История изменений",
        "Журнал доступа",
    ]
    cells = {
        name: [[c for c in row if c is not None] for row in workbook[name].iter_rows(values_only=True)]
        for name in workbook.sheetnames
    }
    assert ["Фамилия", "Ласточкина"] in cells["Сведения"] and ["Класс или группа", "7Б"] in cells["Сведения"]
    assert any("Ласточкин Пётр Ильич" in row for row in cells["Согласия"])
    assert any("изменение" in row and any("7Б" in str(v) for v in row) for row in cells["История изменений"])
    log = cells["Журнал доступа"]
    assert any("просмотр карточки" in row for row in log) and any("выписка по запросу субъекта" in row for row in log)
    assert PersonalDataAccess.objects.filter(kind=AccessKind.SUBJECT_REQUEST, person=minor).count() == 1


def test_the_head_may_not_make_an_extract_or_erase(world, minor):
    client = client_for(world, "head_a")
    assert client.post(reverse("person_extract", args=[minor.pk])).status_code == 403
    assert client.post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"}).status_code == 403
    assert not PersonalDataAccess.objects.filter(kind=AccessKind.SUBJECT_REQUEST).exists()


def test_erasure_is_refused_while_the_purpose_lasts_and_nothing_changes(world, minor):
    factories.pair(factories.student(world.school_a1, birth_year=2008), [minor])
    response = client_for(world, "curator_a1").post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"})
    assert response.status_code == 409
    assert "незавершённые пары (1)" in response.content.decode()
    minor.refresh_from_db()
    assert minor.last_name == "Ласточкина" and minor.erased_at is None and not Erasure.objects.exists()


def test_erasure_needs_the_confirmation(world, minor):
    Consent.objects.filter(person=minor).update(withdrawn_on=date(2026, 10, 1))
    response = client_for(world, "curator_a1").post(reverse("person_erase", args=[minor.pk]), {})
    assert "Подтвердите удаление" in response.content.decode()
    assert not Erasure.objects.exists()


def test_erasure_after_consent_is_withdrawn_destroys_the_data_and_leaves_a_record(world, minor):
    mentor = factories.student(world.school_a1, last_name="Наставникова", birth_year=2008)
    pair = factories.pair(mentor, [minor], entry_date=date(2025, 9, 15))
    PairMentee.objects.filter(mentee=minor).update(results="Призёр олимпиады, Вера молодец")
    client_for(world, "methodist_a").get(reverse("person_detail", args=[minor.pk]))
    Consent.objects.filter(person=minor).update(withdrawn_on=date(2026, 10, 1))
    before = _figures(world)

    client = client_for(world, "curator_a1")
    page = client.get(reverse("person_erase", args=[minor.pk])).content.decode()
    assert "согласие отозвано 01.10.2026" in page
    response = client.post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"}, follow=True)
    assert "Сведения об участнике уничтожены" in response.content.decode()

    minor.refresh_from_db()
    assert minor.erased_at is not None and minor.archived_at is not None
    assert minor.last_name == "Сведения удалены" and minor.class_or_group == "" and minor.main_request == ""
    assert (minor.organisation, minor.birth_year) == (world.school_a1, 2012)  # kept for past years' figures
    assert not Consent.objects.filter(person=minor).exists()
    assert not PersonalDataAccess.objects.filter(person=minor).exists()
    assert PairMentee.objects.get(mentee=minor).results == ""
    assert MentoringPair.objects.filter(pk=pair.pk).exists(), "the mentor's pair stays"
    # Nothing anywhere still says who it was: not the audit trail, not the erasure record.
    everything = serializers.serialize(
        "json",
        [*LogEntry.objects.all(), *Erasure.objects.all(), *PersonalDataAccess.objects.all(), *Person.objects.all()],
    )
    for trace in ("Ласточкина", "Ласточкин Пётр", "олимпиад", "7Б"):
        assert trace not in everything, trace
    erasure = Erasure.objects.get()
    assert (erasure.user, erasure.organisation, erasure.reason) == (
        world.curator_a1,
        world.school_a1,
        "consent_withdrawn",
    )
    # The log held two views: the methodist's of the card, the curator's of the erasure page.
    assert erasure.removed["consents"] == 1 and erasure.removed["history"] >= 2 and erasure.removed["access_log"] == 2
    assert _figures(world) == before, "past figures unchanged"

    # The record shows it was erased; nobody can change it any more; the methodist sees the erasure.
    card = client.get(reverse("person_detail", args=[minor.pk])).content.decode()
    assert "Сведения об участнике уничтожены" in card and "Изменить" not in card
    assert client.get(reverse("person_edit", args=[minor.pk])).status_code == 403
    listing = client_for(world, "methodist_a").get(reverse("erasure_list")).content.decode()
    assert "согласие на обработку отозвано" in listing and world.school_a1.short_name in listing
    assert not PersonalDataAccess.objects.filter(person=minor).exists(), "a view of an erased row is not logged"


def test_erasure_when_the_purpose_is_achieved(world, minor):
    pair = factories.pair(factories.student(world.school_a1, birth_year=2008), [minor])
    MentoringPair.objects.filter(pk=pair.pk).update(end_date=date(2026, 5, 30))
    client = client_for(world, "methodist_a")
    assert "незавершённые" not in client.get(reverse("person_erase", args=[minor.pk])).content.decode()
    assert client.post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"}).status_code == 409, (
        "not archived yet"
    )
    Person.objects.filter(pk=minor.pk).update(archived_at="2026-06-01T10:00:00+03:00", archive_reason="выпуск")
    assert client.post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"}).status_code == 302
    assert Erasure.objects.get().reason == "purpose_achieved"


def _traces(needle: re.Pattern, media: Path) -> list[str]:
    """Every stored copy of the name: each text and JSON column of every table, every file in the media
    folder (a workbook or document unzipped)."""
    found = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            text = json.dumps(row, ensure_ascii=False, default=str)
            if needle.search(text):
                found.append(f"{model._meta.label}: {needle.search(text).group(0)}")
    for path in media.rglob("*") if media.exists() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        texts = [data.decode("utf-8", "ignore")]
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(name).decode("utf-8", "ignore") for name in archive.namelist()]
        if any(needle.search(text) for text in texts):
            found.append(f"media: {path.name}")
    return found


def test_erasure_after_every_kind_of_activity_leaves_the_name_nowhere(
    world, minor, settings, django_capture_on_commit_callbacks
):
    """Issue 24, finding 9: a dump after a full erasure still found the child's name in meeting notes and
    feedback, in the audit entries of those meetings and the pair, in a job's title and parameters, and
    in an uploaded file kept for 30 days."""
    from exchange.exports import BasesExporter
    from jobs.models import Job
    from registry.models import Meeting, MeetingKind
    from tests.exchange.test_import_pages import upload
    from tests.exchange.test_importer import mentee_row, workbook

    mentor = factories.student(world.school_a1, last_name="Наставникова", birth_year=2008)
    pair = factories.pair(mentor, [minor], entry_date=date(2025, 9, 15))
    pair.results = "Ласточкина Вера и ещё двое — призёры"
    pair.save()
    participation = PairMentee.objects.get(mentee=minor)
    participation.results = "Вера Ласточкина выросла"
    participation.save()
    kind = MeetingKind.objects.first()
    Meeting.objects.create(
        pair=pair, date=date(2025, 10, 1), kind=kind, note="С Ласточкиной о задачах", feedback="Ласточкину хвалят"
    )
    methodist = client_for(world, "methodist_a")
    BasesExporter.background_after["xlsx"], kept = 0, BasesExporter.background_after["xlsx"]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            methodist.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    finally:
        BasesExporter.background_after["xlsx"] = kept
    curator = client_for(world, "curator_a1")
    row = mentee_row(mentee="Ласточкина Вера Павловна", mentee_birth_year=2012)
    upload(
        curator,
        workbook(MENTEES, [row]),
        name="Ласточкина — база.xlsx",
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    assert Job.objects.count() == 2
    needle = re.compile(r"ласточк", re.IGNORECASE)
    assert _traces(needle, Path(settings.MEDIA_ROOT)), "the activity left the name where the test looks"

    Consent.objects.filter(person=minor).update(withdrawn_on=date(2026, 10, 1))
    response = curator.post(reverse("person_erase", args=[minor.pk]), {"confirm": "on"})
    assert response.status_code == 302

    assert _traces(needle, Path(settings.MEDIA_ROOT)) == []
    erasure = Erasure.objects.get()
    assert erasure.removed["jobs"] == 2 and erasure.removed["files"] == 2
    assert erasure.removed["texts_redacted"] >= 3 and erasure.removed["history_redacted"] >= 1
    pair.refresh_from_db()
    assert pair.results == "[сведения удалены] [сведения удалены] и ещё двое — призёры", "other people's text stays"
