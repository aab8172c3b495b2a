"""«Nothing kept past its right» findings of the independent attack (issue 24)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from tests import factories


@pytest.mark.parametrize(
    ("url", "method"),
    [("person_list", "get"), ("person_detail", "get"), ("export", "post"), ("person_extract", "post")],
)
def test_pages_and_files_with_personal_data_are_never_stored_by_a_browser(world, as_persona, url, method):
    """School computers are shared: nothing a signed-in user was shown stays in a browser's cache."""
    person = factories.student(world.school_a1, last_name="Зайцев", birth_year=2012)
    address = reverse(url, args=[person.pk]) if url in ("person_detail", "person_extract") else reverse(url)
    data = {"base": "mentees", "period": "all", "file_format": "xlsx"} if url == "export" else {}
    response = getattr(as_persona("curator_a1"), method)(address, data)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_a_student_whose_age_is_in_doubt_is_treated_as_a_minor(world):
    """Born 2008, in 11 Б in 2026: may still be 17; a student without a birth year: unknown. Both minors."""
    year = 2026
    people = {
        "doubtful 18": factories.student(world.school_a1, last_name="Восемнадцатов", birth_year=year - 18),
        "unknown": factories.student(world.school_a1, last_name="Безгодов", birth_year=None),
        "17": factories.student(world.school_a1, last_name="Семнадцатов", birth_year=year - 17),
        "19": factories.student(world.school_a1, last_name="Девятнадцатов", birth_year=year - 19),
        "teacher, unknown": factories.teacher(world.school_a1, last_name="Учителев", birth_year=None),
        "teacher, 18": factories.teacher(world.school_a1, last_name="Молодов", birth_year=year - 18),
    }
    minors = {name for name, person in people.items() if person.is_minor(year)}
    assert minors == {"doubtful 18", "unknown", "17"}
    from registry.models import Person

    assert set(Person.objects.minors(year)) == {people[name] for name in minors}


def test_a_student_turning_18_may_still_consent_alone(world, as_persona):
    """In doubt the registry protects (the consent is asked for), but does not refuse the student's own."""
    from django.utils import timezone

    person = factories.student(world.school_a1, last_name="Восемнадцатова", birth_year=timezone.localdate().year - 18)
    client = as_persona("curator_a1")
    page = client.get(reverse("consent_create", args=[person.pk]))
    assert page.context["form"].initial["given_by"] == "representative"
    response = client.post(reverse("consent_create", args=[person.pk]), {"given_by": "self", "given_on": "01.09.2026"})
    assert response.status_code == 302 and person.consents.get().given_by == "self"


