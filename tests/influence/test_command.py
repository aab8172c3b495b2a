"""`manage.py influence`: the municipality's table of influence as TSV or JSON, and its Russian refusals."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from influence.models import GrowthGroup, Purpose, QuestionKind, Role
from influence.services import save_response, template_for
from tests import factories

pytestmark = pytest.mark.django_db

FORM = "студент – ученик"


def enter(pair, participation, purpose, score):
    template = template_for(pair, purpose, Role.MENTOR if participation is None else Role.MENTEE)
    values = {q.pk: score for q in template.questions.filter(kind=QuestionKind.SCALE)}
    save_response(pair=pair, participation=participation, template=template, values=values, user=None)


@pytest.fixture
def registry(world):
    """Department «kedr»: a pair of 2025 in A1 (the mentor 5 → 7, the pupil 6 → 5) and one of 2026 in A2
    (the pupil 4 → 8); department «zarech»: a pair of 2025 whose mentor goes 1 → 10."""
    for school, entry_date, mentor_scores, mentee_scores in (
        (world.school_a1, date(2025, 9, 15), (5, 7), (6, 5)),
        (world.school_a2, date(2026, 2, 1), None, (4, 8)),
        (world.school_b1, date(2025, 9, 15), (1, 10), None),
    ):
        pair = factories.pair(
            factories.teacher(school), [factories.student(school)], format_name=FORM, entry_date=entry_date
        )
        for participation, scores in ((None, mentor_scores), (pair.participations.get(), mentee_scores)):
            for purpose, score in zip((Purpose.BEFORE, Purpose.AFTER), scores or (), strict=False):
                enter(pair, participation, purpose, score)
    return world


def run(*args) -> str:
    out = io.StringIO()
    call_command("influence", *args, stdout=out)
    return out.getvalue()


GROUPS = [group.label for group in GrowthGroup]


def test_tsv(registry):
    lines = [line.split("\t") for line in run("--department", "kedr").splitlines()]
    assert lines[0] == [
        "Год",
        "Форма наставничества",
        "Роль",
        "Группа роста",
        "Участников с обеими анкетами",
        "Среднее изменение",
        "Доля улучшивших, %",
    ]
    assert lines[1:] == [
        *(["2025", FORM, "Наставник", group, "1", "2.00", "100.0"] for group in GROUPS),
        *(["2025", FORM, "Наставляемый", group, "1", "-1.00", "0.0"] for group in GROUPS),
        *(["2026", FORM, "Наставляемый", group, "1", "4.00", "100.0"] for group in GROUPS),
    ]


def test_years_narrow_the_table(registry):
    assert [line.split("\t")[0] for line in run("--department", "kedr", "--years", "2026").splitlines()[1:]] == [
        "2026"
    ] * 3
    assert run("--department", "kedr", "--years", "2025", "2026") == run("--department", "kedr")
    assert run("--department", "kedr", "--years", "2024-2026") == run("--department", "kedr")
    assert len(run("--department", "kedr", "--years", "2024").splitlines()) == 1  # the header alone


def test_json(registry):
    payload = json.loads(run("--department", "zarech", "--format", "json"))
    assert payload["department"] == {"code": "zarech", "name": "Комитет образования Заречного района"}
    assert payload["years"] is None
    assert payload["rows"] == [
        {
            "year": 2025,
            "format": FORM,
            "role": "mentor",
            "group": group.value,
            "participants": 1,
            "average_change": 9.0,
            "improved_share": 100.0,
        }
        for group in GrowthGroup
    ]
    assert json.loads(run("--department", "kedr", "--years", "2026", "--format", "json"))["years"] == [2026]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--department", "nowhere"], "Нет муниципалитета с кодом «nowhere»"),
        (["--department", "kedr", "--years", "двадцать"], "«двадцать» — не год и не диапазон лет"),
        (["--department", "kedr", "--years", "2026-2024"], "начальный год 2026 больше конечного 2024"),
        (["--department", "kedr", "--years", "1999"], "годы — от 2000 до 2100"),
    ],
)
def test_russian_refusals(registry, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
