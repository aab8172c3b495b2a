"""Logging in and out, changing and resetting a password, and the lockout after failed logins."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_russian(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Вход в реестр наставничества" in page
    assert 'lang="ru"' in page


def test_curator_logs_in_and_lands_on_home(world):
    client = Client()
    response = login(client, "curator_a1", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "МБОУ СОШ № 1" in client.get(reverse("home")).content.decode()


def test_wrong_password_is_answered_in_russian(world):
    page = login(Client(), "curator_a1", "wrong").content.decode()
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in page


def test_anonymous_is_sent_to_login_and_back(world):
    client = Client()
    target = reverse("organisation_detail", args=[world.school_a1.pk])
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"
    response = client.post(reverse("login"), {"username": "curator_a1", "password": PASSWORD, "next": target})
    assert response["Location"] == target


def test_logout_needs_post_and_ends_the_session(as_persona):
    client = as_persona("curator_a1")
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_failed_logins_lock_the_account_for_a_while(world, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "curator_a1", "wrong")
    response = login(client, "curator_a1", PASSWORD)
    assert response.status_code == 429
    assert "Вход временно заблокирован" in response.content.decode()
    # Another user from the same address is not locked out.
    assert login(Client(), "curator_a2", PASSWORD).status_code == 302


def test_a_success_before_the_limit_resets_the_count(world, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "curator_a1", "wrong")
    assert login(client, "curator_a1", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "curator_a1", "wrong")
    assert login(client, "curator_a1", PASSWORD).status_code == 302


def test_password_change(as_persona, world):
    client = as_persona("curator_a1")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Novyj-parol-2026", "new_password2": "Novyj-parol-2026"},
    )
    assert response.status_code == 302
    world.curator_a1.refresh_from_db()
    assert world.curator_a1.check_password("Novyj-parol-2026")


def test_password_change_rejects_a_weak_password_in_russian(as_persona):
    response = as_persona("curator_a1").post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "Введённый пароль слишком широко распространён" in response.content.decode()


def _link_from(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)


def test_password_reset_by_email_in_russian(world):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": world.curator_a1.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.subject == "Реестр наставничества: восстановление пароля"
    assert "curator_a1" in message.body
    link = _link_from(message)
    form_page = client.get(link, follow=True)
    assert "Установите пароль" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Drugoj-parol-2026", "new_password2": "Drugoj-parol-2026"},
    )
    assert response.status_code == 302
    assert login(Client(), "curator_a1", "Drugoj-parol-2026").status_code == 302


def test_password_reset_for_unknown_address_says_nothing_and_sends_nothing(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_idle_session_expires(as_persona, settings):
    client = as_persona("curator_a1")
    client.get(reverse("home"))
    session = client.session
    assert session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(session_key=session.session_key).update(expire_date=timezone.now())
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["methodist_a", "curator_a1"])
def test_every_request_renews_the_idle_timer(as_persona, persona, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = as_persona(persona)
    client.get(reverse("home"))
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get(reverse("organisation_list"))
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1)


def test_a_request_soon_after_the_last_renewal_writes_no_session(as_persona, settings):
    """The idle deadline is renewed when it has moved by a minute (registry/sessions.py), not on every request:
    a page a few seconds after the last renewal leaves the session row as it was."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_persona("curator_a1")
    client.get(reverse("home"))
    key = client.session.session_key
    deadline = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("organisation_list")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == deadline
