"""The methodist makes the department's own version of a questionnaire, refines it while nobody has answered
it, and finds it in force for the department's pairs; a version with answers is never changed under them."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from influence.models import USED_VERSION, GrowthGroup, Purpose, Question, QuestionKind, QuestionnaireTemplate
from influence.services import save_response, template_for
from registry.models import MentoringFormat
from tests import factories
from tests.conftest import client_for

TEACHER_BEFORE = "Анкета наставляемого педагога до начала программы"


@pytest.fixture
def common(db):
    """The common «before» questionnaire of a teacher mentee: 11 scale questions and the years of service."""
    return QuestionnaireTemplate.objects.get(department__isnull=True, title=TEACHER_BEFORE)


@pytest.fixture
def methodist(world):
    return client_for(world, "methodist_a")


def teachers_pair(school):
    return factories.pair(
        factories.teacher(school), [factories.teacher(school, last_name="Молодцова")], format_name="учитель – учитель"
    )


def copy(client, template, **data):
    return client.post(reverse("influence_template_copy", args=[template.pk]), {"title": template.title, **data})


def own_version(client, world, template) -> QuestionnaireTemplate:
    response = copy(client, template, department=world.department_a.pk)
    assert response.status_code == 302
    return QuestionnaireTemplate.objects.filter(department=world.department_a).latest("pk")


def orders_and_texts(template):
    return list(template.questions.order_by("order").values_list("order", "text"))


def shown_revision(client, name, instance) -> str:
    """The edit form's concurrency value as the page shows it (signed), which the browser posts back."""
    page = client.get(reverse(name, args=[instance.pk]), follow=True)
    form = page.context.get("form") if page.context else None
    return str(form["revision"].value()) if form is not None and "revision" in form.fields else ""


def question_data(**fields):
    return {"order": 13, "text": "Оцените поддержку администрации", "kind": "scale", "required": "on", **fields}


def snapshot(template):
    template.refresh_from_db()
    questions = list(
        template.questions.order_by("order").values_list("order", "text", "kind", "choices", "required", "growth_group")
    )
    return template.title, set(template.formats.values_list("pk", flat=True)), questions


def test_the_methodist_makes_the_departments_version_of_a_common_questionnaire(world, methodist, common):
    response = copy(methodist, common, department=world.department_a.pk)

    own = QuestionnaireTemplate.objects.get(department=world.department_a)
    assert response["Location"] == reverse("influence_template_detail", args=[own.pk])
    assert (own.title, own.purpose, own.role, own.version, own.is_seeded) == (
        TEACHER_BEFORE,
        "before",
        "mentee",
        2,
        False,
    )
    assert set(own.formats.values_list("name", flat=True)) == {
        "учитель – учитель",
        "руководитель образовательной организации – педагог",
    }
    assert orders_and_texts(own) == orders_and_texts(common)
    assert len(orders_and_texts(own)) == 12
    assert own.questions.get(order=12).kind == QuestionKind.NUMBER
    assert own.questions.get(order=12).required is False
    assert LogEntry.objects.get_for_object(own).filter(action=LogEntry.Action.CREATE).exists()
    page = methodist.get(response["Location"]).content.decode()
    assert "Создана версия 2 анкеты" in page
    assert "Изменить название и формы" in page


def test_each_new_version_of_the_same_title_counts_on(world, methodist, common):
    second = own_version(methodist, world, common)
    third = own_version(methodist, world, second)  # made from the department's own version
    renamed = own_version(methodist, world, common)
    assert [second.version, third.version, renamed.version] == [2, 3, 4]
    other = copy(methodist, common, title="Анкета молодого педагога", department=world.department_a.pk)
    assert other.status_code == 302
    assert QuestionnaireTemplate.objects.get(title="Анкета молодого педагога").version == 1


def test_the_new_version_is_in_force_for_the_departments_pairs_only(world, methodist, common):
    teachers_a, teachers_b = teachers_pair(world.school_a1), teachers_pair(world.school_b1)
    pupils_a = factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    assert template_for(teachers_a, Purpose.BEFORE, "mentee") == common

    own = own_version(methodist, world, common)

    assert template_for(teachers_a, Purpose.BEFORE, "mentee") == own
    assert template_for(teachers_b, Purpose.BEFORE, "mentee") == common
    assert template_for(pupils_a, Purpose.BEFORE, "mentee").title == "Анкета наставляемого до начала программы"


