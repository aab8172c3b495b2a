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


def test_a_double_submitted_curator_invitation_is_explained_not_a_server_error(world, monkeypatch):
    """Two posts of the same invitation at once: the second finds the login taken after its form was valid."""
    from registry.forms.hierarchy import CuratorInviteForm
    from registry.models import User

    valid = CuratorInviteForm.is_valid

    def other_request_commits_first(form):
        result = valid(form)
        User.objects.create_user("new.curator", email="new.curator@example.test")
        return result

    monkeypatch.setattr(CuratorInviteForm, "is_valid", other_request_commits_first)
    response = client_for(world, "methodist_a").post(
        reverse("curator_invite", args=[world.school_a1.pk]),
        {"last_name": "Петрова", "first_name": "Анна", "email": "new.curator@example.test", "username": "new.curator"},
    )
    assert response.status_code == 200
    assert "уже" in response.content.decode()
    assert User.objects.filter(username="new.curator").count() == 1