def test_every_download_and_every_retry_of_an_export_is_logged(
    world, as_persona, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 24, finding 7 (in part): repeated downloads and retries of an export were not in the log."""
    from exchange.exports import BasesExporter
    from jobs.models import Job, JobStatus
    from registry.models import AccessKind, PersonalDataAccess

    factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 0)
    client = as_persona("curator_a1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    job = Job.objects.get()
    exports = PersonalDataAccess.objects.filter(kind=AccessKind.EXPORT, user=world.curator_a1)
    assert exports.count() == 1
    for _ in range(2):
        assert client.get(reverse("job_download", args=[job.pk])).status_code == 200
    assert exports.count() == 3
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("job_retry", args=[job.pk]))
    assert exports.count() == 4


def test_another_schools_minor_seen_through_a_mentors_pair_is_named_only_and_logged(world, as_persona):
    """Issue 24, finding 10 (the card): a curator saw another school's pupil through the pair of a mentor
    of theirs. Named only, with the school, no link to the pair, and logged."""
    from registry.models import AccessKind, PersonalDataAccess

    mentor = factories.student(world.school_a1, last_name="Наставникова", birth_year=2007)
    other_pupil = factories.student(world.school_a2, last_name="Зайцев", birth_year=2013)
    pair = factories.pair(mentor, [other_pupil])
    page = as_persona("curator_a1").get(reverse("person_detail", args=[mentor.pk])).content.decode()
    assert "Зайцев" in page and world.school_a2.short_name in page
    assert reverse("pair_detail", args=[pair.pk]) not in page and "видны только имена" in page
    entry = PersonalDataAccess.objects.about(other_pupil).get()
    assert (entry.kind, entry.user) == (AccessKind.LIST, world.curator_a1)


def test_another_schools_mentor_in_an_export_is_named_with_their_school_only(world, as_persona):
    """Issue 24, finding 10 (the export): school A2's mentors base carried the competencies of a mentor of
    school A1. Another school's person is named, with their place of work, and described no further."""
    from tests.exchange.test_export import download, sheet_rows

    mentor = factories.student(
        world.school_a1,
        last_name="Наставникова",
        birth_year=2007,
        competencies="Олимпиадная математика",
        interests="шахматы",
        achievements="призёр олимпиады",
    )
    factories.pair(mentor, [factories.student(world.school_a2, last_name="Зайцев", birth_year=2013)])

    def row_of(persona):
        _sheet, _title, _header, rows = sheet_rows(
            download(as_persona(persona), base="mentors", period="all", file_format="xlsx")
        )
        (row,) = [[cell.value for cell in row] for row in rows if row[1].value and "Наставникова" in row[1].value]
        return row

    narrowed = row_of("curator_a2")
    assert narrowed[2] == mentor.place_of_work and "Зайцев" in narrowed[9]
    assert not {"Олимпиадная математика", "шахматы", "призёр олимпиады"} & set(narrowed)
    whole = row_of("methodist_a")  # reads both schools
    assert {"Олимпиадная математика", "шахматы", "призёр олимпиады"} <= set(whole)


def test_a_pair_page_names_another_schools_mentor_without_a_link_to_their_card(world, as_persona):
    mentor = factories.student(world.school_a1, last_name="Наставникова", birth_year=2007)
    pair = factories.pair(mentor, [factories.student(world.school_a2, last_name="Зайцев", birth_year=2013)])
    page = as_persona("curator_a2").get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "Наставникова" in page and mentor.place_of_work in page
    assert reverse("person_detail", args=[mentor.pk]) not in page
    page = as_persona("methodist_a").get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert reverse("person_detail", args=[mentor.pk]) in page


def _order_with_scan(world, pairs, number):
    from datetime import date

    from paperwork import services

    return services.record_order(
        organisation=world.school_a1,
        pairs=pairs,
        number=number,
        day=date(2025, 9, 10),
        user=world.curator_a1,
        scan=b"%PDF-1.4\n% scan of a signed page naming the pairs' people\n%%EOF\n",
        scan_name="Приказ.pdf",
    )


def test_a_signed_orders_scan_goes_with_the_erasure_of_a_person_it_names(world, django_capture_on_commit_callbacks):
    """Issue 20: the scan of a signed order is a picture of names — it cannot be redacted as a text is. Erasing
    a person named in it destroys it; the order's number and date stay, other orders' scans stay."""
    from datetime import date

    from registry import privacy
    from registry.models import Consent, ConsentGiver

    mentor = factories.student(world.school_a1, last_name="Ласточкина", birth_year=2007)
    named = factories.pair(mentor, [factories.student(world.school_a1, birth_year=2012)])
    other = factories.pair(
        factories.student(world.school_a1, birth_year=2007), [factories.student(world.school_a1, birth_year=2013)]
    )
    order, other_order = _order_with_scan(world, [named], "12-о"), _order_with_scan(world, [other], "13-о")
    scan, other_scan = order.scan.name, other_order.scan.name
    assert default_storage.exists(scan) and default_storage.exists(other_scan)

    extract = _extract_rows(mentor, "Приказы о закреплении")
    assert ["Приказ № 12-о от 10.09.2025", world.school_a1.short_name, "хранится"] in extract
    assert not any("13-о" in str(row) for row in extract)

    Consent.objects.create(
        person=mentor, given_by=ConsentGiver.SELF, given_on=date(2025, 9, 1), withdrawn_on=date(2026, 10, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        erasure = privacy.erase(mentor, user=world.methodist_a)
    assert erasure.removed["signed_order_scans"] == 1
    order.refresh_from_db()
    named.refresh_from_db()
    assert not order.scan and not default_storage.exists(scan)
    assert (order.number, named.order_number, named.order_date) == ("12-о", "12-о", date(2025, 9, 10))
    assert default_storage.exists(other_scan), "an order that does not name the person keeps its scan"
    assert ["Приказ № 12-о от 10.09.2025", world.school_a1.short_name, "не хранится"] in _extract_rows(
        mentor, "Приказы о закреплении"
    )


def test_housekeeping_takes_the_scans_of_orders_without_pairs_and_sweeps_scan_files_no_order_holds(world):
    """An order whose pairs are all gone keeps no scan; a scan file no order points to (taken off, its order
    deleted) is swept once a day old; a live order's scan and a department's template stay."""
    import os
    import time
    from pathlib import Path

    from django.conf import settings
    from django.core.files.base import ContentFile

    from paperwork.models import DocumentTemplate
    from portal import housekeeping

    def pair():
        return factories.pair(
            factories.student(world.school_a1, birth_year=2007), [factories.student(world.school_a1, birth_year=2013)]
        )

    gone_pair = pair()
    lonely, kept = _order_with_scan(world, [gone_pair], "12-о"), _order_with_scan(world, [pair()], "13-о")
    lonely_scan, kept_scan = lonely.scan.name, kept.scan.name
    template = DocumentTemplate(department=world.department_a, kind="order", original_name="приказ.docx")
    template.file.save("t.docx", ContentFile(b"PK"), save=True)
    stray = Path(settings.MEDIA_ROOT) / "paperwork/orders" / str(world.school_a1.pk) / "left-behind.pdf"
    stray.write_bytes(b"%PDF-1.4 names")
    stamp = time.time() - 3 * 86400
    os.utime(stray, (stamp, stamp))
    gone_pair.delete()  # the administrator deleted it (the admin's cascade)

    told = housekeeping.run(30, dry_run=True)
    assert told.scans == 1 and {lonely_scan, "paperwork/orders/" + f"{world.school_a1.pk}/left-behind.pdf"} <= set(
        told.files
    )
    assert default_storage.exists(lonely_scan) and stray.exists()

    report = housekeeping.run(30)
    assert report.scans == 1
    lonely.refresh_from_db()
    assert not lonely.scan and not default_storage.exists(lonely_scan) and not stray.exists()
    assert default_storage.exists(kept_scan) and default_storage.exists(template.file.name)
    assert housekeeping.run(30).scans == 0


def _extract_rows(person, sheet):
    import io

    from openpyxl import load_workbook

    from registry import privacy

    content, _name = privacy.subject_extract(person)
    return [
        [c for c in row if c is not None]
        for row in load_workbook(io.BytesIO(content))[sheet].iter_rows(values_only=True)
    ]
