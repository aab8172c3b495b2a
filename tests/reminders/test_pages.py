"""«Напоминания» as the methodist and the curators use them: what each user will be reminded of (each
section for the right user only), the letter previewed is the letter sent, «Отправить сейчас» for one
and for all, the curator's own switch, and who may see whose reminders."""

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from reminders import letters
from reminders.models import ReminderSettings
from tests import factories
from tests.conftest import client_for
from tests.reminders.conftest import settle_contingents

pytestmark = pytest.mark.django_db

KINDS = [kind.slug for kind in letters.KINDS]


def counts_on_the_list(world, persona="methodist_a", **query) -> dict[str, dict[str, int]]:
    response = client_for(world, persona).get(reverse("reminder_list"), query)
    assert response.status_code == 200
    return {row.user.username: dict(zip(KINDS, row.counts, strict=True)) for row in response.context["page"]}


def preview(world, user, persona="methodist_a"):
    return client_for(world, persona).get(reverse("reminder_preview", args=[user.pk]))


def test_each_section_reaches_the_right_user_only(world, troubles, roadmaps):
    year = timezone.localdate().year
    counts = counts_on_the_list(world)
    assert set(counts) == {"methodist_a", "curator_a1", "curator_a2"}, "the head is not reminded; B is not ours"
    assert counts["curator_a1"] == {
        "roadmap_overdue": 1,
        "roadmap_due_soon": 1,
        "pairs_past_due": 1,
        "minors_without_consent": 1,
        "contingent_missing": 1,
    }
    assert counts["curator_a2"] == {
        "roadmap_overdue": 0,
        "roadmap_due_soon": 1,
        "pairs_past_due": 0,
        "minors_without_consent": 0,
        "contingent_missing": 0,
    }
    # The methodist: the municipal items' own dates, and the department's totals of the rest.
    assert counts["methodist_a"] == {
        "roadmap_overdue": 1,
        "roadmap_due_soon": 1,
        "pairs_past_due": 1,
        "minors_without_consent": 1,
        "contingent_missing": 1,
    }

    letter = preview(world, world.curator_a1).context["letter"]
    assert "1 пара с истёкшим сроком без результатов" in letter.subject
    assert "1 несовершеннолетний без согласия на обработку ПДн" in letter.subject
    assert f"1 организация без контингента за {year} год" in letter.subject
    assert reverse("pair_detail", args=[troubles.late_pair.pk]) in letter.body
    assert f"?section=consents&organisation={world.school_a1.pk}" in letter.body
    assert "Несогласнов" not in letter.body and "Наставникова" not in letter.body, "no names leave the registry"
    assert "Чужаков" not in letter.body and "Лицей" not in letter.body

    letter = preview(world, world.curator_a2).context["letter"]
    assert letter.subject == "Напоминания реестра наставничества: 1 срок дорожных карт в ближайшие 30 дней"
    assert "МБОУ СОШ № 1" not in letter.body
    assert reverse("pair_detail", args=[troubles.late_pair.pk]) not in letter.body


def test_the_list_counts_what_each_letter_says(world, troubles, roadmaps):
    counts = counts_on_the_list(world)
    for user in (world.methodist_a, world.curator_a1, world.curator_a2):
        reminder = preview(world, user).context["reminder"]
        assert reminder.counts() == counts[user.username], user.username


