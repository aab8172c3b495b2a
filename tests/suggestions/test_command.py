import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from tests.suggestions.conftest import grown

YEAR = date.today().year


def test_suggest_mentors_prints_json(world, students):
    mentee = grown(world.school_a1, birth_year=YEAR - 14, main_request="подготовка к олимпиаде по физике")
    mentor = grown(world.school_a1, last_name="Физиков", birth_year=YEAR - 17, competencies="физика", max_mentees=1)
    out = StringIO()
    call_command("suggest_mentors", "--mentee", str(mentee.pk), "--limit", "3", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["format"] == "ученик – ученик"
    assert data["candidates"][0]["mentor"] == mentor.pk
    assert "Запрос и компетенции: физика" in data["candidates"][0]["reasons"]
    out = StringIO()
    call_command("suggest_mentors", "--mentee", str(mentee.pk), stdout=out)
    assert "1. Физиков" in out.getvalue()
