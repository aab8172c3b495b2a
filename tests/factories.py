"""Factories chain department → organisation → people, so that tenants never mix by accident."""

import factory

from registry.models import EducationDepartment, Membership, Organisation, OrganisationKind, Role, User

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


def curator(organisation, **kwargs) -> User:
    return MembershipFactory(
        role=Role.CURATOR, department=organisation.department, organisation=organisation, **kwargs
    ).user
