"""`manage.py send_reminders` as the weekly timer runs it: one letter per curator and methodist with
something to be reminded of (the letter «Напоминания» previews), nothing to those who turned the
letters off, have no address or nothing due; --dry-run sends nothing; a refused address does not stop
the others. (It replaced `roadmap_reminders`: the roadmap part keeps that command's stories.)"""

import io
import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reminders.models import ReminderSettings
from roadmap.models import Occurrence, Status
from tests.reminders.conftest import settle_contingents
from tests.roadmap.conftest import ddmmyyyy

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def mail_to(user) -> mail.EmailMessage:
    sent = [message for message in mail.outbox if message.to == [user.email]]
    assert len(sent) == 1, [message.to for message in mail.outbox]
    return sent[0]


def link(occurrence) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("roadmap_occurrence_edit", args=[occurrence.pk])


def test_each_responsible_user_gets_one_letter_of_the_roadmap_items_due(world, roadmaps):
    settle_contingents(world)
    today = timezone.localdate()
    _, err = run()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email for user in (world.methodist_a, world.curator_a1, world.curator_a2)
    )
    assert "Отправлено 3 письма." in err

    # The methodist: the municipal roadmap's own items (the schools' parts are the schools' to do).
    methodist = mail_to(world.methodist_a)
    assert methodist.subject == (
        "Напоминания реестра наставничества: 1 просроченный пункт дорожных карт, "
        "1 срок дорожных карт в ближайшие 30 дней"
    )
    body = methodist.body
    assert body.startswith("Здравствуйте, Анна Петровна!")
    assert f"Напоминания реестра наставничества на {today:%d.%m.%Y} — {world.department_a.name}." in body
    overdue, soon = body.split("ПРОСРОЧЕННЫЕ ПУНКТЫ ДОРОЖНЫХ КАРТ")[1].split("СРОКИ ДОРОЖНЫХ КАРТ В БЛИЖАЙШИЕ 30 ДНЕЙ")
    assert f"{ddmmyyyy(today - timedelta(days=5))} — 1.1. Утверждение рабочей группы" in overdue
    assert link(roadmaps.overdue.occurrences.get()) in overdue
    assert f"{ddmmyyyy(today + timedelta(days=10))} — 1.2. Совещание кураторов" in soon
    assert link(roadmaps.soon.occurrences.get()) in soon
    assert "Муниципальная дорожная карта" in body
    assert "Приказ ОО о наставничестве" not in body and "Назначение куратора" not in body
    assert "Корректировка положения" not in body  # «по необходимости»: never due
    assert settings.SITE_URL.rstrip("/") + reverse("roadmap_agenda") in body
    assert settings.SITE_URL.rstrip("/") + reverse("my_reminders") in body, "where to turn the letters off"

    # Curator A1: the school's own overdue item and the school's part of the «каждая ОО» item.
    body = mail_to(world.curator_a1).body
    overdue, soon = body.split("ПРОСРОЧЕННЫЕ ПУНКТЫ ДОРОЖНЫХ КАРТ")[1].split("СРОКИ ДОРОЖНЫХ КАРТ В БЛИЖАЙШИЕ 30 ДНЕЙ")
    assert f"{ddmmyyyy(today - timedelta(days=3))} — 1. Назначение куратора" in overdue
    assert "Дорожная карта СОШ № 1" in overdue and link(roadmaps.school_item.occurrences.get()) in overdue
    own_part = roadmaps.each.occurrences.get(organisation=world.school_a1)
    other_part = roadmaps.each.occurrences.get(organisation=world.school_a2)
    assert "1.3. Приказ ОО о наставничестве" in soon and "МБОУ СОШ № 1" in soon and link(own_part) in soon
    assert link(other_part) not in body and "МБОУ СОШ № 2" not in body
    assert "Утверждение рабочей группы" not in body and "Совещание кураторов" not in body

    # Curator A2: its part only.
    curator = mail_to(world.curator_a2)
    assert curator.subject == "Напоминания реестра наставничества: 1 срок дорожных карт в ближайшие 30 дней"
    assert "ПРОСРОЧЕННЫЕ" not in curator.body
    assert link(other_part) in curator.body and link(own_part) not in curator.body

    # The head and the other department's methodist: nothing.
    assert not [m for m in mail.outbox if m.to in ([world.head_a.email], [world.methodist_b.email])]
    assert ReminderSettings.objects.filter(last_sent_at__isnull=False).count() == 3


