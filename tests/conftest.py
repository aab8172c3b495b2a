"""Personas of the users' stories, in two departments so that tenants can be seen not to mix.

Department A (Кедровский): school A1 and school A2. Department B (Заречный): school B1. Department A
belongs to a region («Кедровская область») whose coordinator reads its aggregates; department B to none.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from registry.models import EducationDepartment, Region
from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s a password; the suite checks access, not PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded and exported files of a test go to its own temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    department_a: object
    department_b: object
    school_a1: object
    school_a2: object
    school_b1: object
    methodist_a: object
    head_a: object
    curator_a1: object
    curator_a2: object
    methodist_b: object
    region: object = None
    coordinator: object = None


@pytest.fixture
def world(db) -> World:
    department_a = factories.EducationDepartmentFactory(
        code="kedr", name="Управление образования Кедровского округа", municipality="Кедровский округ"
    )
    department_b = factories.EducationDepartmentFactory(
        code="zarech", name="Комитет образования Заречного района", municipality="Заречный район"
    )
    school_a1 = factories.OrganisationFactory(department=department_a, code="a1", short_name="МБОУ СОШ № 1")
    school_a2 = factories.OrganisationFactory(department=department_a, code="a2", short_name="МБОУ СОШ № 2")
    school_b1 = factories.OrganisationFactory(department=department_b, code="b1", short_name="МБОУ Лицей № 7")
    region = Region.objects.create(code="kedr-obl", name="Министерство образования Кедровской области")
    EducationDepartment.objects.filter(pk=department_a.pk).update(in_region=region)
    department_a.in_region = region
    return World(
        department_a=department_a,
        department_b=department_b,
        school_a1=school_a1,
        school_a2=school_a2,
        school_b1=school_b1,
        methodist_a=factories.methodist(department_a, user__username="methodist_a"),
        head_a=factories.head(department_a, user__username="head_a"),
        curator_a1=factories.curator(school_a1, user__username="curator_a1"),
        curator_a2=factories.curator(school_a2, user__username="curator_a2"),
        methodist_b=factories.methodist(department_b, user__username="methodist_b"),
        region=region,
        coordinator=factories.coordinator(region),
    )


PERSONAS = ["methodist_a", "head_a", "curator_a1", "curator_a2", "methodist_b", "coordinator", "anonymous"]


def client_for(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


@pytest.fixture
def as_persona(world):
    """as_persona("curator_a1") → a test client logged in as that persona."""
    return lambda persona: client_for(world, persona)
