from datetime import date

import pytest

from registry.models import RoleModel
from tests import factories


@pytest.fixture
def school_pairs(world):
    """School A1's curator «Соколовская Алина Игоревна» and three pairs: two without an order, one with."""
    user = world.curator_a1
    user.last_name, user.first_name, user.patronymic = "Соколовская", "Алина", "Игоревна"
    user.save()
    school = world.school_a1
    role_model = RoleModel.objects.get(name="опытный педагог – молодой специалист", department__isnull=True)
    mentor = factories.teacher(school, last_name="Шевченко", first_name="Ольга", patronymic="Ивановна")
    young = factories.teacher(
        school, last_name="Петрова-Водкина", first_name="Елена", patronymic="Кузьминична", position="учитель истории"
    )
    first = factories.pair(
        mentor,
        [young],
        format_name="учитель – учитель",
        role_model=role_model,
        entry_date=date(2026, 9, 1),
        planned_end_date=date(2027, 5, 31),
    )
    leader = factories.student(
        school, last_name="Черных", first_name="Иван", patronymic="Петрович", birth_year=2010, class_or_group="10 А"
    )
    mentees = [
        factories.student(school, last_name="Ким", first_name="Виктор", patronymic="Енович", class_or_group="7 Б"),
        factories.student(school, last_name="Долгих", first_name="Мария", patronymic="Андреевна", class_or_group="7 Б"),
    ]
    second = factories.pair(leader, mentees, entry_date=date(2026, 9, 15))
    old_mentor = factories.student(school, last_name="Старов", birth_year=2009)
    third = factories.pair(
        old_mentor,
        [factories.student(school, last_name="Новиков")],
        entry_date=date(2025, 9, 1),
        order_number="12-о",
        order_date=date(2025, 9, 10),
    )
    return first, second, third
