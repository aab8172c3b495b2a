"""The analytic report's section «Мониторинг влияния программ наставничества», downloaded by the methodist of
department A as PDF and XLSX, its figures worked out by hand.

Department A, years 2025–2026 (the year a pair entered the program), form «студент – ученик»:

- school A1, pair X of 2025 (a teacher, two pupils): the mentor changes +3 / 0 / −1 (motivation, competence,
  professional growth), the first pupil +2 / +3 / 0, the second pupil has «before» alone (not counted);
- school A1, pair Y of 2025 (another teacher and X's first pupil): the mentor +1 in each group, the pupil −1;
- school A2, pair Z of 2026: the pupil +2 in each group, the mentor «before» alone;
- school B1 (department B), pair W: the mentor +9, which must not leak into A's report.

So the table: mentors of 2025 — 2 each, +2 (100 %), +0,5 (50 %), 0 (50 %); mentees of 2025 — 2 each,
+0,5 (50 %), +1 (50 %), −0,5 (0 %); mentees of 2026 — 1 each, +2 (100 %). With both questionnaires:
5 participants, 2 mentors and 3 mentees. The chart, over both years: mentors +2, +0,5, 0; mentees
(2 − 1 + 2) / 3 = 1, (3 − 1 + 2) / 3 = 1,33, (0 − 1 + 2) / 3 = 0,33.

The quality of the process: X's two pupils answer every question 8 and 6 (A1: 2 answers, 7 on average),
Z's pupil 9 (A2: 1 answer, 9).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from influence.models import GrowthGroup, MenteeOutcome, OlympiadResult, Purpose, QuestionKind, Role
from influence.services import save_response, template_for
from monitoring.report import build_report, report_html
from monitoring.report.influence import NO_QUALITY
from registry.models import PairMentee
from tests import factories
from tests.monitoring.test_report import row_starting, rows_of, text_of

pytestmark = pytest.mark.django_db

FORM = "студент – ученик"
M, C, P = GrowthGroup.MOTIVATION, GrowthGroup.COMPETENCE, GrowthGroup.PROFESSIONAL
MOTIVATION, COMPETENCE, PROFESSIONAL = (group.label for group in GrowthGroup)
TITLE = "Мониторинг влияния программ наставничества"


def enter(pair, participation, purpose, scores):
    """A questionnaire whose scale questions score `scores` (one number, or one per growth group)."""
    role = Role.MENTOR if participation is None else Role.MENTEE
    template = template_for(pair, purpose, role)
    by_group = scores if isinstance(scores, dict) else dict.fromkeys(GrowthGroup.values, scores)
    scale = template.questions.filter(kind=QuestionKind.SCALE)
    values = {q.pk: scores if purpose == Purpose.QUALITY else by_group.get(q.growth_group, 1) for q in scale}
    save_response(pair=pair, participation=participation, template=template, values=values, user=None)


def mentee(pair, person):
    return pair.participations.get(mentee=person)


@pytest.fixture
def questionnaires(world):
    a1, a2, b1 = world.school_a1, world.school_a2, world.school_b1
    first, second = factories.student(a1, last_name="Первова"), factories.student(a1, last_name="Вторая")
    x = factories.pair(factories.teacher(a1, last_name="Иксова"), [first, second], format_name=FORM)
    y = factories.pair(
        factories.teacher(a1, last_name="Игрекова"), [first], format_name=FORM, entry_date=date(2025, 10, 1)
    )
    third = factories.student(a2, last_name="Третья")
    z = factories.pair(factories.teacher(a2), [third], format_name=FORM, entry_date=date(2026, 2, 1))
    w = factories.pair(factories.teacher(b1), [factories.student(b1)], format_name=FORM)

    enter(x, None, Purpose.BEFORE, 5)
    enter(x, None, Purpose.AFTER, {M: 8, C: 5, P: 4})
    enter(x, mentee(x, first), Purpose.BEFORE, {M: 4, C: 6, P: 6})
    enter(x, mentee(x, first), Purpose.AFTER, {M: 6, C: 9, P: 6})
    enter(x, mentee(x, second), Purpose.BEFORE, 5)
    enter(y, None, Purpose.BEFORE, 6)
    enter(y, None, Purpose.AFTER, 7)
    enter(y, mentee(y, first), Purpose.BEFORE, 5)
    enter(y, mentee(y, first), Purpose.AFTER, 4)
    enter(z, None, Purpose.BEFORE, 5)
    enter(z, mentee(z, third), Purpose.BEFORE, 3)
    enter(z, mentee(z, third), Purpose.AFTER, 5)
    enter(w, None, Purpose.BEFORE, 1)
    enter(w, None, Purpose.AFTER, 10)
    enter(x, mentee(x, first), Purpose.QUALITY, 8)
    enter(x, mentee(x, second), Purpose.QUALITY, 6)
    enter(z, mentee(z, third), Purpose.QUALITY, 9)
    quality_questions = template_for(z, Purpose.QUALITY, Role.MENTEE).questions.filter(kind=QuestionKind.SCALE)
    world.quality_questions = list(quality_questions.order_by("order"))
    return world


@pytest.fixture
def download(world, as_persona):
    """The report as the methodist of department A downloads it: download("pdf") → bytes."""
    client = as_persona("methodist_a")

    def get(file_format: str, first: int = 2025, last: int = 2026) -> bytes:
        params = {"department": world.department_a.pk, "first": first, "last": last, "format": file_format}
        response = client.get(reverse("indicators_report"), params)
        assert response.status_code == 200
        return b"".join(response.streaming_content) if response.streaming else response.content

    return get


# (year, role, group, participants, change as printed, share as printed, change, share as a fraction)
EXPECTED = [
    (2025, "Наставник", MOTIVATION, 2, "+2", "100 %", 2.0, 1.0),
    (2025, "Наставник", COMPETENCE, 2, "+0,5", "50 %", 0.5, 0.5),
    (2025, "Наставник", PROFESSIONAL, 2, "0", "50 %", 0.0, 0.5),
    (2025, "Наставляемый", MOTIVATION, 2, "+0,5", "50 %", 0.5, 0.5),
    (2025, "Наставляемый", COMPETENCE, 2, "+1", "50 %", 1.0, 0.5),
    (2025, "Наставляемый", PROFESSIONAL, 2, "−0,5", "0 %", -0.5, 0.0),
    (2026, "Наставляемый", MOTIVATION, 1, "+2", "100 %", 2.0, 1.0),
    (2026, "Наставляемый", COMPETENCE, 1, "+2", "100 %", 2.0, 1.0),
    (2026, "Наставляемый", PROFESSIONAL, 1, "+2", "100 %", 2.0, 1.0),
]


def test_the_pdf_section(questionnaires, download):
    text = text_of(download("pdf"))
    assert f"4. {TITLE}" in text and "6. Качество данных" in text
    assert (
        "Обе анкеты мониторинга влияния — до начала программы и по её завершении — есть у 5 участников "
        "наставнических пар, вступивших в программу в 2025–2026 годах: 2 наставника и 3 наставляемых." in text
    )
    for year, role, group, participants, change, share, _change, _share in EXPECTED:
        assert f"{year} {FORM} {role} {group} {participants} {change} {share}" in text, (year, role, group)
    assert "Наставники: среднее изменение по группам роста, 2025–2026" in text  # the charts' titles, as text
    assert "Наставляемые: среднее изменение по группам роста, 2025–2026" in text
    # The quality of the process: each school and questionnaire over its questions.
    a1, a2 = questionnaires.school_a1.short_name, questionnaires.school_a2.short_name
    assert "Качество процесса" in text
    first = questionnaires.quality_questions[0]
    assert f"{a1} — " in text and f"{a2} — " in text
    assert f"{first.order} {' '.join(first.text.split())} 2 7" in text
    assert f"{first.order} {' '.join(first.text.split())} 1 9" in text
    assert NO_QUALITY not in text


def test_the_charts_of_the_average_change_by_role_and_group(questionnaires):
    report = build_report(questionnaires.department_a, [2025, 2026], user=questionnaires.methodist_a)
    assert report.influence.by_role_and_group() == [
        ("Наставники", [(MOTIVATION, Decimal("2.00")), (COMPETENCE, Decimal("0.50")), (PROFESSIONAL, Decimal("0"))]),
        (
            "Наставляемые",
            [(MOTIVATION, Decimal("1.00")), (COMPETENCE, Decimal("1.33")), (PROFESSIONAL, Decimal("0.33"))],
        ),
    ]
    html = report_html(report)
    assert html.count("<svg") == 4  # the line chart, the bars by organisation, these two
    assert "Наставляемые: среднее изменение по группам роста, 2025–2026" in html
    assert f"<title>{PROFESSIONAL}</title>" in html


def test_the_xlsx_sheets(questionnaires, download):
    book = load_workbook(io.BytesIO(download("xlsx")))
    sheet = book["Мониторинг влияния"]
    texts = [value for row in rows_of(sheet) for value in row if isinstance(value, str)]
    assert any(text.startswith("Обе анкеты мониторинга влияния") and "у 5 участников" in text for text in texts)
    header = row_starting(sheet, "Год")
    assert header == [
        "Год",
        "Форма наставничества",
        "Роль",
        "Группа роста",
        "Участников",
        "Среднее изменение",
        "Улучшили",
    ]
    data = [row for row in rows_of(sheet) if isinstance(row[0], int)]
    assert data == [
        [year, FORM, role, group, participants, change, share]
        for year, role, group, participants, _text, _share_text, change, share in EXPECTED
    ]
    cells = next(row for row in sheet.iter_rows() if row[0].value == 2025)
    assert [cell.data_type for cell in cells] == ["n", "s", "s", "s", "n", "n", "n"]
    assert cells[5].number_format == "+0.00;-0.00;0.00" and cells[6].number_format == "0.0%"
    assert cells[4].number_format == "#,##0"
    assert sheet.auto_filter.ref.endswith(f"G{sheet.max_row}")

    quality = book["Качество процесса"]
    assert row_starting(quality, "Организация") == ["Организация", "Анкета", "№", "Вопрос", "Ответов", "Средний балл"]
    lines = [row for row in rows_of(quality) if isinstance(row[2], int)]
    questions = questionnaires.quality_questions
    a1, a2 = questionnaires.school_a1.short_name, questionnaires.school_a2.short_name
    assert [(row[0], row[2], row[3], row[4], row[5]) for row in lines] == [
        (school, question.order, question.text, answers, average)
        for school, answers, average in ((a1, 2, 7), (a2, 1, 9))
        for question in questions
    ]
    average = next(row for row in quality.iter_rows() if row[0].value == a1)[5]
    assert average.data_type == "n" and average.number_format == "0.00"


def test_one_year_one_participant(questionnaires, download):
    text = text_of(download("pdf", 2026, 2026))
    assert "есть у 1 участника наставнических пар, вступивших в программу в 2026 году: 1 наставляемый." in text
    assert f"2025 {FORM}" not in text and f"2026 {FORM} Наставляемый {MOTIVATION} 1 +2 100 %" in text


def test_without_questionnaires_the_section_says_what_to_do(world, download):
    factories.pair(factories.teacher(world.school_a1), [factories.student(world.school_a1)], format_name=FORM)
    sentence = (
        "Ни у одного участника наставнических пар, вступивших в программу в 2025–2026 годах, нет обеих анкет "
        "мониторинга влияния — до начала программы и по её завершении, поэтому рост участников не рассчитан. "
        "Внесите анкеты на странице «Анкеты» карточки каждой пары"
    )
    text = text_of(download("pdf"))
    assert f"4. {TITLE} {sentence}" in text
    assert "Группа роста" not in text and "среднее изменение по группам роста" not in text
    assert NO_QUALITY in text

    book = load_workbook(io.BytesIO(download("xlsx")))
    values = [value for row in rows_of(book["Мониторинг влияния"]) for value in row if value is not None]
    assert any(isinstance(value, str) and value.startswith(sentence) for value in values)
    assert "Группа роста" not in values and not book["Мониторинг влияния"].auto_filter.ref
    assert NO_QUALITY in [value for row in rows_of(book["Качество процесса"]) for value in row]


# --- The lead's count: one stored growth line a participant ----------------------------------------------


def test_the_lead_counts_every_participant_whatever_groups_were_measured(questionnaires, download):
    """Two more pupils of a 2026 pair in A2: one answered the motivation questions alone (before and after),
    the other the competence ones alone. Each group of the 2026 mentees then counts 2 (Третья and one of
    them), yet 3 mentees have both questionnaires: the largest group's count would say 2 + 2 = 4 mentees."""
    a2 = questionnaires.school_a2
    only_m, only_c = factories.student(a2, last_name="Мотивова"), factories.student(a2, last_name="Компетова")
    pair = factories.pair(factories.teacher(a2), [only_m, only_c], format_name=FORM, entry_date=date(2026, 3, 1))
    for person, group in ((only_m, M), (only_c, C)):
        for purpose, score in ((Purpose.BEFORE, 4), (Purpose.AFTER, 6)):
            template = template_for(pair, purpose, Role.MENTEE)
            scale = template.questions.filter(kind=QuestionKind.SCALE)
            values = {q.pk: score if q.growth_group == group else None for q in scale}
            save_response(pair=pair, participation=mentee(pair, person), template=template, values=values, user=None)
    report = build_report(questionnaires.department_a, [2025, 2026], user=questionnaires.methodist_a)
    counts = {(row.year, row.role, row.group): row.participants for row in report.influence.growth}
    assert [counts[(2026, Role.MENTEE, group)] for group in (M, C, P)] == [2, 2, 1]
    assert report.influence.participants == {Role.MENTOR: 2, Role.MENTEE: 5}
    assert (
        "есть у 7 участников наставнических пар, вступивших в программу в 2025–2026 годах: 2 наставника и "
        "5 наставляемых." in text_of(download("pdf"))
    )


