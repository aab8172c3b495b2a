"""What the outside scanner found (docs/security.md), fixed and kept fixed."""

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import client_for


@pytest.mark.parametrize("name", ["staff_list", "person_list", "person_autocomplete", "pair_list", "access_log"])
def test_a_nul_byte_in_a_search_is_dropped_not_a_server_error(world, name):
    factories.student(world.school_a1, last_name="Ласточкина")
    response = client_for(world, "methodist_a").get(reverse(name) + "?q=Ласт%00очкина")
    assert response.status_code == 200
    if name == "person_list":
        assert "Ласточкина" in response.content.decode()
    if name == "person_autocomplete":
        assert "Ласточкина" in response.json()["results"][0]["text"], "the search still finds the person"