def test_the_list_costs_the_same_for_many_users(world, troubles, roadmaps):
    client = client_for(world, "methodist_a")
    client.get(reverse("reminder_list"))  # the figures kept
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("reminder_list"))
    for number in range(6):
        school = factories.OrganisationFactory(department=world.department_a, short_name=f"МБОУ ООШ № {number}")
        factories.curator(school)
        factories.student(school, birth_year=timezone.localdate().year - 10)
    client.get(reverse("reminder_list"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("reminder_list"))
    assert len(response.context["page"].object_list) == 9
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_letter_previewed_is_the_letter_sent(world, troubles, roadmaps):
    client = client_for(world, "methodist_a")
    page = client.get(reverse("reminder_preview", args=[world.curator_a1.pk]))
    shown = page.context["letter"]
    assert escape(shown.body) in page.content.decode()
    response = client.post(reverse("reminder_send", args=[world.curator_a1.pk]), follow=True)
    assert [message.to for message in mail.outbox] == [[world.curator_a1.email]]
    sent = mail.outbox[0]
    assert (sent.subject, sent.body) == (shown.subject, shown.body)
    assert f"Письмо отправлено: {world.curator_a1.full_name}, {world.curator_a1.email}." in response.content.decode()
    assert ReminderSettings.objects.get(user=world.curator_a1).last_sent_at is not None
    assert "Последнее письмо:" in response.content.decode()


def test_a_curator_turns_the_letters_off_and_send_now_respects_it(world, troubles, roadmaps):
    curator = client_for(world, "curator_a1")
    own = curator.get(reverse("my_reminders"))
    assert own.status_code == 200
    assert own.context["letter"].body == preview(world, world.curator_a1).context["letter"].body
    response = curator.post(reverse("my_reminders"), {"letters": "off"}, follow=True)
    assert "Письма-напоминания отключены" in response.content.decode()
    assert "Включить письма" in response.content.decode()

    methodist = client_for(world, "methodist_a")
    assert "отключила письма" in methodist.get(reverse("reminder_list")).content.decode()
    response = methodist.post(reverse("reminder_send", args=[world.curator_a1.pk]), follow=True)
    assert mail.outbox == []
    assert "Письмо не отправлено: Иванова Анна Петровна отключила письма-напоминания." in response.content.decode()

    response = methodist.post(reverse("reminder_send_all"), follow=True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([world.methodist_a.email, world.curator_a2.email])
    assert "Отправлено 2 письма. Не отправлено: 1 пользователь — отключили письма." in response.content.decode()

    curator.post(reverse("my_reminders"), {"letters": "on"})
    assert ReminderSettings.objects.get(user=world.curator_a1).letters_enabled
    changes = LogEntry.objects.get_for_model(ReminderSettings).order_by("pk")
    assert [(entry.actor, entry.changes_dict["letters_enabled"][1]) for entry in changes] == [
        (world.curator_a1, "False"),
        (world.curator_a1, "True"),
    ]
    assert curator.post(reverse("my_reminders"), {"letters": "maybe"}).status_code == 400


def test_send_to_all_says_who_was_skipped_and_why(world, roadmaps):
    settle_contingents(world)
    factories.curator(world.school_a2, user__email="", user__username="no_mail")
    response = client_for(world, "methodist_a").post(reverse("reminder_send_all"), follow=True)
    assert len(mail.outbox) == 3
    assert "Отправлено 3 письма. Не отправлено: 1 пользователь — без адреса электронной почты." in (
        response.content.decode()
    )


def test_the_list_is_searched_and_narrowed_to_an_organisation(world, troubles):
    assert set(counts_on_the_list(world, organisation=world.school_a1.pk)) == {"curator_a1"}
    assert set(counts_on_the_list(world, role="methodist")) == {"methodist_a"}
    assert set(counts_on_the_list(world, q="curator_a2")) == {"curator_a2"}
    response = client_for(world, "methodist_a").get(reverse("reminder_list"), {"organisation": world.school_b1.pk})
    assert response.status_code == 404, "another department's school is not found"


def test_a_methodist_sees_only_the_department_and_a_curator_nobody_else(world, troubles):
    assert preview(world, world.curator_a1, "methodist_b").status_code == 404
    assert set(counts_on_the_list(world, "methodist_b")) == {"methodist_b"}
    assert preview(world, world.curator_a2, "curator_a1").status_code == 403
    assert client_for(world, "curator_a1").get(reverse("reminder_list")).status_code == 403
    assert client_for(world, "head_a").get(reverse("my_reminders")).status_code == 403
    assert client_for(world, "curator_a1").post(reverse("reminder_send_all")).status_code == 403
    assert mail.outbox == []


def test_a_user_of_two_departments_is_shown_to_each_methodist_with_their_part_only(world, troubles):
    """Curator of A1 and of B's school: methodist A's preview and «send now» hold nothing of department B."""
    factories.MembershipFactory(
        user=world.curator_a1, role="curator", department=world.department_b, organisation=world.school_b1
    )
    settle_contingents(world, world.school_a1)
    letter = preview(world, world.curator_a1).context["letter"]
    assert "Лицей" not in letter.body and "МБОУ СОШ № 1" in letter.body
    assert "1 пара с истёкшим сроком" in letter.subject, "A1's pair, not B's"
    from_b = preview(world, world.curator_a1, "methodist_b").context["letter"]
    assert "Лицей" in from_b.body and "МБОУ СОШ № 1" not in from_b.body
    own = client_for(world, "curator_a1").get(reverse("my_reminders")).context["letter"]
    assert "2 пары с истёкшим сроком" in own.subject, "the user's own letter covers both schools"


def test_the_navigation_leads_to_the_reminders(world):
    assert reverse("reminder_list") in client_for(world, "methodist_a").get(reverse("home")).content.decode()
    curator_home = client_for(world, "curator_a1").get(reverse("home")).content.decode()
    assert reverse("my_reminders") in curator_home and f'href="{reverse("reminder_list")}"' not in curator_home
    assert reverse("my_reminders") not in client_for(world, "head_a").get(reverse("home")).content.decode()