# --- The mentees' outcomes ------------------------------------------------------------------------------


@pytest.fixture
def outcomes(questionnaires):
    """2025/26: X's Первова — ВПР passed, 3,5 → 4,0, 2 olympiads, a prizewinner; X's Вторая — ВПР failed, ОГЭ
    passed, 4,0 → 4,5, 1 olympiad. 2026/27: Z's Третья — ЕГЭ passed, 3,0 → 3,5, 3 olympiads, a winner. W's pupil
    (department B) — 9 olympiads, which must not show. So 2025/26: 2 mentees, ВПР 1 of 2 (50 %), ОГЭ 1 of 1,
    3,75 → 4,25 (+0,5), 3 olympiads, 1 prizewinner; 2026/27: 1 mentee, ЕГЭ 1 of 1, 3 → 3,5, 3 olympiads, 1."""

    def outcome(pupil, year, **figures):
        participation = PairMentee.objects.get(mentee__last_name=pupil, pair__mentor__last_name="Иксова")
        MenteeOutcome.objects.create(participation=participation, school_year=year, **figures)

    outcome(
        "Первова",
        2025,
        vpr_passed=True,
        mark_before=Decimal("3.5"),
        mark_after=Decimal("4.0"),
        olympiads=2,
        olympiad_result=OlympiadResult.PRIZEWINNER,
    )
    outcome(
        "Вторая",
        2025,
        vpr_passed=False,
        oge_passed=True,
        mark_before=Decimal("4.0"),
        mark_after=Decimal("4.5"),
        olympiads=1,
    )
    MenteeOutcome.objects.create(
        participation=PairMentee.objects.get(mentee__last_name="Третья"),
        school_year=2026,
        ege_passed=True,
        mark_before=Decimal("3.0"),
        mark_after=Decimal("3.5"),
        olympiads=3,
        olympiad_result=OlympiadResult.WINNER,
    )
    MenteeOutcome.objects.create(
        participation=PairMentee.objects.get(pair__organisation=questionnaires.school_b1),
        school_year=2025,
        olympiads=9,
    )
    return questionnaires


