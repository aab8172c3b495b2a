"""«Приказ о закреплении наставнических пар (групп)»: the curator chooses pairs, downloads the order in Word
and PDF (the same text), enters the signed order's number and date once, and the quality check clears."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from paperwork.documents import docx_text
from paperwork.models import SignedOrder
from registry.models import MentoringPair
from registry.privacy import PersonalDataAccess
from registry.quality.checks import pairs_without_order
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def download(client, school, pairs, file_format):
    return client.post(
        reverse("paperwork_pair_order_download", args=[school.pk]),
        {"pairs": [pair.pk for pair in pairs], "format": file_format},
    )


def document_text(response) -> str:
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines)


def test_the_order_names_the_school_every_chosen_pair_and_the_curator_in_the_right_cases(world, school_pairs):
    first, second, _ = school_pairs
    response = download(client_for(world, "curator_a1"), world.school_a1, [first, second], "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"') or ".docx" in response["Content-Disposition"]
    text = document_text(response)
    assert world.school_a1.full_name in text
    assert "ПРИКАЗ" in text and "О закреплении наставнических пар (групп)" in text
    assert "ПРИКАЗЫВАЮ:" in text and "Р-145" in text
    assert "куратора программы наставничества Соколовскую Алину Игоревну." in text, (
        "«назначить … кого?»: the accusative"
    )
    assert "Куратору программы наставничества Соколовской Алине Игоревне обеспечить" in text, "«кому?»: the dative"
    assert "С приказом ознакомлен(а): ________________ / Соколовская Алина Игоревна" in text
    # every chosen pair, a row each, with the period in words
    assert (
        "1 | Черных Иван Петрович, 10 А класс | Долгих Мария Андреевна, 7 Б класс; Ким Виктор Енович, 7 Б класс | "
        "ученик – ученик |  | с 15 сентября 2026 г." in text
    )
    assert (
        "2 | Шевченко Ольга Ивановна, учитель математики | Петрова-Водкина Елена Кузьминична, учитель истории | "
        "учитель – учитель | опытный педагог – молодой специалист | с 01 сентября 2026 г. по 31 мая 2027 г." in text
    )
    assert "Старов" not in text, "a pair not chosen is not in the order"


def test_the_pdf_carries_the_same_text(world, school_pairs):
    first, second, _ = school_pairs
    client = client_for(world, "curator_a1")
    response = download(client, world.school_a1, [first, second], "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    flat = " ".join(pdf.split())
    for expected in (
        "О закреплении наставнических пар (групп)",
        "Соколовскую Алину Игоревну",
        "Соколовской Алине Игоревне",
        "Петрова-Водкина Елена Кузьминична",
        "Долгих Мария Андреевна",
        "с 01 сентября 2026 г. по 31 мая 2027 г.",
    ):
        assert expected in flat, expected
    docx = b"".join(download(client, world.school_a1, [first, second], "docx").streaming_content)
    for line in docx_text(docx):
        for word in line.replace("|", " ").split()[:3]:
            assert word in flat, f"{word!r} of the DOCX is not in the PDF"


def test_without_a_choice_the_order_takes_the_active_pairs_without_one(world, school_pairs):
    response = client_for(world, "curator_a1").get(
        reverse("paperwork_pair_order_download", args=[world.school_a1.pk]), {"format": "docx"}
    )
    text = document_text(response)
    assert "Шевченко Ольга Ивановна" in text and "Черных Иван Петрович" in text
    assert "Старов" not in text


def test_the_download_is_in_the_personal_data_log(world, school_pairs):
    download(client_for(world, "curator_a1"), world.school_a1, school_pairs[:2], "docx")
    entry = PersonalDataAccess.objects.get(what="Приказ о закреплении наставнических пар (групп)")
    assert entry.rows == 2


def test_a_pair_of_another_school_is_not_found(world, school_pairs):
    other = factories.pair(factories.student(world.school_a2, birth_year=2009), [factories.student(world.school_a2)])
    response = download(client_for(world, "curator_a1"), world.school_a1, [school_pairs[0], other], "docx")
    assert response.status_code == 404
    # nor can the methodist mix schools in one order
    response = download(client_for(world, "methodist_a"), world.school_a1, [school_pairs[0], other], "docx")
    assert response.status_code == 404


def test_the_page_preselects_the_pairs_without_an_order(world, school_pairs):
    first, second, third = school_pairs
    response = client_for(world, "curator_a1").get(reverse("paperwork_pair_order", args=[world.school_a1.pk]))
    html = response.content.decode()
    assert f'value="{first.pk}" id="pair-{first.pk}" checked' in html
    assert f'value="{second.pk}" id="pair-{second.pk}" checked' in html
    assert f'id="pair-{third.pk}"' not in html, "by default only the pairs without an order"
    everything = client_for(world, "curator_a1").get(
        reverse("paperwork_pair_order", args=[world.school_a1.pk]), {"show": "all"}
    )
    assert f'value="{third.pk}" id="pair-{third.pk}">' in everything.content.decode()
    assert "Внести номер и дату приказа" in html
    head = client_for(world, "head_a").get(reverse("paperwork_pair_order", args=[world.school_a1.pk]))
    assert head.status_code == 200 and "Внести номер и дату приказа" not in head.content.decode()


def test_entering_the_number_once_fixes_every_chosen_pair_and_clears_the_quality_check(world, school_pairs):
    first, second, _ = school_pairs
    assert set(pairs_without_order(world.curator_a1)) == {first, second}
    scan = SimpleUploadedFile("приказ.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client_for(world, "curator_a1").post(
        reverse("paperwork_pair_order_number", args=[world.school_a1.pk]),
        {"pairs": [first.pk, second.pk], "number": "45-од", "date": "01.09.2026", "scan": scan},
    )
    assert response.status_code == 302
    for pair in (first, second):
        pair.refresh_from_db()
        assert (pair.order_number, pair.order_date) == ("45-од", date(2026, 9, 1))
    assert not pairs_without_order(world.curator_a1).exists()
    order = SignedOrder.objects.get()
    assert set(order.pairs.all()) == {first, second} and order.scan.name.endswith(".pdf")
    from auditlog.models import LogEntry

    assert LogEntry.objects.get_for_object(first).filter(changes_text__contains="45-од").exists() or any(
        "45-од" in str(entry.changes) for entry in LogEntry.objects.get_for_object(first)
    ), "the change is in the pair's history"
    scan_response = client_for(world, "curator_a1").get(reverse("paperwork_signed_order_scan", args=[order.pk]))
    assert scan_response.status_code == 200
    assert (
        client_for(world, "curator_a2").get(reverse("paperwork_signed_order_scan", args=[order.pk])).status_code == 404
    )


def test_a_scan_that_is_not_a_pdf_or_an_image_is_refused_and_nothing_is_written(world, school_pairs):
    first, _, _ = school_pairs
    for name, content in (("приказ.docx", b"PK\x03\x04rest"), ("приказ.pdf", b"<html><script>")):
        response = client_for(world, "curator_a1").post(
            reverse("paperwork_pair_order_number", args=[world.school_a1.pk]),
            {"pairs": [first.pk], "number": "45-од", "date": "01.09.2026", "scan": SimpleUploadedFile(name, content)},
        )
        assert response.status_code == 200
        assert "не принят" in response.content.decode() or "другое содержимое" in response.content.decode()
    first.refresh_from_db()
    assert first.order_number == "" and not SignedOrder.objects.exists()


def test_the_head_may_download_but_not_enter_the_number(world, school_pairs):
    head = client_for(world, "head_a")
    assert download(head, world.school_a1, school_pairs[:1], "docx").status_code == 200
    response = head.post(
        reverse("paperwork_pair_order_number", args=[world.school_a1.pk]),
        {"pairs": [school_pairs[0].pk], "number": "1", "date": "01.09.2026"},
    )
    assert response.status_code == 403
    assert MentoringPair.objects.get(pk=school_pairs[0].pk).order_number == ""


def test_a_school_without_a_curator_leaves_a_blank(world, school_pairs):
    from registry.models import Membership

    Membership.objects.filter(organisation=world.school_a1).delete()
    text = document_text(download(client_for(world, "methodist_a"), world.school_a1, school_pairs[:1], "docx"))
    assert "куратора программы наставничества ____________________." in text
