"""common.russian: the plural form that goes with a number, the gender that goes with a person."""

import pytest
from django.template import Context, Template

from common.russian import counted, gender, gendered, plural
from registry.models import Person

PAIR = ("пара", "пары", "пар")


@pytest.mark.parametrize(
    "number, word",
    [
        (0, "пар"),
        (1, "пара"),
        (2, "пары"),
        (4, "пары"),
        (5, "пар"),
        (11, "пар"),
        (12, "пар"),
        (14, "пар"),
        (21, "пара"),
        (22, "пары"),
        (25, "пар"),
        (101, "пара"),
        (111, "пар"),
        (112, "пар"),
        (1004, "пары"),
    ],
)
def test_the_word_goes_with_the_number(number, word):
    assert plural(number, *PAIR) == word
    assert counted(number, *PAIR) == f"{number} {word}"


@pytest.mark.parametrize(
    "last, first, patronymic, expected",
    [
        ("Соколова", "Ирина", "Петровна", "f"),
        ("Белов", "Илья", "Ильич", "m"),
        ("Мамедов", "Эльчин", "Рашид оглы", "m"),
        ("Алиева", "Айгюн", "Вагиф кызы", "f"),
        ("Ким", "Марина", "", "f"),  # no patronymic: the first name
        ("Ли", "Никита", "", "m"),
        ("Сорокина", "Саша", "", "f"),  # Саша is both: the surname
        ("Пак", "Женя", "", ""),  # nothing tells
    ],
)
def test_the_gender_comes_from_the_patronymic_then_the_name_then_the_surname(last, first, patronymic, expected):
    assert gender(last, first, patronymic) == expected


def test_a_verb_takes_the_persons_gender_or_both_forms():
    assert (
        gendered(Person(last_name="Соколова", first_name="Ирина", patronymic="Петровна"), "добавлен", "добавлена")
        == "добавлена"
    )
    assert gendered(Person(last_name="Белов", first_name="Илья", patronymic="Ильич"), "был", "была") == "был"
    unknown = Person(last_name="Пак", first_name="Женя")
    assert gendered(unknown, "добавлен", "добавлена") == "добавлен(а)"
    assert gendered(unknown, "перемещён", "перемещена") == "перемещён / перемещена"


def test_the_template_filters():
    template = Template(
        '{% load russian %}{{ n|counted:"несовершеннолетний,несовершеннолетних,несовершеннолетних" }}; '
        '{{ n|plural:"день,дня,дней" }}; {{ person|gendered:"отметил,отметила" }}'
    )
    person = Person(last_name="Соколова", first_name="Ирина", patronymic="Петровна")
    assert template.render(Context({"n": 1, "person": person})) == "1 несовершеннолетний; день; отметила"
    assert template.render(Context({"n": 3, "person": person})).startswith("3 несовершеннолетних; дня")