def test_the_outcomes_in_the_pdf(outcomes, download):
    text = text_of(download("pdf"))
    section = text[text.index("Результаты наставляемых") : text.index("5. Обучение наставников")]
    assert "Наставляемые пар, вступивших в программу в годы справки, по учебным годам." in section
    assert f"2025/26 {FORM} 2 50 % (1 из 2) 100 % (1 из 1) — 3,75 4,25 +0,50 3 1" in section
    assert f"2026/27 {FORM} 1 — — 100 % (1 из 1) 3,00 3,50 +0,50 3 1" in section
    assert " 9 " not in section, "department B's olympiads"
    # The years of the report are those the pairs entered: 2026 alone leaves X's pupils out.
    alone = text_of(download("pdf", 2026, 2026))
    assert "2025/26" not in alone and f"2026/27 {FORM} 1" in alone


def test_the_outcomes_sheet(outcomes, download):
    sheet = load_workbook(io.BytesIO(download("xlsx")))["Результаты наставляемых"]
    assert rows_of(sheet)[1][0] == f"{TITLE}: результаты наставляемых"
    assert row_starting(sheet, "Учебный год")[:5] == [
        "Учебный год",
        "Форма наставничества",
        "Наставляемых",
        "ВПР: писали",
        "ВПР: сдали",
    ]
    data = [row[:15] for row in rows_of(sheet) if row[0] in ("2025/26", "2026/27")]
    assert data == [
        ["2025/26", FORM, 2, 2, 0.5, 1, 1.0, 0, None, 2, 3.75, 4.25, 0.5, 3, 1],
        ["2026/27", FORM, 1, 0, None, 0, None, 1, 1.0, 1, 3.0, 3.5, 0.5, 3, 1],
    ]
    cells = next(row for row in sheet.iter_rows() if row[0].value == "2025/26")
    assert [cells[i].data_type for i in (2, 4, 10, 12, 14)] == ["n"] * 5
    assert cells[4].number_format == "0.0%" and cells[11].number_format == "0.00"


def test_without_outcomes_the_report_says_where_to_enter_them(questionnaires, download):
    text = text_of(download("pdf"))
    assert (
        "Результаты наставляемых Результаты наставляемых пар этих лет (ВПР, ОГЭ, ЕГЭ, средний балл, олимпиады) не "
        "внесены: их вносят на странице «Анкеты» карточки пары" in text
    )
    sheet = load_workbook(io.BytesIO(download("xlsx")))["Результаты наставляемых"]
    values = [value for row in rows_of(sheet) for value in row if isinstance(value, str)]
    assert any(value.startswith("Результаты наставляемых пар этих лет") for value in values)
    assert "Учебный год" not in values
