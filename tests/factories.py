"""Factories chain department → organisation → people, so that tenants never mix by accident."""

from datetime import date

import factory

from registry.models import (
    Consent,
    ConsentGiver,
    EducationDepartment,
    Membership,
    MentoringFormat,
    MentoringPair,
    MentoringProgram,
    Organisation,
    OrganisationKind,
    Person,
    PersonCategory,
    Role,
    User,
)
from registry.services.pairs import save_pair

PASSWORD = "correct-horse-battery"


class EducationDepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationDepartment

    code = factory.Sequence(lambda n: f"dep{n}")
    name = factory.Sequence(lambda n: f"Управление образования округа № {n}")
    region = "Амурская область"
    municipality = factory.Sequence(lambda n: f"Муниципальный округ № {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    department = factory.SubFactory(EducationDepartmentFactory)
    code = factory.Sequence(lambda n: f"org{n}")
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n}")
    full_name = factory.LazyAttribute(
        lambda o: f"Муниципальное бюджетное общеобразовательное учреждение «{o.short_name}»"
    )
    kind = OrganisationKind.SCHOOL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Иванова"
    first_name = "Анна"
    patronymic = "Петровна"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.METHODIST
    department = factory.SubFactory(EducationDepartmentFactory)
    organisation = None


def methodist(department, **kwargs) -> User:
    return MembershipFactory(role=Role.METHODIST, department=department, **kwargs).user


def head(department, **kwargs) -> User:
    return MembershipFactory(role=Role.HEAD, department=department, **kwargs).user


def coordinator(region, username: str = "coordinator") -> User:
    """A regional coordinator of `region`: no Membership in any department."""
    from registry.models import RegionalCoordinator

    user = UserFactory(username=username, last_name="Областная", first_name="Вера", patronymic="Ильинична")
    RegionalCoordinator.objects.create(user=user, region=region)
    return user


def curator(organisation, **kwargs) -> User:
    return MembershipFactory(
        role=Role.CURATOR, department=organisation.department, organisation=organisation, **kwargs
    ).user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    last_name = factory.Sequence(lambda n: f"Петров{n}")
    first_name = "Иван"
    patronymic = "Сергеевич"
    birth_year = 2011
    category = PersonCategory.STUDENT
    class_or_group = "7 Б"


def teacher(organisation, **kwargs) -> Person:
    defaults = {
        "category": PersonCategory.TEACHER,
        "birth_year": 1980,
        "class_or_group": "",
        "position": "учитель математики",
        "max_mentees": 2,
    }
    return PersonFactory(organisation=organisation, **{**defaults, **kwargs})


def student(organisation, **kwargs) -> Person:
    return PersonFactory(organisation=organisation, **kwargs)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    given_by = ConsentGiver.REPRESENTATIVE
    representative_name = "Петрова Мария Ивановна"
    representative_relation = "мать"
    given_on = date(2025, 9, 1)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringProgram

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Программа наставничества на 2025–2026 учебный год"
    start_date = date(2025, 9, 1)


def mentoring_format(name: str) -> MentoringFormat:
    """A seeded common form by its name: «ученик – ученик», «учитель – учитель» …"""
    return MentoringFormat.objects.get(name=name, department__isnull=True)


def pair(mentor, mentees, *, format_name="ученик – ученик", **fields) -> MentoringPair:
    """A pair formed through the same service the pages use, so every rule applies."""
    values = {
        "organisation": mentees[0].organisation,
        "mentor": mentor,
        "format": mentoring_format(format_name),
        "entry_date": date(2025, 9, 15),
        **fields,
    }
    return save_pair(MentoringPair(**values), mentees)


def export_params(**choice) -> dict:
    """An export job's parameters as the export page stores them (jobs/runner.py start_export)."""
    bases = {"base": "mentees", "period": "current", "organisations": [], "filters": {}, "format": "xlsx", **choice}
    return {"exporter": "bases", "params": bases}
