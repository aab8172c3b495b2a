"""A curator keeps the school's people and their consents; a methodist checks them."""

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from registry.models import Consent, Person, PersonCategory
from tests import factories

NEW_STUDENT = {
    "last_name": "Ёлкин",
    "first_name": "Пётр",
    "patronymic": "Ильич",
    "birth_year": "2012",
    "category": "student",
    "class_or_group": "7 Б",
    "main_request": "Подтянуть математику",
}


def people(response) -> list[str]:
    return [p.full_name for p in response.context["page"].object_list]


def test_curator_adds_a_student_to_the_own_school(as_persona, world):
    response = as_persona("curator_a1").post(reverse("person_create"), NEW_STUDENT)
    person = Person.objects.get(last_name="Ёлкин")
    assert response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.organisation == world.school_a1


def test_a_curator_cannot_put_a_person_into_another_school(as_persona, world):
    as_persona("curator_a1").post(reverse("person_create"), {**NEW_STUDENT, "organisation": world.school_a2.pk})
    assert Person.objects.get(last_name="Ёлкин").organisation == world.school_a1, "the forged choice is ignored"


def test_a_methodist_chooses_among_the_departments_schools_only(as_persona, world):
    response = as_persona("methodist_a").post(
        reverse("person_create"), {**NEW_STUDENT, "organisation": world.school_b1.pk}
    )
    assert "Выберите корректный вариант" in response.content.decode()
    as_persona("methodist_a").post(reverse("person_create"), {**NEW_STUDENT, "organisation": world.school_a2.pk})
    assert Person.objects.get(last_name="Ёлкин").organisation == world.school_a2


@pytest.mark.parametrize("query", ["елкин", "ЁЛКИН", "Елкин Петр", "ёлкин пётр ильич"])
def test_search_finds_yolkin_whatever_the_case_and_yo(as_persona, world, query):
    factories.student(world.school_a1, last_name="Ёлкин", first_name="Пётр", patronymic="Ильич")
    factories.student(world.school_a1, last_name="Ельцов")
    response = as_persona("methodist_a").get(reverse("person_list"), {"q": query})
    assert people(response) == ["Ёлкин Пётр Ильич"]


def test_lists_show_only_the_scope(as_persona, world):
    factories.student(world.school_a1, last_name="Первый")
    factories.student(world.school_a2, last_name="Второй")
    factories.student(world.school_b1, last_name="Чужой")
    assert [n.split()[0] for n in people(as_persona("curator_a1").get(reverse("person_list")))] == ["Первый"]
    assert [n.split()[0] for n in people(as_persona("methodist_a").get(reverse("person_list")))] == ["Второй", "Первый"]


def test_filters_category_role_and_consent(as_persona, world):
    mentor = factories.teacher(world.school_a1, last_name="Наставникова", patronymic="Ивановна")
    mentee = factories.teacher(world.school_a1, last_name="Молодой", is_young_teacher=True)
    factories.pair(mentor, [mentee], format_name="учитель – учитель")
    minor = factories.student(world.school_a1, last_name="Малыш", birth_year=2014)
    consented = factories.student(world.school_a1, last_name="Согласный", birth_year=2014)
    factories.ConsentFactory(person=consented)
    client = as_persona("methodist_a")
    assert [p.split()[0] for p in people(client.get(reverse("person_list"), {"role": "mentor"}))] == ["Наставникова"]
    assert [p.split()[0] for p in people(client.get(reverse("person_list"), {"role": "mentee"}))] == ["Молодой"]
    assert [p.split()[0] for p in people(client.get(reverse("person_list"), {"consent": "missing"}))] == ["Малыш"]
    assert len(people(client.get(reverse("person_list"), {"category": "teacher"}))) == 2
    assert minor.pk


