"""The demo region: the demo municipality and a second small one under «Министерство образования и науки
Амурской области», the coordinator's login, and a regional collection the demo municipality has answered.

Every name is invented. Running it again changes nothing: rows are found by their codes, the small
municipality's people are made only while it has none.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from monitoring.models import Contingent
from region.models import RegionalAnswer, RegionalCollection
from registry.models import (
    EducationDepartment,
    MentoringFormat,
    MentoringPair,
    Organisation,
    OrganisationKind,
    Person,
    PersonCategory,
    Region,
    RegionalCoordinator,
    User,
)
from registry.services.pairs import save_pair
from reporting.models import Snapshot

REGION = {
    "code": "amur",
    "name": "Министерство образования и науки Амурской области",
    "centre": "Региональный центр наставничества ГАУ ДПО «Амурский институт развития образования»",
}
SECOND = {
    "code": "lugovskoy",
    "name": "Отдел образования администрации Луговского района",
    "region": "Амурская область",
    "municipality": "Луговской район",
    "methodical_centre": "Методический кабинет отдела образования",
}
SECOND_ORGANISATIONS = [
    (
        "sosh-lug",
        OrganisationKind.SCHOOL,
        "МОБУ СОШ с. Луговое",
        "Муниципальное общеобразовательное бюджетное учреждение «Средняя общеобразовательная школа с. Луговое»",
    ),
    (
        "sosh-pol",
        OrganisationKind.SCHOOL,
        "МОБУ ООШ с. Полевое",
        "Муниципальное общеобразовательное бюджетное учреждение «Основная общеобразовательная школа с. Полевое»",
    ),
    (
        "ds-lug",
        OrganisationKind.KINDERGARTEN,
        "МДОБУ д/с «Колосок»",
        "Муниципальное дошкольное образовательное бюджетное учреждение «Детский сад «Колосок»",
    ),
]
S, T = PersonCategory.STUDENT, PersonCategory.TEACHER
# organisation: [(mentor, [mentees], form)], each person (last, first, patronymic, birth year, category)
SECOND_PAIRS = {
    "sosh-lug": [
        (("Кузьмина", "Галина", "Петровна", 1969, T), [("Рябова", "Анна", "Сергеевна", 2001, T)], "учитель – учитель"),
        (
            ("Семенов", "Артём", "Ильич", 2009, S),
            [("Дроздов", "Кирилл", "Олегович", 2013, S), ("Пахомова", "Ева", "Денисовна", 2013, S)],
            "ученик – ученик",
        ),
        (("Власова", "Полина", "Романовна", 2010, S), [("Титов", "Глеб", "Артурович", 2014, S)], "ученик – ученик"),
    ],
    "sosh-pol": [
        (("Андреев", "Виктор", "Семёнович", 1972, T), [("Маркова", "Юлия", "Андреевна", 2000, T)], "учитель – учитель"),
        (("Котова", "Мария", "Ивановна", 2009, S), [("Лосев", "Никита", "Павлович", 2014, S)], "ученик – ученик"),
    ],
}
# code: (students total, aged 10–18, teachers, young specialists, young teachers under 35)
SECOND_NUMBERS = {"sosh-lug": (214, 120, 21, 2, 2), "sosh-pol": (88, 47, 11, 1, 1)}

COORDINATOR = ("region", "Дьячкова", "Лариса", "Геннадьевна")


@transaction.atomic
def fill(department: EducationDepartment, password: str) -> Region:
    """The region with the demo municipality and the small one, its coordinator, and a regional collection."""
    region, _ = Region.objects.update_or_create(
        code=REGION["code"], defaults={k: v for k, v in REGION.items() if k != "code"}
    )
    second, _ = EducationDepartment.objects.update_or_create(
        code=SECOND["code"], defaults={k: v for k, v in SECOND.items() if k != "code"}
    )
    EducationDepartment.objects.filter(pk__in=[department.pk, second.pk]).update(in_region=region)
    organisations = {}
    for code, kind, short_name, full_name in SECOND_ORGANISATIONS:
        organisations[code], _ = Organisation.objects.update_or_create(
            department=second, code=code, defaults={"kind": kind, "short_name": short_name, "full_name": full_name}
        )
    if not Person.objects.filter(organisation__department=second).exists():
        _fill_second(organisations)
    username, last, first, patronymic = COORDINATOR
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "last_name": last,
            "first_name": first,
            "patronymic": patronymic,
            "email": f"{username}@demo.invalid",
            "is_active": True,
        },
    )
    user.set_password(password)
    user.save()
    RegionalCoordinator.objects.get_or_create(user=user, region=region)
    _collection(region, department, user)
    return region


def _fill_second(organisations: dict[str, Organisation]) -> None:
    for code, pairs in SECOND_PAIRS.items():
        organisation = organisations[code]
        for mentor, mentees, form in pairs:
            pair = MentoringPair(
                organisation=organisation,
                mentor=_person(organisation, *mentor),
                format=MentoringFormat.objects.get(name=form, department__isnull=True),
                entry_date=date(2025, 10, 1),
                planned_end_date=date(2026, 5, 29),
            )
            save_pair(pair, [_person(organisation, *mentee) for mentee in mentees])
    for year, scale in ((2025, 0.98), (2026, 1.0)):
        for code, numbers in SECOND_NUMBERS.items():
            values = [round(n * scale) if i < 2 else n for i, n in enumerate(numbers)]
            Contingent.objects.get_or_create(
                organisation=organisations[code],
                year=year,
                defaults=dict(
                    zip(
                        ("students_total", "students_10_18", "teachers", "young_specialists", "young_teachers"),
                        values,
                        strict=True,
                    )
                ),
            )


def _person(organisation, last, first, patronymic, year, category) -> Person:
    return Person.objects.create(
        organisation=organisation,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        birth_year=year,
        category=category,
        **({"position": "учитель"} if category == T else {"class_or_group": "7 А"}),
    )


def _collection(region: Region, department: EducationDepartment, coordinator: User) -> None:
    """A regional collection over the years of the demo municipality's last snapshot, answered with it."""
    snapshot = Snapshot.objects.filter(department=department, taken_at__isnull=False).order_by("-taken_at").first()
    if snapshot is None or RegionalCollection.objects.filter(region=region).exists():
        return
    years = snapshot.data.get("years") or []
    if not years:
        return
    collection = RegionalCollection.objects.create(
        region=region,
        title="Мониторинг ЦМН в муниципалитетах области, июнь 2027",
        deadline=date(2027, 6, 10),
        first_year=min(years),
        last_year=max(years),
        created_by=coordinator,
    )
    RegionalAnswer.objects.create(
        collection=collection, department=department, snapshot=snapshot, answered_at=snapshot.taken_at
    )
