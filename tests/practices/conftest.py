from datetime import date

import pytest

from practices import services
from practices.models import Practice
from tests import factories


@pytest.fixture
def completed_pair(world):
    mentor = factories.teacher(world.school_a1, last_name="Ласточкина", first_name="Вера", patronymic="Ивановна")
    mentee = factories.teacher(world.school_a1, last_name="Соловьёв", first_name="Пётр", patronymic="Ильич")
    return factories.pair(mentor, [mentee], format_name="учитель – учитель", end_date=date(2026, 5, 30))


@pytest.fixture
def practice(world):
    return services.save_practice(
        Practice(
            organisation=world.school_a1,
            format=factories.mentoring_format("учитель – учитель"),
            title="Педагогическая мастерская",
            description="Молодые учителя ведут открытые уроки с наставником и разбирают их вместе.",
        ),
        None,
        user=world.curator_a1,
    )