def test_the_list_groups_the_questionnaires_and_tells_which_is_in_force(world, methodist, common):
    own = own_version(methodist, world, common)
    page = methodist.get(reverse("influence_template_list"), {"purpose": "before", "role": "mentee"})
    assert page.status_code == 200
    groups = page.context["groups"]
    assert [group.title for group in groups] == ["До начала программы — наставляемый"]
    rows = {(row.template.title, row.template.version): row for row in groups[0].rows}
    assert set(rows) == {(TEACHER_BEFORE, 2), (TEACHER_BEFORE, 1), ("Анкета наставляемого до начала программы", 1)}
    teacher_formats = {"учитель – учитель", "руководитель образовательной организации – педагог"}
    assert {f.name for f in rows[(TEACHER_BEFORE, 2)].in_force_for} == teacher_formats
    assert rows[(TEACHER_BEFORE, 1)].in_force_for == []  # the own version took its forms
    general = {f.name for f in rows[("Анкета наставляемого до начала программы", 1)].in_force_for}
    active_common = set(
        MentoringFormat.objects.filter(department__isnull=True, is_active=True).values_list("name", flat=True)
    )
    assert general == active_common - teacher_formats
    assert rows[(TEACHER_BEFORE, 2)].template.question_count == 12
    assert f'href="{reverse("influence_template_detail", args=[own.pk])}"' in page.content.decode()

    found = methodist.get(reverse("influence_template_list"), {"q": "ПЕДАГОГА"}).context["groups"]
    assert {row.template.title for group in found for row in group.rows} == {
        TEACHER_BEFORE,
        "Анкета наставляемого педагога по завершении программы",
    }


