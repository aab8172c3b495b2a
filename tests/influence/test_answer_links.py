"""The personal answer link (issue 19): the curator sends it, an adult participant (or a minor's legal
representative) answers once without an account, and a used, expired, revoked or forged link answers one
neutral Russian page and changes nothing."""

import re
import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from influence import links
from influence.models import AnswerLink, EntryMethod, LinkRecipient, Purpose, Response
from influence.services import template_for
from registry.models import PersonalDataAccess
from tests import factories
from tests.conftest import client_for
from tests.influence.test_questionnaires import answers

REFUSED = "Ссылка недействительна: она уже использована, отозвана или срок её действия истёк."
URL = re.compile(r"https?://\S+/a/([A-Za-z0-9_-]+)/")


@pytest.fixture
def teachers(world):
    """School A1: an experienced teacher mentors a young one; both adults."""
    mentor = factories.teacher(world.school_a1, last_name="Наставникова", first_name="Ольга")
    mentee = factories.teacher(world.school_a1, last_name="Молодцова", first_name="Анна", is_young_teacher=True)
    return factories.pair(mentor, [mentee], format_name="учитель – учитель")


@pytest.fixture
def pupils(world):
    """School A1: a teacher mentors a pupil (a minor)."""
    mentor = factories.teacher(world.school_a1, last_name="Учителева")
    pupil = factories.student(world.school_a1, last_name="Школьникова", first_name="Вера", birth_year=2013)
    return factories.pair(mentor, [pupil], format_name="студент – ученик")


def link_url(pair, purpose=Purpose.BEFORE):
    return reverse("influence_mentee_link", args=[pair.pk, purpose, pair.participations.get().pk])


def send(client, pair, purpose=Purpose.BEFORE, recipient=LinkRecipient.PARTICIPANT, email="anna@example.ru"):
    return client.post(
        link_url(pair, purpose), {"recipient": recipient, "email": email, "submission": str(uuid.uuid4())}
    )


def sent_token(mailoutbox) -> str:
    return URL.search(mailoutbox[-1].body).group(1)


def mentee_template(pair, purpose=Purpose.BEFORE):
    return template_for(pair, purpose, "mentee")


@pytest.fixture
def sent(world, teachers, mailoutbox, django_capture_on_commit_callbacks):
    """The curator of A1 has sent the young teacher a link to the «before» questionnaire."""
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client_for(world, "curator_a1"), teachers)
    assert response.status_code == 302
    return sent_token(mailoutbox)


def test_the_curator_sends_a_link_by_mail_with_no_name_in_it(world, teachers, sent, mailoutbox, client):
    letter = mailoutbox[-1]
    assert letter.to == ["anna@example.ru"]
    assert "Вас просят заполнить анкету программы наставничества" in letter.body
    assert f"/a/{sent}/" in letter.body
    link = AnswerLink.objects.get()
    assert link.expires_at.astimezone().strftime("%d.%m.%Y") in letter.body
    for name in ("Молодцова", "Анна", "Наставникова", "Ольга"):
        assert name not in letter.body and name not in letter.subject
    # Only the token's hash is kept; the link is in the audit trail without it.
    assert link.token_hash == links.hash_token(sent) and sent not in link.token_hash
    assert link.recipient == LinkRecipient.PARTICIPANT and link.created_by == world.curator_a1
    entry = LogEntry.objects.get_for_object(link).get()
    assert "token_hash" not in entry.changes_dict
    # The pair's page tells it was sent and until when, and offers to revoke it.
    page = client_for(world, "curator_a1").get(reverse("influence_pair", args=[teachers.pk])).content.decode()
    assert f"ссылка отправлена {timezone.localdate():%d.%m.%Y}" in page
    assert f"действует до {link.expires_at.astimezone():%d.%m.%Y}" in page
    assert reverse("influence_link_revoke", args=[teachers.pk, link.pk]) in page


def test_the_participant_answers_without_an_account(world, teachers, sent, client):
    url = reverse("influence_answer", args=[sent])
    assert url == f"/a/{sent}/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert mentee_template(teachers).title in html
    for name in ("Молодцова", "Анна", "Наставникова", "Ольга"):
        assert name not in html
    accesses = PersonalDataAccess.objects.count()

    template = mentee_template(teachers)
    done = client.post(url, answers(template, scale=8))
    assert done.status_code == 200
    assert "Спасибо, анкета отправлена" in done.content.decode()
    response = Response.objects.get()
    assert response.participation == teachers.participations.get()
    assert response.entry_method == EntryMethod.PARTICIPANT_LINK and response.entered_by is None
    assert response.answers.count() == template.questions.count()
    assert AnswerLink.objects.get().used_at is not None
    assert PersonalDataAccess.objects.count() == accesses, "a participant's own answer is no one's view"

    # The link works once: a second use changes nothing and tells nothing.
    again = client.post(url, answers(template, scale=2))
    assert again.status_code == 404 and REFUSED in again.content.decode()
    assert client.get(url).status_code == 404
    assert set(response.answers.values_list("number_value", flat=True)) - {None, 3} == {8}
    # The pair's page shows the questionnaire filled in through the link.
    page = client_for(world, "curator_a1").get(reverse("influence_pair", args=[teachers.pk])).content.decode()
    assert "по ссылке участником" in page


