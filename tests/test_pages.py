"""Error pages in Russian, dates as дд.мм.гггг, and nothing loaded from another host."""

import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from tests import factories

ROOT = Path(settings.BASE_DIR)


def test_not_found_page_is_russian(as_persona):
    response = as_persona("curator_a1").get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_forbidden_page_is_russian(as_persona):
    response = as_persona("head_a").get(reverse("organisation_create"))
    assert response.status_code == 403
    assert "Недостаточно прав" in response.content.decode()


def test_server_error_page_is_russian_and_needs_no_context(db):
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Ошибка на сервере" in response.content.decode()


def test_the_demo_with_debug_on_shows_the_products_pages_not_djangos(as_persona, world, settings, caplog):
    """The demo runs with DEBUG on: a wrong address, another school's person and an error show the Russian
    pages, never Django's technical ones (which list every URL and the code)."""
    from mentoring.middleware import ProductErrorPages

    settings.DEBUG = True
    client = as_persona("curator_a1")
    other = factories.student(world.school_b1)
    for url in ("/no-such-page/", reverse("person_detail", args=[other.pk]), "/people/999999/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 404 and "Страница не найдена" in page, url
        assert "URLconf" not in page and "Page not found" not in page and "Raised by" not in page, url
    assert client.get("/people").status_code == 301  # the address without its slash still finds the page
    request = RequestFactory().get("/people/")
    error = RuntimeError("broken")
    response = ProductErrorPages(lambda request: None).process_exception(request, error)
    assert response.status_code == 500 and "Ошибка на сервере" in response.content.decode()
    assert "broken" not in response.content.decode()
    assert any(record.exc_info and record.exc_info[1] is error for record in caplog.records), "logged"
    settings.TECHNICAL_ERROR_PAGES = True  # a developer who asks for Django's pages gets them
    assert "URLconf" in client.get("/no-such-page/").content.decode()


def test_csrf_failure_is_explained(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()


def test_dates_are_shown_as_dd_mm_yyyy(db):
    template = engines["django"].from_string("{{ day }}|{{ day|date }}")
    assert template.render({"day": date(2026, 9, 1)}) == "01.09.2026|01.09.2026"


def test_dates_are_accepted_as_dd_mm_yyyy():
    from django import forms

    class F(forms.Form):
        day = forms.DateField()

    form = F({"day": "25.12.2019"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2019, 12, 25)
    assert "Введите правильную дату" in F({"day": "12/25/2019"}).errors["day"][0]


def test_no_template_loads_from_another_host():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        for match in re.finditer(r"""(?:src|href)=["'](?:https?:)?//""", path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_vendored_front_end_files_carry_their_licences():
    for folder in [
        "static/vendor/bootstrap",
        "static/vendor/htmx",
        "static/fonts/dejavu",
        "tests/browser/vendor/axe-core",  # the accessibility checks, for the tests only
    ]:
        assert (ROOT / folder / "LICENSE").is_file(), folder


def test_a_forms_own_errors_are_shown_once():
    """`{% crispy form %}` shows the form's own (non-field) errors itself: a template that also prints them
    shows each message twice."""
    twice = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for name in re.findall(r"\{% crispy (\w+) %\}", text):
            if f"{name}.non_field_errors" in text:
                twice.append(f"{template.relative_to(ROOT)}: {name}")
    assert not twice, twice


def test_a_pair_forms_rule_message_is_shown_once(as_persona, world):
    mentor = factories.student(world.school_a1, birth_year=2008)
    mentee = factories.student(world.school_a1)
    factories.pair(mentor, [mentee])
    data = {
        "format": factories.mentoring_format("ученик – ученик").pk,
        "entry_date": "15.09.2025",
        "stage": "preparation",
        "mentor_choice": mentor.pk,
        "mentees_choice": [mentee.pk],
        "new_mentee-TOTAL_FORMS": "0",
        "new_mentee-INITIAL_FORMS": "0",
        "new_mentee-MIN_NUM_FORMS": "0",
        "new_mentee-MAX_NUM_FORMS": "10",
    }
    page = as_persona("curator_a1").post(reverse("pair_create"), data).content.decode()
    assert page.count("уже ведёт") == 1
