"""A curator forms pairs and groups, logs meetings and completes them; a methodist finds them."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from registry.models import Meeting, MeetingKind, MentoringFormat, MentoringPair, PairStage, Person, RoleModel
from tests import factories


def management(prefix: str = "new_mentee", total: int = 3) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "10",
    }


def pair_data(**fields) -> dict:
    return {
        "format": factories.mentoring_format("ученик – ученик").pk,
        "entry_date": "15.09.2025",
        "planned_end_date": "25.05.2026",
        "order_number": "112-од",
        "order_date": "12.09.2025",
        "stage": "preparation",
        **management(),
        **fields,
    }


NEW_MENTOR = {
    "new_mentor-last_name": "Соколов",
    "new_mentor-first_name": "Артём",
    "new_mentor-patronymic": "Денисович",
    "new_mentor-birth_year": "2008",
    "new_mentor-category": "student",
    "new_mentor-class_or_group": "11 А",
    "new_mentor-competencies": "Олимпиадная математика",
    "new_mentor-max_mentees": "2",
}
NEW_MENTEE = {
    "new_mentee-0-last_name": "Ёлкина",
    "new_mentee-0-first_name": "Вера",
    "new_mentee-0-birth_year": "2013",
    "new_mentee-0-category": "student",
    "new_mentee-0-class_or_group": "6 В",
    "new_mentee-0-main_request": "Пробелы по дробям",
}


def test_curator_forms_a_pair_from_scratch_on_one_page(as_persona, world):
    response = as_persona("curator_a1").post(reverse("pair_create"), pair_data(**NEW_MENTOR, **NEW_MENTEE))
    pair = MentoringPair.objects.get()
    assert response["Location"] == reverse("pair_detail", args=[pair.pk])
    assert pair.mentor.full_name == "Соколов Артём Денисович"
    assert [p.full_name for p in pair.mentees.all()] == ["Ёлкина Вера"]
    assert {pair.organisation, *(p.organisation for p in Person.objects.all())} == {world.school_a1}
    assert (pair.order_number, pair.order_date, pair.entry_date) == ("112-од", date(2025, 9, 12), date(2025, 9, 15))


def test_curator_forms_a_group_from_people_in_the_base(as_persona, world):
    mentor = factories.teacher(world.school_a1, last_name="Опытная", patronymic="Ивановна")
    young = [factories.teacher(world.school_a1, last_name=f"Молодой{i}", is_young_teacher=True) for i in range(3)]
    data = pair_data(
        format=factories.mentoring_format("учитель – учитель").pk,
        mentor_choice=mentor.pk,
        mentees_choice=[p.pk for p in young],
    )
    as_persona("curator_a1").post(reverse("pair_create"), data)
    pair = MentoringPair.objects.get()
    assert sorted(p.pk for p in pair.mentees.all()) == sorted(p.pk for p in young)
    page = as_persona("curator_a1").get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert "Наставническая группа" in page


@pytest.mark.parametrize(
    "extra, message",
    [
        ({}, "Укажите наставника: выберите из базы или впишите нового."),
        ({**NEW_MENTOR, "mentor_choice": "self"}, "Выберите наставника из базы или впишите нового — что-то одно."),
        ({**NEW_MENTOR, "no_mentees": True}, "Добавьте хотя бы одного наставляемого"),
        ({**NEW_MENTOR, "entry_date": "2025-13-45"}, "Введите дату в виде дд.мм.гггг"),
        ({**NEW_MENTOR, "planned_end_date": "01.09.2025"}, "Плановая дата завершения не может быть раньше"),
        ({**NEW_MENTOR, "order_date": ""}, "Укажите и номер, и дату приказа"),
        (
            {**NEW_MENTOR, "new_mentor-category": "teacher"},
            "Форма «ученик – ученик» — только обучающиеся (наставник и наставляемый), а здесь наставник — педагог, "
            "наставляемый — обучающийся.",
        ),
    ],
)
def test_bad_input_creates_no_pair_and_no_people(as_persona, world, extra, message):
    someone = factories.student(world.school_a1, last_name="Существующий", birth_year=2008)
    data = pair_data(**{**NEW_MENTEE, **extra})
    if data.pop("no_mentees", False):
        data = {k: v for k, v in data.items() if not k.startswith("new_mentee-0-")}
    if data.get("mentor_choice") == "self":
        data["mentor_choice"] = someone.pk
    response = as_persona("curator_a1").post(reverse("pair_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert MentoringPair.objects.count() == 0
    assert Person.objects.count() == 1, "nobody new is saved when the pair is refused"


def test_the_form_keeps_what_was_typed_when_a_rule_is_broken(as_persona, world):
    response = as_persona("curator_a1").post(
        reverse("pair_create"), pair_data(**{**NEW_MENTOR, **NEW_MENTEE, "new_mentor-category": "teacher"})
    )
    page = response.content.decode()
    assert 'value="Соколов"' in page and "Пробелы по дробям" in page


def test_a_mentee_of_another_school_cannot_be_picked(as_persona, world):
    stranger = factories.student(world.school_a2, last_name="Чужой")
    response = as_persona("curator_a1").post(
        reverse("pair_create"), pair_data(**NEW_MENTOR, mentees_choice=[stranger.pk])
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert MentoringPair.objects.count() == 0


def test_role_model_must_belong_to_the_form(as_persona, world):
    role_model = factories.mentoring_format("учитель – учитель").role_models.first()
    response = as_persona("curator_a1").post(
        reverse("pair_create"), pair_data(**NEW_MENTOR, **NEW_MENTEE, role_model=role_model.pk)
    )
    assert "Эта ролевая модель — для формы «учитель – учитель»" in response.content.decode()


def test_a_form_that_does_not_fit_the_people_names_the_forms_that_would(as_persona, world):
    """A teacher who mentors a student: no common form is named for them; the curator is told to ask the
    methodist, the methodist how to add the municipality's own form; once added, it is named and it saves."""
    teacher = factories.teacher(world.school_a1, last_name="Учителева")
    student = factories.student(world.school_a1, last_name="Школьников")
    data = pair_data(mentor_choice=teacher.pk, mentees_choice=[student.pk])
    page = as_persona("curator_a1").post(reverse("pair_create"), data).content.decode()
    assert (
        "Форма «ученик – ученик» — только обучающиеся (наставник и наставляемый), а здесь наставник — педагог" in page
    )
    assert "Формы для таких участников в справочнике нет" in page
    assert "Попросите методиста муниципалитета добавить её в справочник форм" in page
    methodist = as_persona("methodist_a")
    page = methodist.post(reverse("pair_create"), {**data, "organisation": world.school_a1.pk}).content.decode()
    assert "Добавьте форму муниципалитета: «Справочники» → «Формы наставничества» → «Добавить»" in page
    own = MentoringFormat.objects.create(department=world.department_a, name="учитель – ученик")
    page = methodist.post(reverse("pair_create"), {**data, "organisation": world.school_a1.pk}).content.decode()
    assert "Для них подходят формы: «учитель – ученик» — выберите одну из них." in page
    assert "«студент – ученик»" not in page, "a form whose name speaks of other people is not offered"
    assert MentoringPair.objects.count() == 0
    response = methodist.post(reverse("pair_create"), {**data, "organisation": world.school_a1.pk, "format": own.pk})
    assert response.status_code == 302 and MentoringPair.objects.get().format == own