def test_the_methodist_edits_an_own_version_while_nobody_answered_it(world, methodist, common):
    own = own_version(methodist, world, common)
    one_format = MentoringFormat.objects.get(name="учитель – учитель")
    response = methodist.post(
        reverse("influence_template_edit", args=[own.pk]),
        {
            "title": "Анкета молодого педагога Кедровского округа",
            "formats": [one_format.pk],
            "revision": shown_revision(methodist, "influence_template_edit", own),
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Анкета молодого педагога Кедровского округа"
    assert list(own.formats.all()) == [one_format]
    assert own.version == 2

    added = methodist.post(
        reverse("influence_template_question_create", args=[own.pk]),
        question_data(text="Оцените поддержку администрации", growth_group=GrowthGroup.PROFESSIONAL),
    )
    assert added.status_code == 302
    new = own.questions.get(order=13)
    assert (new.kind, new.growth_group, new.required) == ("scale", "professional", True)
    choice = methodist.post(
        reverse("influence_template_question_create", args=[own.pk]),
        question_data(
            order=14, text="Где вы работали раньше?", kind="choice", choices="в школе\n\nв колледже\nв школе\n"
        ),
    )
    assert choice.status_code == 302
    assert own.questions.get(order=14).choices == ["в школе", "в колледже"]

    data = question_data(order=13, text="Оцените поддержку руководителя", kind="scale", growth_group="")
    del data["required"]  # the box unticked
    data["revision"] = shown_revision(methodist, "influence_template_question_edit", new)
    edited = methodist.post(reverse("influence_template_question_edit", args=[new.pk]), data)
    assert edited.status_code == 302
    new.refresh_from_db()
    assert (new.text, new.growth_group, new.required) == ("Оцените поддержку руководителя", "", False)


def test_the_methodist_reorders_and_deletes_questions(world, methodist, common):
    own = own_version(methodist, world, common)
    first, second, third = own.questions.order_by("order")[:3]
    moved = methodist.post(reverse("influence_template_question_move", args=[second.pk]), {"direction": "up"})
    assert moved["Location"].endswith(f"#question-{second.pk}")
    assert orders_and_texts(own)[:3] == [(1, second.text), (2, first.text), (3, third.text)]
    methodist.post(reverse("influence_template_question_move", args=[second.pk]), {"direction": "up"})  # first: stays
    methodist.post(reverse("influence_template_question_move", args=[first.pk]), {"direction": "down"})
    assert orders_and_texts(own)[:3] == [(1, second.text), (2, third.text), (3, first.text)]
    last = own.questions.get(order=12)
    methodist.post(reverse("influence_template_question_move", args=[last.pk]), {"direction": "down"})  # last: stays
    assert own.questions.get(order=12) == last

    assert methodist.get(reverse("influence_template_question_delete", args=[third.pk])).status_code == 200
    deleted = methodist.post(reverse("influence_template_question_delete", args=[third.pk]))
    assert deleted.status_code == 302
    assert own.questions.count() == 11
    assert not Question.objects.filter(pk=third.pk).exists()


def test_the_methodist_deletes_an_own_version_without_answers(world, methodist, common):
    own = own_version(methodist, world, common)
    response = methodist.post(reverse("influence_template_delete", args=[own.pk]))
    assert response["Location"] == reverse("influence_template_list")
    assert not QuestionnaireTemplate.objects.filter(pk=own.pk).exists()
    assert not Question.objects.filter(template_id=own.pk).exists()
    assert QuestionnaireTemplate.objects.filter(pk=common.pk).exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        (question_data(text="   "), "text", "Введите текст вопроса."),
        (question_data(kind="choice", choices="\n  \n"), "choices", "Для вопроса с выбором укажите варианты ответа."),
        (question_data(order=5), "order", "Вопрос № 5 в анкете уже есть: выберите другой номер."),
        (
            question_data(kind="text", growth_group="competence"),
            "growth_group",
            "Группа роста бывает только у вопроса со шкалой от 1 до 10.",
        ),
    ],
)
def test_a_wrong_question_is_refused_and_nothing_saved(world, methodist, common, data, field, message):
    own = own_version(methodist, world, common)
    before = snapshot(own)
    response = methodist.post(reverse("influence_template_question_create", args=[own.pk]), data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert snapshot(own) == before


def test_a_scale_question_without_a_growth_group_is_allowed(world, methodist, common):
    own = own_version(methodist, world, common)
    response = methodist.post(reverse("influence_template_question_create", args=[own.pk]), question_data())
    assert response.status_code == 302
    assert own.questions.get(order=13).growth_group == ""


def test_a_title_taken_by_the_same_version_is_refused(world, methodist, common):
    own = own_version(methodist, world, common)
    other = copy(methodist, common, title="Другая анкета", department=world.department_a.pk)
    assert other.status_code == 302
    clash = QuestionnaireTemplate.objects.get(title="Другая анкета")
    QuestionnaireTemplate.objects.filter(pk=clash.pk).update(version=2)
    response = methodist.post(
        reverse("influence_template_edit", args=[own.pk]),
        {"title": "Другая анкета", "revision": shown_revision(methodist, "influence_template_edit", own)},
    )
    assert response.status_code == 200
    assert "Версия 2 анкеты «Другая анкета» в муниципалитете уже есть" in response.content.decode()
    own.refresh_from_db()
    assert own.title == TEACHER_BEFORE


def test_a_common_questionnaire_is_never_edited(world, methodist, common):
    before = snapshot(common)
    assert methodist.get(reverse("influence_template_edit", args=[common.pk])).status_code == 403
    assert methodist.post(reverse("influence_template_edit", args=[common.pk]), {"title": "Моя"}).status_code == 403
    first = common.questions.order_by("order").first()
    assert methodist.post(reverse("influence_template_question_delete", args=[first.pk])).status_code == 403
    assert methodist.post(reverse("influence_template_delete", args=[common.pk])).status_code == 403
    assert snapshot(common) == before
    page = methodist.get(reverse("influence_template_detail", args=[common.pk])).content.decode()
    assert "Создать версию муниципалитета" in page
    assert "Изменить название и формы" not in page


def test_a_curator_reads_but_changes_nothing(world, methodist, common):
    own = own_version(methodist, world, common)
    curator = client_for(world, "curator_a1")
    assert curator.get(reverse("influence_template_detail", args=[own.pk])).status_code == 200
    page = curator.get(reverse("influence_template_list")).content.decode()
    assert "Создать версию" not in page
    assert copy(curator, common, department=world.department_a.pk).status_code == 403
    assert curator.post(reverse("influence_template_edit", args=[own.pk]), {"title": "Своя"}).status_code == 403
    assert QuestionnaireTemplate.objects.filter(department=world.department_a).count() == 1


def test_another_departments_methodist_does_not_find_the_version(world, methodist, common):
    own = own_version(methodist, world, common)
    before = snapshot(own)
    other = client_for(world, "methodist_b")
    question = own.questions.first()
    assert other.get(reverse("influence_template_detail", args=[own.pk])).status_code == 404
    assert other.post(reverse("influence_template_edit", args=[own.pk]), {"title": "Чужая"}).status_code == 404
    assert copy(other, own).status_code == 404
    assert other.post(reverse("influence_template_question_delete", args=[question.pk])).status_code == 404
    assert other.post(reverse("influence_template_delete", args=[own.pk])).status_code == 404
    titles = {
        row.template.title
        for group in other.get(reverse("influence_template_list")).context["groups"]
        for row in group.rows
    }
    assert TEACHER_BEFORE in titles  # the common one
    versions = [
        row.template.department_id
        for group in other.get(reverse("influence_template_list")).context["groups"]
        for row in group.rows
    ]
    assert world.department_a.pk not in versions
    assert snapshot(own) == before


@pytest.fixture
def answered(world, methodist, common):
    """The department's own version, answered on paper for a teacher mentee of school A1."""
    own = own_version(methodist, world, common)
    pair = teachers_pair(world.school_a1)
    assert template_for(pair, Purpose.BEFORE, "mentee") == own
    values = {q.pk: 7 for q in own.questions.filter(kind=QuestionKind.SCALE)}
    save_response(
        pair=pair, participation=pair.participations.get(), template=own, values=values, user=world.curator_a1
    )
    return own


def test_a_version_with_answers_is_never_changed_through_the_pages(world, methodist, answered):
    before = snapshot(answered)
    question = answered.questions.order_by("order")[1]
    one_format = MentoringFormat.objects.get(name="учитель – учитель")
    attempts = [
        (
            reverse("influence_template_edit", args=[answered.pk]),
            {
                "title": "Новое",
                "formats": [one_format.pk],
                "revision": shown_revision(methodist, "influence_template_edit", answered),
            },
        ),
        (reverse("influence_template_question_create", args=[answered.pk]), question_data()),
        (
            reverse("influence_template_question_edit", args=[question.pk]),
            question_data(
                order=2, text="Другой", revision=shown_revision(methodist, "influence_template_question_edit", question)
            ),
        ),
        (reverse("influence_template_question_delete", args=[question.pk]), {}),
        (reverse("influence_template_question_move", args=[question.pk]), {"direction": "up"}),
        (reverse("influence_template_delete", args=[answered.pk]), {}),
    ]
    for url, data in attempts:
        response = methodist.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == reverse("influence_template_detail", args=[answered.pk]), url
        assert USED_VERSION in response.content.decode(), url
    assert snapshot(answered) == before
    page = methodist.get(reverse("influence_template_detail", args=[answered.pk])).content.decode()
    assert "есть ответы — изменить нельзя, создайте новую версию" in page
    assert "Добавить вопрос" not in page
    listed = methodist.get(reverse("influence_template_list"), {"q": "педагога до"}).content.decode()
    assert "есть ответы — изменить нельзя, создайте новую версию" in listed
    # A new version is the way: made from the answered one, it may change.
    newer = own_version(methodist, world, answered)
    assert (newer.version, newer.is_used) == (3, False)


def test_the_model_refuses_to_change_an_answered_version(answered):
    before = snapshot(answered)
    answered.title = "Новое название"
    with pytest.raises(ValidationError, match="изменить её нельзя"):
        answered.save()
    pupils = MentoringFormat.objects.get(name="ученик – ученик")
    with pytest.raises(ValidationError), transaction.atomic():  # Django adds to a M2M in the caller's transaction
        answered.formats.add(pupils)
    with pytest.raises(ValidationError), transaction.atomic():
        answered.formats.clear()
    with pytest.raises(ValidationError), transaction.atomic():
        answered.delete()
    assert snapshot(answered) == before
    unchanged = QuestionnaireTemplate.objects.get(pk=answered.pk)
    unchanged.save()  # nothing changed: nothing refused


def test_the_model_lets_an_unanswered_version_change(world, methodist, common):
    own = own_version(methodist, world, common)
    own.title = "Новое название"
    own.save()
    own.formats.clear()
    assert QuestionnaireTemplate.objects.get(pk=own.pk).title == "Новое название"
    assert not own.formats.exists()
