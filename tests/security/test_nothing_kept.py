"""«Nothing kept past its right» findings of the independent attack (issue 24)."""

from __future__ import annotations

import pytest
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
