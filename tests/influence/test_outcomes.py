"""Outcomes of mentees per school year: entered by the curator on the pair's page, or uploaded for a school
from XLSX (checked, previewed, then saved at once); in the subject's extract, erased with the person, and
summed by school year and form of mentoring."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from common.files.writers import set_text
from influence.aggregates import outcome_summary
from influence.models import MenteeOutcome, OlympiadResult
from influence.outcome_upload import COLUMNS
from registry.models import Consent, Erasure
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil_pair(world):
    """A pupil of school A1 in a pair that entered the program on 15.09.2025 (school year 2025/26)."""
    mentor = factories.student(world.school_a1, last_name="Старшеклассников", birth_year=2008)
    pupil = factories.student(
        world.school_a1, last_name="Ласточкина", first_name="Вера", patronymic="Ивановна", birth_year=2012
    )
    factories.ConsentFactory(person=pupil)
    pair = factories.pair(mentor, [pupil])
    return pair, pair.participations.get(), pupil


def edit_url(pair, participation, year=2025):
    return reverse("influence_outcome_edit", args=[pair.pk, participation.pk, year])


FIGURES = {
    "vpr_passed": "true",
    "oge_passed": "",
    "ege_passed": "",
    "mark_before": "3,6",
    "mark_after": "4,1",
    "olympiads": "2",
    "olympiad_result": "prizewinner",
    "comment": "Районная олимпиада по математике",
}


# --- By hand -----------------------------------------------------------------------------------------


def test_the_curator_enters_and_corrects_a_school_year(world, pupil_pair):
    pair, participation, pupil = pupil_pair
    curator = client_for(world, "curator_a1")
    page = curator.get(reverse("influence_pair", args=[pair.pk]))
    assert "Результаты наставляемых" in page.content.decode()
    assert edit_url(pair, participation) in page.content.decode()

    response = curator.post(edit_url(pair, participation), FIGURES)
    assert response.status_code == 302
    outcome = MenteeOutcome.objects.get(participation=participation, school_year=2025)
    assert outcome.vpr_passed is True and outcome.oge_passed is None and outcome.ege_passed is None
    assert (outcome.mark_before, outcome.mark_after) == (Decimal("3.6"), Decimal("4.1"))
    assert outcome.olympiads == 2 and outcome.olympiad_result == OlympiadResult.PRIZEWINNER
    assert outcome.entered_by == world.curator_a1
    assert LogEntry.objects.get_for_model(MenteeOutcome).filter(object_id=outcome.pk).exists()

    shown = curator.get(reverse("influence_pair", args=[pair.pk])).content.decode()
    assert "2025/26" in shown and "Исправить" in shown

    form = curator.get(edit_url(pair, participation))
    assert 'value="3,6"' in form.content.decode()
    version = str(form.context["form"]["version"].value())  # signed, as the browser posts it back
    response = curator.post(edit_url(pair, participation), {**FIGURES, "mark_after": "4.4", "version": version})
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.mark_after == Decimal("4.4")
    assert MenteeOutcome.objects.count() == 1

    # A second window that read the record before this correction is refused, and nothing changes.
    stale = curator.post(edit_url(pair, participation), {**FIGURES, "mark_after": "2.0", "version": version})
    assert stale.status_code == 200
    outcome.refresh_from_db()
    assert outcome.mark_after == Decimal("4.4")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mark_before", "5,5", "Средний балл — от 2,0 до 5,0."),
        ("mark_after", "1", "Средний балл — от 2,0 до 5,0."),
        ("mark_after", "4,25", "Средний балл — с одним знаком после запятой, например 4,3."),
        ("mark_before", "хорошо", "Средний балл — от 2,0 до 5,0."),
        ("olympiads", "0", "Результат олимпиады указывается, только если наставляемый участвовал"),
    ],
)
def test_wrong_figures_are_refused_in_russian_and_nothing_is_saved(world, pupil_pair, field, value, message):
    pair, participation, _ = pupil_pair
    response = client_for(world, "curator_a1").post(edit_url(pair, participation), {**FIGURES, field: value})
    assert response.status_code == 200
    errors = " ".join(str(e) for errors in response.context["form"].errors.values() for e in errors)
    assert message in errors
    assert not MenteeOutcome.objects.exists()


def test_a_school_year_in_the_future_or_before_the_pair_is_refused(world, pupil_pair):
    pair, participation, _ = pupil_pair
    curator = client_for(world, "curator_a1")
    future = date.today().year + 1  # the school year that starts next September has not begun
    assert curator.get(edit_url(pair, participation, future)).status_code == 404
    assert curator.post(edit_url(pair, participation, 2024), FIGURES).status_code == 404
    assert not MenteeOutcome.objects.exists()


def test_another_schools_pair_is_not_found(world, pupil_pair):
    pair, participation, _ = pupil_pair
    response = client_for(world, "curator_a2").post(edit_url(pair, participation), FIGURES)
    assert response.status_code == 404
    assert client_for(world, "head_a").post(edit_url(pair, participation), FIGURES).status_code == 403
    assert not MenteeOutcome.objects.exists()


def test_the_database_refuses_a_mark_out_of_range(pupil_pair):
    from django.db import IntegrityError, transaction

    _, participation, _ = pupil_pair
    with pytest.raises(IntegrityError), transaction.atomic():
        MenteeOutcome.objects.create(participation=participation, school_year=2025, mark_before=Decimal("5.5"))


# --- A school's XLSX -----------------------------------------------------------------------------------


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([column.header for column in COLUMNS])
    for row in rows:
        sheet.append([None] * len(COLUMNS))
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_ROW = ("Ласточкина Вера Ивановна", 2012, "7А", "2025/26", "да", "", "", 3.6, "4,1", 2, "призёр", "Молодец")


def upload(client, content: bytes, organisation, name="rezultaty.xlsx"):
    return client.post(
        reverse("influence_outcome_upload"),
        {"organisation": organisation.pk, "file": SimpleUploadedFile(name, content)},
    )


def test_a_good_file_is_previewed_then_saved_at_once(world, pupil_pair):
    _, participation, _ = pupil_pair
    curator = client_for(world, "curator_a1")
    preview = upload(curator, workbook(GOOD_ROW), world.school_a1)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert report.ok, [p.as_text() for p in report.problems]
    html = preview.content.decode()
    assert "Ласточкина Вера Ивановна" in html and "новая запись" in html and "Сохранить" in html
    assert not MenteeOutcome.objects.exists(), "a preview saves nothing"

    saved = curator.post(
        reverse("influence_outcome_upload"), {"organisation": world.school_a1.pk, "plan": preview.context["plan"]}
    )
    assert saved.status_code == 302
    outcome = MenteeOutcome.objects.get(participation=participation, school_year=2025)
    assert outcome.vpr_passed is True and outcome.oge_passed is None
    assert (outcome.mark_before, outcome.mark_after) == (Decimal("3.6"), Decimal("4.1"))
    assert outcome.olympiads == 2 and outcome.olympiad_result == OlympiadResult.PRIZEWINNER
    assert outcome.comment == "Молодец"

    # The same file again changes nothing; a changed mark is shown as what it was and what it becomes.
    again = upload(curator, workbook(GOOD_ROW[:8] + (4.5,) + GOOD_ROW[9:]), world.school_a1)
    line = again.context["report"].changing[0]
    assert line.changes == [("балл после", "4,1", "4,5")]


def test_a_file_with_a_wrong_row_saves_nothing_and_says_where(world, pupil_pair):
    curator = client_for(world, "curator_a1")
    other = factories.student(world.school_a1, last_name="Синицын", first_name="Олег", patronymic="", birth_year=2011)
    factories.pair(factories.student(world.school_a1, birth_year=2008), [other])
    wrong = ("Синицын Олег", 2011, "8Б", "2025/26", "может быть", "", "", 6, 4, 0, "")
    response = upload(curator, workbook(GOOD_ROW, wrong), world.school_a1)
    report = response.context["report"]
    texts = [problem.as_text() for problem in report.problems]
    assert texts == [
        "Строка 3, столбец E («ВПР сдан»): Впишите «да», «нет» или оставьте ячейку пустой (не сдавал(а)). "
        "В ячейке «может быть».",
        "Строка 3, столбец H («Средний балл до»): Средний балл — от 2,0 до 5,0. Указано «6».",
    ]
    html = response.content.decode()
    assert "Файл не загружен — 2 ошибки" in html and "Сохранить" not in html
    assert response.context["plan"] == ""
    assert not MenteeOutcome.objects.exists()


def test_an_unknown_mentee_a_future_year_and_a_year_before_the_pair_are_explained(world, pupil_pair):
    rows = (
        ("Ласточкина Вера Ивановна", 2013, "7А", "2025/26", "да"),  # another birth year
        ("Ласточкина Вера Ивановна", 2012, "7А", f"{date.today().year + 1}/{(date.today().year + 2) % 100}", "да"),
        ("Ласточкина Вера Ивановна", 2012, "7А", "2024/25", "да"),
    )
    report = upload(client_for(world, "methodist_a"), workbook(*rows), world.school_a1).context["report"]
    texts = [problem.as_text() for problem in report.problems]
    assert texts[0].startswith("Строка 2, столбец A («ФИО наставляемого»): Наставляемый «Ласточкина Вера Ивановна»")
    assert "(2013 г. р.) не найден среди наставляемых пар «МБОУ СОШ № 1»" in texts[0]
    assert texts[1].startswith("Строка 3, столбец D («Учебный год»): Учебный год")
    assert "ещё не начался" in texts[1]
    assert texts[2] == (
        "Строка 4, столбец D («Учебный год»): Пара вошла в программу в 2025/26 учебном году: результаты за 2024/25 "
        "внести нельзя."
    )
    assert not MenteeOutcome.objects.exists()


def test_another_schools_mentee_is_not_found_and_another_school_cannot_be_chosen(world, pupil_pair):
    curator_a2 = client_for(world, "curator_a2")
    response = upload(curator_a2, workbook(GOOD_ROW), world.school_a1)
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    report = upload(curator_a2, workbook(GOOD_ROW), world.school_a2).context["report"]
    assert "не найден среди наставляемых пар «МБОУ СОШ № 2»" in report.problems[0].message
    assert not MenteeOutcome.objects.exists()


def test_a_renamed_file_that_is_not_xlsx_is_refused(world, pupil_pair):
    fake = "ФИО наставляемого;Учебный год\nЛасточкина Вера Ивановна;2025/26\n".encode()
    response = upload(client_for(world, "curator_a1"), fake, world.school_a1)
    report = response.context["report"]
    assert not report.ok and report.problems[0].row is None
    assert report.problems[0].message.startswith("Файл «rezultaty.xlsx» — не книга Excel в формате .xlsx.")
    assert "не книга Excel в формате .xlsx" in response.content.decode()
    assert not MenteeOutcome.objects.exists()


def test_a_formula_in_a_cell_is_kept_as_text_and_never_run(world, pupil_pair):
    _, participation, pupil = pupil_pair
    curator = client_for(world, "curator_a1")
    formula = '=HYPERLINK("http://evil.example/","Нажмите")'
    preview = upload(curator, workbook(GOOD_ROW[:11] + (formula,)), world.school_a1)
    assert preview.context["report"].ok
    curator.post(
        reverse("influence_outcome_upload"), {"organisation": world.school_a1.pk, "plan": preview.context["plan"]}
    )
    assert MenteeOutcome.objects.get(participation=participation).comment == formula

    # The template written back holds it as text, not a formula.
    template = curator.get(reverse("influence_outcome_template"), {"organisation": world.school_a1.pk, "year": 2025})
    sheet = load_workbook(io.BytesIO(template.content)).active
    cell = next(row[-1] for row in sheet.iter_rows(min_row=6) if row[0].value == pupil.full_name)
    assert cell.value == formula and cell.data_type == "s"


def test_the_template_lists_the_schools_mentees_and_uploads_back_unchanged(world, pupil_pair):
    curator = client_for(world, "curator_a1")
    template = curator.get(reverse("influence_outcome_template"), {"organisation": world.school_a1.pk, "year": 2025})
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert names == ["Ласточкина Вера Ивановна"]
    report = upload(curator, template.content, world.school_a1).context["report"]
    assert report.ok is False and "нет ни одной строки с результатами" in report.problems[0].message


# --- Personal data -------------------------------------------------------------------------------------


def _entered(world, pair, participation):
    response = client_for(world, "curator_a1").post(edit_url(pair, participation), FIGURES)
    assert response.status_code == 302
    return MenteeOutcome.objects.get(participation=participation)


def test_the_subject_extract_lists_the_outcomes(world, pupil_pair):
    pair, participation, pupil = pupil_pair
    _entered(world, pair, participation)
    response = client_for(world, "curator_a1").post(reverse("person_extract", args=[pupil.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Результаты наставляемых"].values)
    assert rows[1][:9] == (
        f"пара № {pair.pk}",
        "2025/26",
        "сдан",
        "не сдавал(а)",
        "не сдавал(а)",
        3.6,
        4.1,
        2,
        "призёр",
    )


def test_erasure_destroys_the_outcomes_and_their_history(world, pupil_pair):
    pair, participation, pupil = pupil_pair
    outcome = _entered(world, pair, participation)
    Consent.objects.filter(person=pupil).update(withdrawn_on=date(2026, 10, 1))
    response = client_for(world, "curator_a1").post(reverse("person_erase", args=[pupil.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert not MenteeOutcome.objects.filter(pk=outcome.pk).exists()
    assert not LogEntry.objects.get_for_model(MenteeOutcome).filter(object_id=outcome.pk).exists()
    assert Erasure.objects.get(person=pupil).removed["mentee_outcomes"] == 1


# --- The summary -----------------------------------------------------------------------------------------


def test_outcome_summary_by_hand(world):
    def mentee(school, last_name, format_name="ученик – ученик"):
        pupil = factories.student(school, last_name=last_name, birth_year=2012)
        pair = factories.pair(factories.student(school, birth_year=2008), [pupil], format_name=format_name)
        return pair.participations.get()

    a, b, c = (mentee(world.school_a1, name) for name in ("Аистов", "Бобров", "Волков"))
    d = mentee(world.school_a1, "Гусев", format_name="студент – ученик")
    elsewhere = mentee(world.school_a2, "Дроздов")
    make = MenteeOutcome.objects.create
    make(
        participation=a,
        school_year=2025,
        vpr_passed=True,
        mark_before=Decimal("3.0"),
        mark_after=Decimal("3.8"),
        olympiads=2,
        olympiad_result=OlympiadResult.WINNER,
    )
    make(
        participation=b,
        school_year=2025,
        vpr_passed=False,
        oge_passed=True,
        mark_before=Decimal("4.0"),
        mark_after=Decimal("4.2"),
        olympiads=1,
        olympiad_result=OlympiadResult.PARTICIPANT,
    )
    make(
        participation=c,
        school_year=2025,
        vpr_passed=True,
        mark_after=Decimal("5.0"),
        olympiads=3,
        olympiad_result=OlympiadResult.PRIZEWINNER,
    )
    make(participation=a, school_year=2026, ege_passed=False)
    make(participation=d, school_year=2025, mark_before=Decimal("2.5"), mark_after=Decimal("3.0"))
    make(participation=elsewhere, school_year=2025, vpr_passed=True, olympiads=5)

    rows = outcome_summary([world.school_a1.pk])
    assert [(r.school_year, r.format) for r in rows] == [
        (2025, "студент – ученик"),
        (2025, "ученик – ученик"),
        (2026, "ученик – ученик"),
    ]
    student, pupils, later = rows
    # 2025, «ученик – ученик»: A, B, C. ВПР: taken by 3, passed by A and C → 66,7 %; ОГЭ: B passed → 100 %.
    assert pupils.mentees == 3
    assert (pupils.vpr_taken, pupils.vpr_passed, pupils.vpr_share) == (3, 2, Decimal("66.7"))
    assert (pupils.oge_taken, pupils.oge_share, pupils.ege_taken, pupils.ege_share) == (1, Decimal("100.0"), 0, None)
    # Both marks: A (3,0 → 3,8) and B (4,0 → 4,2); C has «after» only. Before 3,5; after 4,0; change (0,8+0,2)/2.
    assert pupils.with_marks == 2
    assert (pupils.mark_before, pupils.mark_after, pupils.mark_change) == (
        Decimal("3.50"),
        Decimal("4.00"),
        Decimal("0.50"),
    )
    # Olympiads 2 + 1 + 3; prizewinners and winners: A (winner) and C (prizewinner).
    assert (pupils.olympiads, pupils.prizewinners) == (6, 2)
    assert (student.mentees, student.mark_change, student.vpr_share) == (1, Decimal("0.50"), None)
    assert (later.mentees, later.ege_taken, later.ege_share, later.mark_before) == (1, 1, Decimal("0.0"), None)

    assert [r.school_year for r in outcome_summary([world.school_a1.pk], school_years=[2026])] == [2026]
    both = outcome_summary([world.school_a1.pk, world.school_a2.pk], school_years=[2025])
    assert [(r.mentees, r.olympiads) for r in both if r.format == "ученик – ученик"] == [(4, 11)]
