"""«Справочники»: a methodist extends the common lists for the department; everyone there reads them."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import MeetingKind, MentoringFormat, MentoringKind, MentoringPair, Participants, RoleModel
from registry.services.pairs import save_pair
from tests import factories

DUPLICATE = "Такой элемент уже есть в списке."


def url_new(kind: str) -> str:
    return reverse("reference_create", kwargs={"kind": kind})


def shown_version(client, url: str) -> str:
    """The (signed) version the edit page carries, as a browser posts it back."""
    return client.get(url).context["form"]["version"].value()


def url_edit(kind: str, item) -> str:
    return reverse("reference_edit", kwargs={"kind": kind, "pk": item.pk})


def format_names(response) -> list[str]:
    return [row.item.name for row in response.context["format_rows"]]


def role_model_names(response, format_name: str) -> list[str]:
    (row,) = [row for row in response.context["format_rows"] if row.item.name == format_name]
    return [role_model.item.name for role_model in row.role_models]


def section_rows(response, kind: str) -> list:
    (section,) = [section for section in response.context["sections"] if section["kind"] == kind]
    return section["rows"]


@pytest.fixture
def own_format_a(world) -> MentoringFormat:
    return MentoringFormat.objects.create(
        department=world.department_a, name="выпускник – ученик", participants=Participants.ANY, position=20
    )


@pytest.fixture
def own_kind_b(world) -> MentoringKind:
    return MentoringKind.objects.create(department=world.department_b, name="сетевое", position=20)


def test_methodist_adds_a_format_and_its_role_model_for_the_own_department_only(as_persona, world):
    client = as_persona("methodist_a")
    response = client.post(
        url_new("formats"), {"name": "  педагог   – студент ", "participants": "staff", "position": "8"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reference_list") + "#formats"
    mentoring_format = MentoringFormat.objects.get(name="педагог – студент")
    assert (mentoring_format.department, mentoring_format.participants) == (world.department_a, "staff")
    assert mentoring_format.is_active

    response = client.post(
        url_new("role-models"), {"format": mentoring_format.pk, "name": "наставник – практикант", "position": "1"}
    )
    assert response.status_code == 302
    role_model = RoleModel.objects.get(name="наставник – практикант")
    assert (role_model.department, role_model.format) == (world.department_a, mentoring_format)

    index = client.get(reverse("reference_list"))
    assert "педагог – студент" in format_names(index)
    assert role_model_names(index, "педагог – студент") == ["наставник – практикант"]
    assert "Только педагоги и работники ОО" in index.content.decode()
    for persona in ["head_a", "curator_a1", "curator_a2"]:
        assert "педагог – студент" in format_names(as_persona(persona).get(reverse("reference_list"))), persona
    other = as_persona("methodist_b").get(reverse("reference_list"))
    assert "педагог – студент" not in format_names(other)
    assert "наставник – практикант" not in other.content.decode()


def test_a_role_model_added_to_a_common_form_stays_in_the_department(as_persona, world):
    common = factories.mentoring_format("ученик – ученик")
    as_persona("methodist_a").post(
        url_new("role-models"), {"format": common.pk, "name": "старший – младший", "position": "9"}
    )
    assert RoleModel.objects.get(name="старший – младший").department == world.department_a
    own = role_model_names(as_persona("head_a").get(reverse("reference_list")), "ученик – ученик")
    assert own == ["успевающий – неуспевающий", "лидер – пассивный", "равный – равному", "старший – младший"]
    other = role_model_names(as_persona("methodist_b").get(reverse("reference_list")), "ученик – ученик")
    assert "старший – младший" not in other


def test_the_index_marks_common_and_own_items_and_shows_buttons_to_the_methodist_only(
    as_persona, own_format_a, own_kind_b
):
    response = as_persona("methodist_a").get(reverse("reference_list"))
    rows = {row.item.name: row for row in response.context["format_rows"]}
    assert rows["ученик – ученик"].item.is_common and not rows["ученик – ученик"].can_edit
    assert rows["выпускник – ученик"].can_edit
    assert "сетевое" not in [row.item.name for row in section_rows(response, "kinds")], "B's kind is not listed"
    page = response.content.decode()
    assert url_edit("formats", own_format_a) in page
    assert url_new("kinds") in page
    assert "Любые участники" in page and "Только обучающиеся (наставник и наставляемый)" in page

    for persona in ["head_a", "curator_a1"]:
        page = as_persona(persona).get(reverse("reference_list")).content.decode()
        assert "выпускник – ученик" in page, persona
        assert url_new("kinds") not in page and url_edit("formats", own_format_a) not in page, persona


@pytest.mark.parametrize("name", ["Выпускник – Ученик", "выпускник  –  ученик", "ВЫПУСКНИК – УЧЕНИК"])
def test_a_duplicate_of_an_own_item_is_refused(as_persona, own_format_a, name):
    response = as_persona("methodist_a").post(
        url_new("formats"), {"name": name, "participants": "any", "position": "1"}
    )
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    assert MentoringFormat.objects.filter(department=own_format_a.department).count() == 1


@pytest.mark.parametrize(
    "kind, model, name",
    [
        ("kinds", MentoringKind, "Реверсивное"),
        ("kinds", MentoringKind, "ТРАДИЦИОННОЕ («ОДИН-НА-ОДИН»)"),
        ("meeting-kinds", MeetingKind, "Итоговая встреча"),
        ("formats", MentoringFormat, "Ученик – Ученик"),
    ],
)
def test_the_name_of_a_common_item_is_refused(as_persona, kind, model, name):
    before = model.objects.count()
    response = as_persona("methodist_a").post(url_new(kind), {"name": name, "participants": "any", "position": "1"})
    assert response.status_code == 200
    assert DUPLICATE in response.content.decode()
    assert model.objects.count() == before


def test_a_role_model_is_unique_within_its_form(as_persona, world):
    common = factories.mentoring_format("ученик – ученик")
    client = as_persona("methodist_a")
    response = client.post(url_new("role-models"), {"format": common.pk, "name": "Равный – Равному", "position": "1"})
    assert DUPLICATE in response.content.decode()
    assert not RoleModel.objects.filter(department=world.department_a).exists()
    # The same name under another form is a different role model.
    other = factories.mentoring_format("студент – ученик")
    client.post(url_new("role-models"), {"format": other.pk, "name": "равный – равному", "position": "1"})
    assert RoleModel.objects.filter(department=world.department_a, format=other).count() == 1


def test_another_departments_item_does_not_block_the_name(as_persona, world, own_kind_b):
    response = as_persona("methodist_a").post(url_new("kinds"), {"name": "Сетевое", "position": "1"})
    assert response.status_code == 302
    assert MentoringKind.objects.get(department=world.department_a).name == "Сетевое"


def test_two_departments_add_the_same_role_model_to_a_common_form(as_persona, world):
    common = factories.mentoring_format("ученик – ученик")
    for persona in ("methodist_b", "methodist_a"):
        response = as_persona(persona).post(
            url_new("role-models"), {"format": common.pk, "name": "старший – младший", "position": "9"}
        )
        assert response.status_code == 302, persona
    assert RoleModel.objects.filter(name="старший – младший").count() == 2


def test_renaming_into_an_existing_name_is_refused(as_persona, world, own_format_a):
    other = MentoringFormat.objects.create(department=world.department_a, name="работник – студент")
    response = as_persona("methodist_a").post(
        url_edit("formats", other),
        {"name": "выпускник – УЧЕНИК", "participants": "any", "position": "5", "is_active": "on"},
    )
    assert DUPLICATE in response.content.decode()
    other.refresh_from_db()
    assert other.name == "работник – студент"


def test_methodist_renames_reorders_and_hides_an_own_item(as_persona, own_format_a):
    client = as_persona("methodist_a")
    url = url_edit("formats", own_format_a)
    data = {"name": "выпускник школы – ученик", "participants": "students", "position": "3"}  # is_active unticked
    response = client.post(url, {**data, "version": shown_version(client, url)})
    assert response.status_code == 302
    own_format_a.refresh_from_db()
    assert (own_format_a.name, own_format_a.position, own_format_a.participants, own_format_a.is_active) == (
        "выпускник школы – ученик",
        3,
        "students",
        False,
    )
    index = client.get(reverse("reference_list"))
    (row,) = [row for row in index.context["format_rows"] if row.item.pk == own_format_a.pk]
    assert not row.item.is_active and row.can_edit
    assert "скрыт" in index.content.decode()
    assert "выпускник школы – ученик" in as_persona("curator_a1").get(reverse("reference_list")).content.decode()


def test_the_add_link_under_a_form_preselects_it(as_persona, own_format_a):
    client = as_persona("methodist_a")
    link = f"{url_new('role-models')}?format={own_format_a.pk}"
    assert link in client.get(reverse("reference_list")).content.decode()
    assert client.get(link).context["form"]["format"].value() == str(own_format_a.pk)


def test_a_hidden_form_is_not_offered_for_a_new_role_model(as_persona, own_format_a):
    own_format_a.is_active = False
    own_format_a.save()
    form = as_persona("methodist_a").get(url_new("role-models")).context["form"]
    assert own_format_a not in form.fields["format"].queryset
    assert factories.mentoring_format("ученик – ученик") in form.fields["format"].queryset


def test_the_participants_rule_of_a_form_in_use_does_not_change(as_persona, world, own_format_a):
    mentor = factories.teacher(world.school_a1)
    save_pair(
        MentoringPair(organisation=world.school_a1, mentor=mentor, format=own_format_a, entry_date=date(2025, 9, 15)),
        [factories.student(world.school_a1)],
    )
    client = as_persona("methodist_a")
    url = url_edit("formats", own_format_a)
    data = {"name": "выпускник – ученик", "participants": "staff", "position": "4", "is_active": "on"}
    response = client.post(url, {**data, "version": shown_version(client, url)})
    assert response.status_code == 302
    own_format_a.refresh_from_db()
    assert (own_format_a.participants, own_format_a.position) == ("any", 4)


@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_edits_a_common_item(as_persona, method):
    common = MentoringKind.objects.get(name="реверсивное")
    response = getattr(as_persona("methodist_a"), method)(url_edit("kinds", common), {"name": "другое"})
    assert response.status_code == 403
    common.refresh_from_db()
    assert common.name == "реверсивное"


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_departments_item_does_not_exist_for_methodist_a(as_persona, own_kind_b, method):
    response = getattr(as_persona("methodist_a"), method)(url_edit("kinds", own_kind_b), {"name": "другое"})
    assert response.status_code == 404
    own_kind_b.refresh_from_db()
    assert own_kind_b.name == "сетевое"


def test_an_item_is_edited_only_through_its_own_list(as_persona, own_format_a):
    assert as_persona("methodist_a").get(url_edit("kinds", own_format_a)).status_code == 404


@pytest.mark.parametrize("persona", ["head_a", "curator_a1"])
def test_head_and_curator_only_read(as_persona, own_format_a, persona):
    client = as_persona(persona)
    assert client.get(url_new("kinds")).status_code == 403
    assert client.post(url_new("kinds"), {"name": "сетевое", "position": "1"}).status_code == 403
    assert client.post(url_edit("formats", own_format_a), {"name": "другое"}).status_code == 403
    assert not MentoringKind.objects.filter(name="сетевое").exists()


def test_an_unknown_list_is_not_found(as_persona, own_format_a):
    client = as_persona("methodist_a")
    assert client.get(url_new("colours")).status_code == 404
    assert client.post(url_new("colours"), {"name": "синий"}).status_code == 404
    assert client.get(reverse("reference_edit", kwargs={"kind": "colours", "pk": own_format_a.pk})).status_code == 404


def test_methodist_cannot_add_into_another_department(as_persona, world):
    response = as_persona("methodist_a").post(
        url_new("kinds"), {"department": world.department_b.pk, "name": "сетевое", "position": "1"}
    )
    assert response.status_code == 302
    assert MentoringKind.objects.get(name="сетевое").department == world.department_a


def test_a_role_model_cannot_join_another_departments_form(as_persona, world):
    foreign = MentoringFormat.objects.create(department=world.department_b, name="волонтёр – ученик")
    response = as_persona("methodist_a").post(
        url_new("role-models"), {"format": foreign.pk, "name": "старший – младший", "position": "1"}
    )
    assert response.status_code == 200
    assert "format" in response.context["form"].errors
    assert not RoleModel.objects.filter(name="старший – младший").exists()


def test_a_methodist_of_two_departments_picks_one_of_them(world):
    factories.MembershipFactory(user=world.methodist_a, department=world.department_b)
    third = factories.EducationDepartmentFactory(code="third")
    own_format_b = MentoringFormat.objects.create(department=world.department_b, name="волонтёр – ученик")
    client = Client()
    client.force_login(world.methodist_a)

    form = client.get(url_new("role-models")).context["form"]
    assert set(form.fields["department"].queryset) == {world.department_a, world.department_b}

    refused = client.post(url_new("kinds"), {"department": third.pk, "name": "сетевое", "position": "1"})
    assert "department" in refused.context["form"].errors
    mismatch = client.post(
        url_new("role-models"),
        {"department": world.department_a.pk, "format": own_format_b.pk, "name": "старший – младший", "position": "1"},
    )
    assert "format" in mismatch.context["form"].errors

    client.post(
        url_new("role-models"),
        {"department": world.department_b.pk, "format": own_format_b.pk, "name": "старший – младший", "position": "1"},
    )
    assert RoleModel.objects.get(name="старший – младший").department == world.department_b
    assert not MentoringKind.objects.filter(name="сетевое").exists()
    index = client.get(reverse("reference_list"))
    assert index.context["show_department"]
    assert "волонтёр – ученик" in format_names(index)