def test_the_role_models_offered_are_the_chosen_forms(as_persona, world):
    """Each role model option names its form, and the list follows the form chosen (static/js/linked-select.js)."""
    form = as_persona("curator_a1").get(reverse("pair_create")).context["form"]
    widget = form["role_model"]
    html = str(widget)
    assert 'data-depends-on="id_format"' in html
    for role_model in RoleModel.objects.filter(department__isnull=True).select_related("format"):
        assert f'data-parent="{role_model.format_id}" value="{role_model.pk}"' in html or (
            f'value="{role_model.pk}" data-parent="{role_model.format_id}"' in html
        ), role_model


@pytest.fixture
def pair(world):
    mentor = factories.student(world.school_a1, last_name="Наставников", birth_year=2008)
    mentees = [
        factories.student(world.school_a1, last_name="Ученикова", first_name="Ольга", patronymic="Петровна"),
        factories.student(world.school_a1, last_name="Учеников"),
    ]
    return factories.pair(mentor, mentees, planned_end_date=date(2026, 5, 25))


def _form_data(client, url, **changes) -> dict:
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, date):
            value = value.strftime("%d.%m.%Y")
        data[name] = "on" if value is True else value
    return {**data, **changes}


def test_curator_completes_a_pair_with_results(as_persona, pair):
    client = as_persona("curator_a1")
    url = reverse("pair_complete", args=[pair.pk])
    rows = list(pair.participations.order_by("pk"))
    data = {
        **_form_data(client, url),
        "end_date": "25.05.2026",
        "results": "Успеваемость выросла",
        "mentor_feedback_url": "school.example/otzyv",
        "mentee-TOTAL_FORMS": "2",
        "mentee-INITIAL_FORMS": "2",
        "mentee-MIN_NUM_FORMS": "0",
        "mentee-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update(
            {
                f"mentee-{index}-id": row.pk,
                f"mentee-{index}-completion_mark": "passed",
                f"mentee-{index}-results": f"Итог {index}",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302
    pair.refresh_from_db()
    assert (pair.end_date, pair.stage, pair.mentor_feedback_url) == (
        date(2026, 5, 25),
        PairStage.RESULT,
        "https://school.example/otzyv",
    )
    assert [(r.completion_mark, r.results, r.active) for r in pair.participations.order_by("pk")] == [
        ("passed", "Итог 0", False),
        ("passed", "Итог 1", False),
    ]


def test_completion_before_entry_is_explained(as_persona, pair):
    client = as_persona("curator_a1")
    url = reverse("pair_complete", args=[pair.pk])
    data = {
        **_form_data(client, url),
        "end_date": "01.09.2025",
        "results": "—",
        "mentee-TOTAL_FORMS": "0",
        "mentee-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert "Дата завершения не может быть раньше даты вхождения (15.09.2025)" in response.content.decode()
    pair.refresh_from_db()
    assert pair.end_date is None


def test_two_editors_of_one_pair(world, pair, as_persona):
    first, second = as_persona("curator_a1"), as_persona("methodist_a")
    url = reverse("pair_edit", args=[pair.pk])
    mentees = [p.pk for p in pair.mentees.all()]
    data_first = _form_data(
        first, url, order_number="7", order_date="10.09.2025", mentees_choice=mentees, **management()
    )
    data_second = _form_data(
        second, url, order_number="8", order_date="11.09.2025", mentees_choice=mentees, **management()
    )
    assert first.post(url, data_first).status_code == 302
    response = second.post(url, data_second)
    assert "Эту запись уже изменил другой пользователь" in response.content.decode()
    pair.refresh_from_db()
    assert pair.order_number == "7"


def test_meetings_are_logged_within_the_pairs_dates(as_persona, pair):
    client = as_persona("curator_a1")
    kind = MeetingKind.objects.get(name="встреча-знакомство")
    url = reverse("meeting_create", args=[pair.pk])
    response = client.post(url, {"date": "01.09.2025", "kind": kind.pk, "note": "Знакомство"})
    assert "Встреча не может быть раньше вхождения пары в программу (15.09.2025)" in response.content.decode()
    client.post(url, {"date": "20.09.2025", "kind": kind.pk, "note": "Знакомство", "feedback": "Понравилось"})
    assert Meeting.objects.get().note == "Знакомство"
    assert "Понравилось" in client.get(reverse("pair_detail", args=[pair.pk])).content.decode()


def test_a_meeting_is_corrected_or_deleted_and_both_stay_in_the_history(as_persona, world, pair):
    from django.utils import timezone

    client = as_persona("curator_a1")
    kind = MeetingKind.objects.get(name="встреча-знакомство")
    client.post(
        reverse("meeting_create", args=[pair.pk]), {"date": "20.09.2025", "kind": kind.pk, "note": "Знакомство"}
    )
    meeting = Meeting.objects.get()
    page = client.get(reverse("pair_detail", args=[pair.pk])).content.decode()
    assert reverse("meeting_edit", args=[pair.pk, meeting.pk]) in page
    assert reverse("meeting_delete", args=[pair.pk, meeting.pk]) in page
    edit = reverse("meeting_edit", args=[pair.pk, meeting.pk])
    assert client.get(edit).context["form"].initial["note"] == "Знакомство"
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y")
    version = client.get(edit).context["form"]["version"].value()
    response = client.post(edit, {"date": tomorrow, "kind": kind.pk, "note": "Будущая", "version": version})
    assert f"Дата {tomorrow} ещё не наступила" in response.content.decode()
    response = client.post(
        edit, {"date": "22.09.2025", "kind": kind.pk, "note": "Знакомство и план", "version": version}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.date, meeting.note) == (date(2025, 9, 22), "Знакомство и план")
    # Another school's curator does not reach it; a meeting of another pair is not this pair's.
    assert as_persona("curator_a2").get(edit).status_code == 404
    other = factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    assert client.get(reverse("meeting_edit", args=[other.pk, meeting.pk])).status_code == 404
    delete = reverse("meeting_delete", args=[pair.pk, meeting.pk])
    assert "Удалить встречу 22.09.2025?" in client.get(delete).content.decode()
    assert client.post(delete).status_code == 302
    assert not Meeting.objects.exists()
    rows = client.get(reverse("pair_detail", args=[pair.pk])).context["history"]
    kinds = [(row.action, row.what) for row in rows if row.what == "встреча"]
    assert kinds == [("удаление", "встреча"), ("изменение", "встреча"), ("создание", "встреча")]
    corrected = next(row for row in rows if row.action == "изменение" and row.what == "встреча")
    assert ("Дата", "20.09.2025", "22.09.2025") in {(c.field, c.old, c.new) for c in corrected.changes}
    deleted = next(row for row in rows if row.action == "удаление")
    assert "Кратко о встрече: Знакомство и план" in deleted.summary


def test_a_meeting_after_the_pair_ended_is_refused_with_what_to_do(as_persona, world):
    ended = factories.pair(
        factories.student(world.school_a1, birth_year=2008),
        [factories.student(world.school_a1)],
        entry_date=date(2024, 9, 1),
        end_date=date(2025, 5, 20),
    )
    kind = MeetingKind.objects.get(name="встреча-знакомство")
    response = as_persona("curator_a1").post(
        reverse("meeting_create", args=[ended.pk]), {"date": "01.06.2025", "kind": kind.pk}
    )
    assert "Пара завершена 20.05.2025: встреча не может быть позже" in response.content.decode()
    assert not Meeting.objects.exists()


def pairs_listed(response) -> list[str]:
    return [p.mentor.last_name for p in response.context["page"].object_list]


def test_pair_list_search_filters_and_status(as_persona, world, pair):
    other = factories.pair(
        factories.student(world.school_a2, last_name="Другов", birth_year=2008),
        [factories.student(world.school_a2, last_name="Ёжикова")],
        entry_date=date(2024, 9, 1),
        end_date=date(2025, 5, 20),
    )
    client = as_persona("methodist_a")
    assert pairs_listed(client.get(reverse("pair_list"), {"q": "ежикова"})) == ["Другов"]
    assert pairs_listed(client.get(reverse("pair_list"), {"q": "УЧЕНИКОВА"})) == ["Наставников"]
    assert pairs_listed(client.get(reverse("pair_list"), {"status": "completed"})) == ["Другов"]
    assert pairs_listed(client.get(reverse("pair_list"), {"status": "active"})) == ["Наставников"]
    assert pairs_listed(client.get(reverse("pair_list"), {"year": "2024"})) == ["Другов"]
    assert pairs_listed(client.get(reverse("pair_list"), {"organisation": world.school_a1.pk})) == ["Наставников"]
    assert pairs_listed(as_persona("curator_a1").get(reverse("pair_list"))) == ["Наставников"]
    assert other.pk


def test_an_overdue_pair_is_marked(as_persona, world):
    factories.pair(
        factories.student(world.school_a1, last_name="Просроченный", birth_year=2008),
        [factories.student(world.school_a1)],
        planned_end_date=date(2025, 12, 1),
    )
    response = as_persona("methodist_a").get(reverse("pair_list"), {"status": "overdue"})
    assert pairs_listed(response) == ["Просроченный"]
    assert "срок прошёл 01.12.2025" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 30])
def test_pair_list_queries_do_not_grow_with_the_page(as_persona, world, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.pair(
            factories.student(world.school_a1, birth_year=2008),
            [factories.student(world.school_a1), factories.student(world.school_a1)],
        )
    client = as_persona("methodist_a")
    # the page, its participations (one prefetch), one query for the consent flags, and the access log's
    # entry naming the minors shown (their departments, the entry, its people: 3)
    with django_assert_num_queries(15):
        response = client.get(reverse("pair_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


def test_pair_detail_queries_do_not_grow_with_meetings(as_persona, pair, django_assert_max_num_queries):
    kind = MeetingKind.objects.first()
    for day in range(16, 30):
        Meeting.objects.create(pair=pair, date=date(2025, 9, day), kind=kind)
    client = as_persona("methodist_a")
    # 21 on PostgreSQL: one of them finds the pair's deleted meetings, whose history the card still shows.
    with django_assert_max_num_queries(21):
        client.get(reverse("pair_detail", args=[pair.pk]))
