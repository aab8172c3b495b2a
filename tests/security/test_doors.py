"""«Doors» findings of the independent attack (issue 24): accounts, password guessing, the client's address."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from common.web import client_ip
from registry.models import PersonalDataAccess
from tests import factories
from tests.conftest import client_for
from tests.test_settings import run_django


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("", "198.51.100.7", "198.51.100.7"),  # nginx on the unix socket: gunicorn gives no peer address
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # nginx on the loopback (a trusted proxy)
        ("203.0.113.9", "198.51.100.7", "203.0.113.9"),  # gunicorn reached directly: the header is the client's
        ("203.0.113.9", "", "203.0.113.9"),
        ("127.0.0.1", "not an address", "127.0.0.1"),
    ],
)
def test_the_client_address_is_believed_only_from_a_trusted_proxy(peer, header, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_REAL_IP=header)
    assert client_ip(request) == expected


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_trusted_proxies_are_networks_from_the_settings():
    factory = RequestFactory()
    assert client_ip(factory.get("/", REMOTE_ADDR="10.4.5.6", HTTP_X_REAL_IP="198.51.100.7")) == "198.51.100.7"
    assert client_ip(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")) == "127.0.0.1"


def test_a_forged_address_does_not_reach_the_personal_data_access_log(world):
    minor = factories.student(world.school_a1, last_name="Ласточкина", birth_year=2013)
    client = client_for(world, "curator_a1")
    response = client.get(
        reverse("person_detail", args=[minor.pk]), REMOTE_ADDR="203.0.113.9", HTTP_X_REAL_IP="1.2.3.4"
    )
    assert response.status_code == 200
    assert PersonalDataAccess.objects.get().address == "203.0.113.9"


def test_a_wrong_trusted_proxy_stops_the_start():
    result = run_django({"DEBUG": "1", "TRUSTED_PROXIES": "nginx.local"}, "check")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- 13. Password guessing ---------------------------------------------------------------------------------


@override_settings(LOGIN_FAILURES_PER_ADDRESS="20/15m")
def test_password_spraying_from_one_address_is_stopped(world, client):
    """4 guesses on each of 8 accounts from one address passed the per-login lockout."""
    accounts = [factories.curator(world.school_a1, user__username=f"teacher{n}") for n in range(8)]
    for user in accounts:
        for guess in range(4):
            client.post(reverse("login"), {"username": user.username, "password": f"guess{guess}"})
    right = factories.UserFactory(username="honest")
    response = client.post(reverse("login"), {"username": right.username, "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "с вашего адреса под разными логинами" in response.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.20").post(
        reverse("login"), {"username": right.username, "password": factories.PASSWORD}
    )
    assert other.status_code == 302, "another address signs in as usual"


def test_the_old_password_of_the_change_form_cannot_be_guessed_without_limit(world):
    client = client_for(world, "curator_a1")
    answers = [
        client.post(
            reverse("password_change"),
            {"old_password": f"guess{n}", "new_password1": "Nov-parol-2026!", "new_password2": "Nov-parol-2026!"},
        ).status_code
        for n in range(7)
    ]
    assert answers[:5] == [200] * 5 and answers[5:] == [429, 429]


def test_password_reset_sends_a_few_letters_to_one_address(world, client, mailoutbox):
    for _ in range(6):
        response = client.post(reverse("password_reset"), {"email": world.curator_a1.email})
        assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 3
