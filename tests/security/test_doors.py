"""«Doors» findings of the independent attack (issue 24): accounts, password guessing, the client's address."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
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
