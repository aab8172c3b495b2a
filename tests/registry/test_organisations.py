"""A methodist keeps the municipality's organisations; everyone sees only their own part."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from registry.models import Organisation, OrganisationKind
from tests import factories


def names(response) -> list[str]:
    return [o.short_name for o in response.context["page"].object_list]


def test_methodist_sees_the_whole_department_and_nothing_of_another(as_persona, world):
    response = as_persona("methodist_a").get(reverse("organisation_list"))
    assert names(response) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]


def test_curator_sees_only_the_own_school(as_persona):
    assert names(as_persona("curator_a1").get(reverse("organisation_list"))) == ["МБОУ СОШ № 1"]


def test_search_ignores_case_and_yo(as_persona, world):
    factories.OrganisationFactory(
        department=world.department_a,
        code="ds",
        short_name="МБДОУ д/с «Берёзка»",
        kind=OrganisationKind.KINDERGARTEN,
    )
    client = as_persona("methodist_a")
    for query in ["БЕРЕЗКА", "берёзка", "  березк "]:
        assert names(client.get(reverse("organisation_list"), {"q": query})) == ["МБДОУ д/с «Берёзка»"]
    assert names(client.get(reverse("organisation_list"), {"q": "лицей"})) == [], "B's school stays hidden"


def test_filter_by_kind_and_sort(as_persona, world):
    factories.OrganisationFactory(
        department=world.department_a, code="ddt", short_name="МБОУ ДО ДДТ", kind=OrganisationKind.ADDITIONAL
    )
    client = as_persona("methodist_a")
    assert names(client.get(reverse("organisation_list"), {"kind": "additional"})) == ["МБОУ ДО ДДТ"]
    assert names(client.get(reverse("organisation_list"), {"sort": "-name"})) == [
        "МБОУ СОШ № 2",
        "МБОУ СОШ № 1",
        "МБОУ ДО ДДТ",
    ]


def test_bad_filter_values_show_the_full_list_instead_of_failing(as_persona):
    response = as_persona("methodist_a").get(reverse("organisation_list"), {"kind": "zoo", "department": "x"})
    assert response.status_code == 200
    assert names(response) == ["МБОУ СОШ № 1", "МБОУ СОШ № 2"]


def test_list_is_paginated_with_a_fixed_number_of_queries(as_persona, world, django_assert_num_queries):
    factories.OrganisationFactory.create_batch(30, department=world.department_a)
    client = as_persona("methodist_a")
    # session, user, scope, count, page, and the request's savepoint pair (the session is renewed once a
    # minute, not on every request: registry/sessions.py)
    with django_assert_num_queries(7):
        first = client.get(reverse("organisation_list"))
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("organisation_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 7
    assert "Показано 26–32 из 32" in second.content.decode()


def test_methodist_adds_an_organisation(as_persona, world):
    response = as_persona("methodist_a").post(
        reverse("organisation_create"),
        {
            "short_name": "МБОУ СОШ № 9",
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
            "«Средняя общеобразовательная школа № 9»",
            "kind": "school",
            "code": "sosh9",
        },
    )
    organisation = Organisation.objects.get(code="sosh9")
    assert response["Location"] == reverse("organisation_detail", args=[organisation.pk])
    assert organisation.department == world.department_a


def test_methodist_cannot_put_an_organisation_into_another_department(as_persona, world):
    as_persona("methodist_a").post(
        reverse("organisation_create"),
        {
            "department": world.department_b.pk,
            "short_name": "Чужая",
            "full_name": "Чужая школа",
            "kind": "school",
            "code": "alien",
        },
    )
    assert Organisation.objects.get(code="alien").department == world.department_a


def test_duplicate_code_is_refused_in_russian_and_nothing_is_saved(as_persona, world):
    before = Organisation.objects.count()
    response = as_persona("methodist_a").post(
        reverse("organisation_create"),
        {"short_name": "Ещё одна", "full_name": "Ещё одна школа", "kind": "school", "code": "A1"},
    )
    assert response.status_code == 200
    assert "Организация с таким кодом в муниципалитете уже есть." in response.content.decode()
    assert Organisation.objects.count() == before


def test_the_same_code_is_fine_in_another_department(as_persona, world):
    as_persona("methodist_b").post(
        reverse("organisation_create"),
        {"short_name": "Школа", "full_name": "Школа", "kind": "school", "code": "a1"},
    )
    assert Organisation.objects.filter(code="a1").count() == 2


@pytest.mark.parametrize(
    "data, error",
    [
        ({"code": "школа 1"}, "Код: латинские буквы"),
        ({"kind": "zoo"}, "Выберите корректный вариант"),
        ({"short_name": ""}, "Обязательное поле"),
    ],
)
def test_bad_input_is_explained(as_persona, data, error):
    form = {"short_name": "Школа", "full_name": "Школа", "kind": "school", "code": "x1", **data}
    response = as_persona("methodist_a").post(reverse("organisation_create"), form)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Organisation.objects.filter(full_name="Школа").exists()


def test_methodist_edits_an_organisation(as_persona, world):
    url = reverse("organisation_edit", args=[world.school_a1.pk])
    client = as_persona("methodist_a")
    client.post(
        url,
        {
            "short_name": "МБОУ СОШ № 1 им. Пушкина",
            "full_name": "Полное",
            "kind": "school",
            "code": "a1",
            "version": client.get(url).context["form"]["version"].value(),
        },
    )
    world.school_a1.refresh_from_db()
    assert world.school_a1.short_name == "МБОУ СОШ № 1 им. Пушкина"
    assert world.school_a1.search_text.startswith("мбоу сош № 1 им. пушкина")


def test_detail_shows_curators_and_manage_buttons_only_to_the_methodist(as_persona, world):
    url = reverse("organisation_detail", args=[world.school_a1.pk])
    methodist_page = as_persona("methodist_a").get(url).content.decode()
    head_page = as_persona("head_a").get(url).content.decode()
    assert "Иванова Анна Петровна" in methodist_page and "Иванова Анна Петровна" in head_page
    assert "Назначить куратора" in methodist_page
    assert "Назначить куратора" not in head_page and "Изменить" not in head_page


@pytest.mark.parametrize(
    "fields, constraint",
    [
        ({"code": "a1"}, "registry_organisation_code_unique_in_department"),
        ({"kind": "zoo"}, "registry_organisation_kind_valid"),
        ({"code": ""}, "registry_organisation_code_not_empty"),
        ({"short_name": ""}, "registry_organisation_names_not_empty"),
    ],
)
def test_the_database_itself_refuses_invalid_organisations(world, fields, constraint):
    values = {
        "department": world.department_a,
        "short_name": "Ш",
        "full_name": "Школа",
        "kind": "school",
        "code": "zz",
        **fields,
    }
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Organisation.objects.create(**values)
    message = str(error.value)
    # PostgreSQL names the constraint; SQLite names a CHECK constraint, and a UNIQUE one by its columns.
    assert constraint in message or (
        "unique" in constraint and "registry_organisation.department_id, registry_organisation.code" in message
    )
