"""`manage.py indicators`: the table as TSV or JSON, and its Russian refusals."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from monitoring.models import Contingent
from registry.models import PersonCategory
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    """School A1: two pupils of 13 in a pair from 2023, 40 of them reported for 2024 only."""
    school = world.school_a1
    mentor = factories.PersonFactory(
        organisation=school, category=PersonCategory.COLLEGE_STUDENT, birth_year=2003, class_or_group=""
    )
    factories.pair(
        mentor,
        [factories.student(school, birth_year=2011), factories.student(school, birth_year=2011)],
        format_name="студент – ученик",
        entry_date=date(2023, 9, 1),
    )
    Contingent.objects.create(organisation=school, year=2024, students_total=60, students_10_18=40)
    return world


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_tsv(registry):
    lines = run("--department", "kedr", "--years", "2023-2024").splitlines()
    assert lines[0] == "Показатель\t2023\t2024"
    assert len(lines) == 9
    rows = {line.split("\t")[0].split(".")[0]: line.split("\t")[1:] for line in lines[1:]}
    assert lines[1].startswith("1. Доля ОО, реализующих систему наставничества\t")
    assert rows["1"] == ["50.0", "50.0"]  # A1 of A1 and A2
    assert rows["2"] == ["0", "0"]
    assert rows["3"] == ["", "5.0"]  # no contingent for 2023: missing, not 0
    assert rows["8"] == ["", ""]


def test_json(registry):
    payload = json.loads(run("--department", "kedr", "--years", "2024", "--format", "json"))
    assert payload["years"] == [2024]
    assert payload["departments"] == [{"code": "kedr", "name": "Управление образования Кедровского округа"}]
    by_code = {row["code"]: row for row in payload["indicators"]}
    assert by_code["students_mentees_share"]["values"]["2024"] == {
        "value": 5.0,
        "numerator": 2,
        "denominator": 40,
        "reported": 1,
        "organisations": 2,
        "numerator_all": 2,
    }
    assert by_code["young_teachers_share"]["target"] == 70
    assert by_code["young_teachers_share"]["values"]["2024"]["value"] is None
    assert by_code["programs_count"]["unit"] == "шт."
    assert [row["number"] for row in payload["indicators"]] == list(range(1, 9))


def test_default_years_and_a_region(registry):
    lines = run("--department", "kedr", "--department", "zarech").splitlines()
    assert lines[0].split("\t")[1] == "2023"
    assert lines[0].split("\t")[-1] == str(date.today().year)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--department", "nowhere"], "Нет муниципалитета с кодом «nowhere»"),
        (["--department", "kedr", "--years", "2024-2021"], "начальный год 2024 больше конечного 2021"),
        (["--department", "kedr", "--years", "abc"], "«abc» — не год и не диапазон лет"),
        (["--department", "kedr", "--years", "1990-1991"], "от 2000 до 2100"),
    ],
)
def test_errors_are_explained(registry, args, words):
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert words in str(caught.value)