def refused_and_unchanged(client, token, pair):
    url = reverse("influence_answer", args=[token])
    for response in (client.get(url), client.post(url, answers(mentee_template(pair)))):
        html = response.content.decode()
        assert response.status_code == 404 and REFUSED in html
        assert "Молодцова" not in html and "Анна" not in html
    assert not Response.objects.exists()


def test_an_expired_link_is_refused(teachers, sent, client):
    AnswerLink.objects.update(
        expires_at=timezone.now() - timedelta(minutes=1), created_at=timezone.now() - timedelta(days=15)
    )
    refused_and_unchanged(client, sent, teachers)
    assert AnswerLink.objects.get().used_at is None


def test_a_forged_link_is_refused(teachers, sent, client):
    refused_and_unchanged(client, sent[:-2] + ("AA" if not sent.endswith("AA") else "BB"), teachers)
    refused_and_unchanged(client, "x", teachers)
    refused_and_unchanged(client, "<script>", teachers)


def test_a_revoked_link_is_refused(world, teachers, sent, client):
    link = AnswerLink.objects.get()
    revoked = client_for(world, "curator_a1").post(reverse("influence_link_revoke", args=[teachers.pk, link.pk]))
    assert revoked.status_code == 302
    assert not AnswerLink.objects.exists()
    refused_and_unchanged(client, sent, teachers)


def test_a_new_link_replaces_the_unused_one(
    world, teachers, sent, mailoutbox, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client_for(world, "curator_a1"), teachers, email="other@example.ru")
    assert AnswerLink.objects.count() == 1
    refused_and_unchanged(client, sent, teachers)
    assert client.get(reverse("influence_answer", args=[sent_token(mailoutbox)])).status_code == 200