@pytest.mark.parametrize("rows", [3, 30])
def test_person_list_queries_do_not_grow_with_the_page(as_persona, world, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.student(world.school_a1)
    client = as_persona("methodist_a")
    # 9 for the page itself, 3 for the flags of the people shown (roles, consent), 2 for the access
    # log's one entry naming the minors shown
    with django_assert_num_queries(14):
        response = client.get(reverse("person_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"birth_year": ""}, "Для обучающегося год рождения обязателен"),
        ({"birth_year": "1812"}, "Год рождения — четыре цифры"),
        ({"category": "employee"}, "Для внешнего участника укажите место работы или учёбы."),
        ({"last_name": ""}, "Обязательное поле."),
        ({"is_young_teacher": "on"}, "только для педагогов и работников"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(as_persona, data, message):
    response = as_persona("curator_a1").post(reverse("person_create"), {**NEW_STUDENT, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Person.objects.count() == 0


def test_second_save_of_the_same_record_is_refused_and_keeps_the_typing(world):
    person = factories.student(world.school_a1, last_name="Общий")
    first, second = Client(), Client()
    first.force_login(world.curator_a1)
    second.force_login(world.methodist_a)
    url = reverse("person_edit", args=[person.pk])
    form_first = first.get(url).context["form"]
    form_second = second.get(url).context["form"]

    def payload(form, **changes):
        data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
        data.update(changes)
        return {k: ("on" if v is True else v) for k, v in data.items() if v is not False}

    assert first.post(url, payload(form_first, class_or_group="8 А")).status_code == 302
    response = second.post(url, payload(form_second, class_or_group="9 В", main_request="Мой текст"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Эту запись уже изменил другой пользователь" in page
    assert "Мой текст" in page  # what the second user typed stays in the form
    person.refresh_from_db()
    assert person.class_or_group == "8 А"


def test_every_change_is_in_the_audit_trail_with_its_author(as_persona, world):
    person = factories.student(world.school_a1, last_name="Аудитов")
    client = as_persona("curator_a1")
    url = reverse("person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(class_or_group="10 А")
    client.post(url, {k: v for k, v in data.items() if v is not False and v is not True})
    entry = LogEntry.objects.get_for_object(person).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == world.curator_a1
    assert entry.changes_dict["class_or_group"] == ["7 Б", "10 А"]
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "История изменений" in page and "10 А" in page


def test_a_person_with_pairs_is_archived_not_deleted(as_persona, world):
    mentor = factories.student(world.school_a1, last_name="Старший", birth_year=2008)
    mentee = factories.student(world.school_a1, last_name="Младший")
    factories.pair(mentor, [mentee])
    client = as_persona("curator_a1")
    page = client.get(reverse("person_delete", args=[mentor.pk])).content.decode()
    assert "перемещается в архив" in page
    response = client.post(reverse("person_delete", args=[mentor.pk]), {"reason": "Выбыл из школы"})
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.archived_at is not None and mentor.archive_reason == "Выбыл из школы"
    assert people(client.get(reverse("person_list"))) == [mentee.full_name]
    assert people(client.get(reverse("person_list"), {"archived": "on"})) == [mentor.full_name]


def test_archiving_needs_a_reason(as_persona, world):
    mentor = factories.student(world.school_a1, birth_year=2008)
    factories.pair(mentor, [factories.student(world.school_a1)])
    response = as_persona("curator_a1").post(reverse("person_delete", args=[mentor.pk]), {"reason": ""})
    assert response.status_code == 200
    mentor.refresh_from_db()
    assert mentor.archived_at is None


def test_a_person_without_pairs_is_deleted_with_a_trace(as_persona, world):
    person = factories.student(world.school_a1, last_name="Ошибочный")
    response = as_persona("curator_a1").post(reverse("person_delete", args=[person.pk]))
    assert response["Location"] == reverse("person_list")
    assert not Person.objects.filter(pk=person.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(person.pk), action=LogEntry.Action.DELETE).exists()


def test_consent_of_a_minor_is_given_by_a_representative(as_persona, world):
    minor = factories.student(world.school_a1, birth_year=2013)
    client = as_persona("curator_a1")
    url = reverse("consent_create", args=[minor.pk])
    response = client.post(url, {"given_by": "self", "given_on": "01.09.2025"})
    assert "согласие даёт законный представитель" in response.content.decode()
    response = client.post(url, {"given_by": "representative", "given_on": "01.09.2025"})
    assert "Обязательно, когда согласие дал законный представитель." in response.content.decode()
    assert not Consent.objects.exists()
    client.post(
        url,
        {
            "given_by": "representative",
            "representative_name": "Иванова Мария Петровна",
            "representative_relation": "мать",
            "given_on": "01.09.2025",
        },
    )
    consent = Consent.objects.get()
    assert (consent.recorded_by, consent.given_on.isoformat()) == (world.curator_a1, "2025-09-01")


def test_a_minor_without_consent_is_flagged_on_the_card_and_in_lists(as_persona, world):
    minor = factories.student(world.school_a1, last_name="Безсогласия", birth_year=2013)
    client = as_persona("curator_a1")
    assert "без действующего согласия" in client.get(reverse("person_detail", args=[minor.pk])).content.decode()
    assert "нет согласия" in client.get(reverse("person_list")).content.decode()
    consent = factories.ConsentFactory(person=minor)
    assert "нет согласия" not in client.get(reverse("person_list")).content.decode()
    client.post(
        reverse("consent_withdraw", args=[consent.pk]), {"withdrawn_on": "01.03.2026", **_version(client, consent)}
    )
    consent.refresh_from_db()
    assert consent.withdrawn_on.isoformat() == "2026-03-01"
    assert "нет согласия" in client.get(reverse("person_list")).content.decode()


def _version(client, consent) -> dict:
    form = client.get(reverse("consent_withdraw", args=[consent.pk])).context["form"]
    return {"version": form["version"].value()}


def test_withdrawal_before_the_consent_is_refused(as_persona, world):
    consent = factories.ConsentFactory(person=factories.student(world.school_a1))
    client = as_persona("curator_a1")
    response = client.post(
        reverse("consent_withdraw", args=[consent.pk]), {"withdrawn_on": "01.01.2020", **_version(client, consent)}
    )
    assert "не может быть отозвано раньше, чем дано" in response.content.decode()


def test_autocomplete_offers_only_people_in_scope(as_persona, world):
    factories.student(world.school_a1, last_name="Ёжиков")
    factories.student(world.school_b1, last_name="Ежов")
    results = as_persona("curator_a1").get(reverse("person_autocomplete"), {"q": "еж"}).json()["results"]
    assert [r["text"].split()[0] for r in results] == ["Ёжиков"]
    results = as_persona("methodist_b").get(reverse("person_autocomplete"), {"q": "еж"}).json()["results"]
    assert [r["text"].split()[0] for r in results] == ["Ежов"]


def test_changing_a_category_that_breaks_a_pair_is_explained(as_persona, world):
    mentor = factories.student(world.school_a1, birth_year=2008)
    mentee = factories.student(world.school_a1, last_name="Ученик")
    factories.pair(mentor, [mentee])
    client = as_persona("curator_a1")
    url = reverse("person_edit", args=[mentee.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(category=PersonCategory.TEACHER, class_or_group="")
    response = client.post(url, {k: v for k, v in data.items() if v is not False and v is not True})
    assert "Участники не подходят для этой формы наставничества." in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.category == PersonCategory.STUDENT


def test_the_history_reads_as_the_user_sees_the_person(as_persona, world):
    """Labels, not field names; names, not ids; «да»/«нет»; moments in local time as дд.мм.гггг чч:мм; no
    relations, ids or bookkeeping; a creation in one line; a save that changed nothing visible not shown."""
    from django.utils import timezone

    client = as_persona("curator_a1")
    client.post(reverse("person_create"), {**NEW_STUDENT, "is_young_specialist": "on"})
    person = Person.objects.get(last_name="Ёлкин")
    mentor = factories.student(world.school_a1, birth_year=2008)
    factories.pair(mentor, [person])
    client.post(reverse("person_delete", args=[person.pk]), {"reason": "Переехал"})  # archived: has a pair
    person.refresh_from_db()
    assert person.archived_at is not None
    response = client.get(reverse("person_detail", args=[person.pk]))
    rows = response.context["history"]
    created = [row for row in rows if row.action == "создание"]
    assert len(created) == 1 and created[0].changes == []
    summary = created[0].summary
    assert "Фамилия: Ёлкин" in summary and "Год рождения: 2012" in summary
    assert "Категория: " + PersonCategory.STUDENT.label in summary
    assert f"Образовательная организация: {world.school_a1}" in summary and "Молодой специалист: да" in summary
    assert "Педагог до 35 лет" not in summary  # a box left unticked
    archived = [row for row in rows if row.action == "изменение"]
    assert len(archived) == 1
    moment = timezone.localtime(person.archived_at).strftime("%d.%m.%Y %H:%M")
    assert {(c.field, c.old, c.new) for c in archived[0].changes} == {
        ("В архиве с", "—", moment),
        ("Причина архивирования", "—", "Переехал"),
    }
    page = response.content.decode()
    history = page[page.index("История изменений") :]
    for leak in ("registry.", "None", "Id", "ID:", "Создан:", "Изменён:", "Consents", "Participations", "+00:00"):
        assert leak not in history, leak


def test_a_consent_is_entered_with_the_person_or_neither_is_saved(as_persona, world):
    """A curator who already holds the signed consent enters it with the new pupil, on one page."""
    client = as_persona("curator_a1")
    page = client.get(reverse("person_create")).content.decode()
    assert "Согласие получено — внести вместе с участником" in page
    consent = {
        "consent-recorded": "on",
        "consent-given_by": "representative",
        "consent-representative_name": "Ёлкина Анна Петровна",
        "consent-representative_relation": "мать",
        "consent-given_on": "01.09.2026",
    }
    # A minor's consent given by the pupil: refused, and the pupil is not saved either.
    response = client.post(reverse("person_create"), {**NEW_STUDENT, **consent, "consent-given_by": "self"})
    assert "согласие даёт законный представитель" in response.content.decode()
    assert not Person.objects.filter(last_name="Ёлкин").exists()
    response = client.post(reverse("person_create"), {**NEW_STUDENT, **consent})
    person = Person.objects.get(last_name="Ёлкин")
    assert response["Location"] == reverse("person_detail", args=[person.pk])
    saved = person.consents.get()
    assert (saved.representative_name, saved.given_on.isoformat(), saved.recorded_by) == (
        "Ёлкина Анна Петровна",
        "2026-09-01",
        world.curator_a1,
    )
    # Without the tick, the consent's fields are ignored.
    client.post(reverse("person_create"), {**NEW_STUDENT, "last_name": "Второв", **consent, "consent-recorded": ""})
    assert not Person.objects.get(last_name="Второв").consents.exists()


def test_the_person_forms_blocks_name_their_categories(as_persona):
    form = as_persona("curator_a1").get(reverse("person_create")).content.decode()
    assert 'data-for-categories="student"' in form and 'data-for-categories="teacher staff"' in form