def test_dry_run_lists_the_letters_and_sends_nothing(world, roadmaps):
    settle_contingents(world)
    out, err = run("--dry-run")
    assert mail.outbox == []
    assert f"{world.curator_a2.email}: Напоминания реестра наставничества: 1 срок дорожных карт" in out
    assert world.methodist_a.email in out and world.curator_a1.email in out
    assert world.head_a.email not in out and world.methodist_b.email not in out
    assert err.startswith("Отправлено 3 письма.") and err.rstrip().endswith("(--dry-run: не отправлены)")
    assert not ReminderSettings.objects.filter(last_sent_at__isnull=False).exists()


def test_what_is_done_is_not_reminded_of(world, roadmaps):
    settle_contingents(world)
    Occurrence.objects.filter(item=roadmaps.school_item).update(status=Status.DONE, done_on=timezone.localdate())
    Occurrence.objects.filter(item=roadmaps.each, organisation=world.school_a2).update(
        status=Status.DONE, done_on=timezone.localdate()
    )
    _, err = run()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.methodist_a.email, world.curator_a1.email])
    curator = mail_to(world.curator_a1)
    assert "Назначение куратора" not in curator.body and "Приказ ОО о наставничестве" in curator.body
    assert "2 пользователя — напоминать не о чем" in err  # curator A2 and methodist B


def test_a_user_who_turned_the_letters_off_gets_none(world, roadmaps, as_persona):
    settle_contingents(world)
    as_persona("curator_a1").post(reverse("my_reminders"), {"letters": "off"})
    _, err = run()
    assert world.curator_a1.email not in [message.to[0] for message in mail.outbox]
    assert len(mail.outbox) == 2
    assert "1 пользователь — отключили письма" in err

    as_persona("curator_a1").post(reverse("my_reminders"), {"letters": "on"})
    mail.outbox.clear()
    run()
    assert mail_to(world.curator_a1)


def test_users_without_an_email_or_inactive_get_nothing(world, roadmaps):
    settle_contingents(world)
    world.curator_a1.email = ""
    world.curator_a1.save()
    world.curator_a2.is_active = False
    world.curator_a2.save()
    _, err = run()
    assert [message.to for message in mail.outbox] == [[world.methodist_a.email]]
    assert (
        "Отправлено 1 письмо. Не отправлено: 1 пользователь — без адреса электронной почты; "
        "1 пользователь — напоминать не о чем." in err  # methodist B
    )


def test_nothing_due_no_mail(world):
    settle_contingents(world)
    _, err = run()
    assert mail.outbox == [] and "Отправлено 0 писем." in err


def test_a_missing_contingent_alone_is_reminded_of(world):
    """No roadmaps at all: the schools without this year's contingent hear of it, and so do their methodists."""
    settle_contingents(world, world.school_a2, world.school_b1)
    run()
    year = timezone.localdate().year
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.curator_a1.email, world.methodist_a.email])
    curator = mail_to(world.curator_a1)
    assert curator.subject == f"Напоминания реестра наставничества: 1 организация без контингента за {year} год"
    assert f"МБОУ СОШ № 1: контингент за {year} год не внесён" in curator.body
    assert reverse("contingent_edit", args=[world.school_a1.pk, year]) in curator.body
    methodist = mail_to(world.methodist_a)
    assert methodist.subject == curator.subject, "the department's one school without it"
    assert "МБОУ СОШ № 2" not in methodist.body and "МБОУ Лицей № 7" not in methodist.body


class RefusingBackend(locmem.EmailBackend):
    """The SMTP server refuses one address (a mailbox that no longer exists)."""

    refused = "curator_a1@example.test"

    def send_messages(self, messages):
        for message in messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"5.1.1 No such user")})
        return super().send_messages(messages)


def test_a_refused_address_does_not_stop_the_others_letters(world, roadmaps, settings):
    settle_contingents(world)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(CommandError) as caught:
        run()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.methodist_a.email, world.curator_a2.email])
    assert "curator_a1@example.test" in str(caught.value) and "не отправлено" in str(caught.value).lower()