def test_the_database_keeps_one_unused_link_and_an_expiry_after_creation(teachers, sent):
    link = AnswerLink.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerLink.objects.create(
            pair=teachers,
            participation=link.participation,
            purpose=link.purpose,
            recipient=link.recipient,
            email="x@example.ru",
            token_hash="0" * 64,
            created_at=link.created_at,
            expires_at=link.expires_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerLink.objects.filter(pk=link.pk).update(expires_at=link.created_at)


def test_a_paper_questionnaire_entered_meanwhile_closes_the_link(world, teachers, sent, client):
    curator = client_for(world, "curator_a1")
    entry = reverse("influence_mentee_response", args=[teachers.pk, Purpose.BEFORE, teachers.participations.get().pk])
    assert curator.post(entry, answers(mentee_template(teachers), scale=5)).status_code == 302
    url = reverse("influence_answer", args=[sent])
    assert client.get(url).status_code == 404
    assert client.post(url, answers(mentee_template(teachers), scale=9)).status_code == 404
    assert Response.objects.get().entry_method == EntryMethod.PAPER
    assert set(Response.objects.get().answers.values_list("number_value", flat=True)) - {None, 3} == {5}


def test_errors_on_the_public_form_are_in_russian_and_save_nothing(teachers, sent, client):
    template = mentee_template(teachers)
    page = client.post(reverse("influence_answer", args=[sent]), answers(template, q1=11, q2=""))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("Выберите оценку от 1 до 10.") == 2
    assert "Анкета не отправлена" in html
    assert not Response.objects.exists() and AnswerLink.objects.get().used_at is None


def test_a_minors_link_goes_to_the_legal_representative(
    world, pupils, mailoutbox, client, django_capture_on_commit_callbacks
):
    curator = client_for(world, "curator_a1")
    form = curator.get(link_url(pupils)).content.decode()
    assert "законного представителя" in form
    refused = send(curator, pupils, recipient=LinkRecipient.PARTICIPANT, email="pupil@example.ru")
    assert refused.status_code == 200
    assert "Участник несовершеннолетний" in refused.content.decode()
    assert not AnswerLink.objects.exists() and not mailoutbox

    with django_capture_on_commit_callbacks(execute=True):
        assert send(curator, pupils, recipient=LinkRecipient.REPRESENTATIVE, email="mama@example.ru").status_code == 302
    assert "Школьникова" not in mailoutbox[-1].body and "Вера" not in mailoutbox[-1].body
    url = reverse("influence_answer", args=[sent_token(mailoutbox)])
    page = client.get(url).content.decode()
    assert "законным представителем" in page and "Школьникова" not in page
    assert client.post(url, answers(mentee_template(pupils))).status_code == 200
    assert Response.objects.get().entry_method == EntryMethod.REPRESENTATIVE_LINK


def test_an_adults_link_is_not_for_a_representative(world, teachers):
    response = send(client_for(world, "curator_a1"), teachers, recipient=LinkRecipient.REPRESENTATIVE)
    assert response.status_code == 200
    assert "Совершеннолетний участник заполняет анкету сам" in response.content.decode()
    assert not AnswerLink.objects.exists()


def test_a_bad_email_is_refused(world, teachers, mailoutbox):
    response = send(client_for(world, "curator_a1"), teachers, email="не адрес")
    assert "Введите правильный адрес электронной почты" in response.content.decode()
    assert not AnswerLink.objects.exists() and not mailoutbox


def test_another_schools_curator_and_the_head_send_nothing(world, teachers, mailoutbox):
    for persona, status in (("curator_a2", 404), ("methodist_b", 404), ("head_a", 403)):
        assert send(client_for(world, persona), teachers).status_code == status, persona
    assert not AnswerLink.objects.exists() and not mailoutbox


def test_another_schools_curator_and_the_head_revoke_nothing(world, teachers, sent):
    url = reverse("influence_link_revoke", args=[teachers.pk, AnswerLink.objects.get().pk])
    for persona, status in (("curator_a2", 404), ("head_a", 403)):
        assert client_for(world, persona).post(url).status_code == status, persona
    assert AnswerLink.objects.exists()


def test_the_mentor_gets_a_link_too(world, teachers, mailoutbox, client, django_capture_on_commit_callbacks):
    url = reverse("influence_mentor_link", args=[teachers.pk, Purpose.QUALITY])
    data = {"recipient": LinkRecipient.PARTICIPANT, "email": "olga@example.ru", "submission": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(world, "curator_a1").post(url, data).status_code == 302
    template = template_for(teachers, Purpose.QUALITY, "mentor")
    answer = reverse("influence_answer", args=[sent_token(mailoutbox)])
    assert client.post(answer, answers(template)).status_code == 200
    response = Response.objects.get()
    assert response.participation is None and response.role == "mentor"


def test_answers_through_links_are_limited_per_address(teachers, sent, client, settings):
    settings.ANSWER_LINK_POSTS_PER_ADDRESS = "2/h"
    url = reverse("influence_answer", args=[sent])
    for _ in range(2):
        client.post(url, {})  # invalid: shown again
    limited = client.post(url, answers(mentee_template(teachers)))
    assert limited.status_code == 429 and "Слишком много отправок" in limited.content.decode()
    assert not Response.objects.exists()


def test_erasing_the_person_removes_the_links_sent_for_them(world, teachers, sent):
    from influence.privacy import erase

    erase(teachers.participations.get().mentee)
    assert not AnswerLink.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="answerlink").exists()


@pytest.mark.django_db(transaction=True)
def test_two_sendings_at_once_save_one_questionnaire(world):
    """Two phones send the same link at the same moment: the second waits on the link's row lock, finds
    it used and gets the neutral page; one questionnaire is saved."""
    import importlib
    import threading

    from django.apps import apps
    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: two sendings never save together there")
    # Transactional tests run after others' flushes took the seeded lists away: put them back.
    importlib.import_module("registry.migrations.0003_seed_reference_lists").seed(apps, None)
    if not template_for_any():
        importlib.import_module("influence.migrations.0002_seed_questionnaires").seed(apps, None)
    mentor = factories.teacher(world.school_a1)
    pair = factories.pair(mentor, [factories.teacher(world.school_a1)], format_name="учитель – учитель")
    participation = pair.participations.get()
    link = links.send_link(
        pair=pair,
        participation=participation,
        purpose=Purpose.BEFORE,
        recipient=LinkRecipient.PARTICIPANT,
        email="anna@example.ru",
        user=world.curator_a1,
        site_url="http://testserver/",
    )
    token = "c" * 43
    AnswerLink.objects.filter(pk=link.pk).update(token_hash=links.hash_token(token))
    data = answers(mentee_template(pair), scale=6)
    url = reverse("influence_answer", args=[token])
    start, statuses = threading.Barrier(2), []

    def send_once() -> None:
        try:
            start.wait()
            statuses.append(Client().post(url, data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 404]
    assert Response.objects.filter(pair=pair).count() == 1


def template_for_any() -> bool:
    from influence.models import QuestionnaireTemplate

    return QuestionnaireTemplate.objects.filter(department__isnull=True).exists()
