"""`{% crispy_once %}` (common/crispy.py): a blank form's HTML rendered once and reused; anything the user
typed or an error is rendered as crispy renders it."""

from django.template import Context, Template

from common import crispy
from registry.forms.people import NewMenteeForm


def render(form) -> str:
    return Template("{% load crispy_once %}{% crispy_once form %}").render(Context({"form": form}))


def test_a_blank_form_is_rendered_once_and_the_same_as_crispy_renders_it(monkeypatch):
    from crispy_forms.utils import render_crispy_form

    crispy._rendered.clear()
    calls = []
    monkeypatch.setattr(crispy, "render_crispy_form", lambda form: calls.append(form) or render_crispy_form(form))
    first = render(NewMenteeForm(prefix="new_mentee-0"))
    again = render(NewMenteeForm(prefix="new_mentee-0"))
    other = render(NewMenteeForm(prefix="new_mentee-1"))
    assert first == again == render_crispy_form(NewMenteeForm(prefix="new_mentee-0"))
    assert 'name="new_mentee-1-last_name"' in other and 'name="new_mentee-0-last_name"' not in other
    assert len(calls) == 2  # one per prefix


def test_what_the_user_typed_and_the_errors_are_rendered_each_time():
    crispy._rendered.clear()
    render(NewMenteeForm(prefix="new_mentee-0"))
    typed = NewMenteeForm({"new_mentee-0-last_name": "Ёлкин", "new_mentee-0-birth_year": "12"}, prefix="new_mentee-0")
    typed.is_valid()
    html = render(typed)
    assert 'value="Ёлкин"' in html and "is-invalid" in html
    assert render(NewMenteeForm(prefix="new_mentee-0", initial={"last_name": "Пётров"})).count('value="Пётров"') == 1
