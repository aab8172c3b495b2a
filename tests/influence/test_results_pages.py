"""«Мониторинг влияния» as its users read it: the page of a school or a department, the participants behind
each figure, and its PDF and XLSX, with figures worked out by hand on a small registry."""

import io
import re
from datetime import date
from decimal import Decimal as D
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from influence.models import GrowthGroup, MenteeOutcome, OlympiadResult, Purpose, QuestionKind, Role
from influence.overview import coverage
from influence.services import save_response, template_for
from registry.models import PairMentee, PersonalDataAccess
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FORM = "студент – ученик"
M, C, P = GrowthGroup.MOTIVATION, GrowthGroup.COMPETENCE, GrowthGroup.PROFESSIONAL
MINUS = "\u2212"


def enter(pair, participation, purpose, scores):
    """A questionnaire whose scale questions score `scores` (a number for all, or one per growth group);
    the scale questions outside the groups are answered 1 (they count nowhere)."""
    role = Role.MENTOR if participation is None else Role.MENTEE
    template = template_for(pair, purpose, role)
    by_group = scores if isinstance(scores, dict) else dict.fromkeys(GrowthGroup.values, scores)
    scale = template.questions.filter(kind=QuestionKind.SCALE)
    values = {q.pk: by_group.get(q.growth_group, 1) if purpose != Purpose.QUALITY else scores for q in scale}
    save_response(pair=pair, participation=participation, template=template, values=values, user=None)


def mentee(pair, last_name):
    return pair.participations.get(mentee__last_name=last_name)


@pytest.fixture
def registry(world):
    """Department A: in A1, pair X (teacher Иксова, pupils Первова and Вторая) and pair Y (teacher Игрекова
    and Первова again), both of 2025; in A2, pair Z of 2026 (pupil Третья); in B1, pair W of 2025."""
    a1, a2, b1 = world.school_a1, world.school_a2, world.school_b1
    first, second = factories.student(a1, last_name="Первова"), factories.student(a1, last_name="Вторая")
    x = factories.pair(factories.teacher(a1, last_name="Иксова"), [first, second], format_name=FORM)
    y = factories.pair(
        factories.teacher(a1, last_name="Игрекова"), [first], format_name=FORM, entry_date=date(2025, 10, 1)
    )
    third = factories.student(a2, last_name="Третья")
    z = factories.pair(factories.teacher(a2), [third], format_name=FORM, entry_date=date(2026, 2, 1))
    w = factories.pair(factories.teacher(b1, last_name="Чужая"), [factories.student(b1)], format_name=FORM)
    # X: the mentor +3 / 0 / −1; Первова +2 / +3 / 0; Вторая only «before».
    enter(x, None, Purpose.BEFORE, 5)
    enter(x, None, Purpose.AFTER, {M: 8, C: 5, P: 4})
    enter(x, mentee(x, "Первова"), Purpose.BEFORE, {M: 4, C: 6, P: 6})
    enter(x, mentee(x, "Первова"), Purpose.AFTER, {M: 6, C: 9, P: 6})
    enter(x, mentee(x, "Вторая"), Purpose.BEFORE, 5)
    # Y: the mentor +1 in each group; Первова again, −1 in each.
    enter(y, None, Purpose.BEFORE, 6)
    enter(y, None, Purpose.AFTER, 7)
    enter(y, mentee(y, "Первова"), Purpose.BEFORE, 5)
    enter(y, mentee(y, "Первова"), Purpose.AFTER, 4)
    # Z (2026): Третья +2 in each group; the mentor only «before».
    enter(z, None, Purpose.BEFORE, 5)
    enter(z, mentee(z, "Третья"), Purpose.BEFORE, 3)
    enter(z, mentee(z, "Третья"), Purpose.AFTER, 5)
    # W, another department's: +9, which must not leak into A.
    enter(w, None, Purpose.BEFORE, 1)
    enter(w, None, Purpose.AFTER, 10)
    # The quality of the process: X's two pupils answer 8 and 6 in A1.
    enter(x, mentee(x, "Первова"), Purpose.QUALITY, 8)
    enter(x, mentee(x, "Вторая"), Purpose.QUALITY, 6)
    return world


@pytest.fixture
def outcomes(registry):
    """The mentees' outcomes (ВПР/ОГЭ/ЕГЭ passed: True, failed: False, not taken: None).

    2025/26: Первова in X — ВПР passed, marks 3,5 → 4,0, 2 olympiads, a prizewinner; Вторая in X — ВПР failed,
    ОГЭ passed, 4,0 → 4,5, 1 olympiad; Первова in Y — ВПР passed, a mark before alone (3,0).
    2026/27: Третья in Z — ЕГЭ passed, 3,0 → 3,5, 3 olympiads, a winner. B1's pupil in W: ВПР failed, 5
    olympiads, a winner, which must not leak into A.

    So department A, 2025/26: 3 mentees; ВПР 2 of 3 (66,7 %), ОГЭ 1 of 1 (100 %), nobody took ЕГЭ; marks of
    the 2 with both: 3,75 → 4,25, +0,50; 3 olympiads, 1 prizewinner. 2026/27: 1 mentee; ЕГЭ 1 of 1;
    3,00 → 3,50, +0,50; 3 olympiads, 1 winner."""

    def outcome(mentor, pupil, year, **figures):
        participation = PairMentee.objects.get(pair__mentor__last_name=mentor, mentee__last_name=pupil)
        MenteeOutcome.objects.create(participation=participation, school_year=year, **figures)

    outcome(
        "Иксова",
        "Первова",
        2025,
        vpr_passed=True,
        mark_before=D("3.5"),
        mark_after=D("4.0"),
        olympiads=2,
        olympiad_result=OlympiadResult.PRIZEWINNER,
    )
    outcome(
        "Иксова",
        "Вторая",
        2025,
        vpr_passed=False,
        oge_passed=True,
        mark_before=D("4.0"),
        mark_after=D("4.5"),
        olympiads=1,
    )
    outcome("Игрекова", "Первова", 2025, vpr_passed=True, mark_before=D("3.0"))
    third = PairMentee.objects.get(mentee__last_name="Третья")
    outcome(
        third.pair.mentor.last_name,
        "Третья",
        2026,
        ege_passed=True,
        mark_before=D("3.0"),
        mark_after=D("3.5"),
        olympiads=3,
        olympiad_result=OlympiadResult.WINNER,
    )
    theirs = PairMentee.objects.get(pair__mentor__last_name="Чужая")
    MenteeOutcome.objects.create(
        participation=theirs, school_year=2025, vpr_passed=False, olympiads=5, olympiad_result=OlympiadResult.WINNER
    )
    return registry


def outcome_rows(response):
    """The outcomes' table as (school year, form, mentees, ВПР passed/taken, ОГЭ, ЕГЭ, with both marks, before,
    after, change, olympiads, prizewinners and winners)."""
    return [
        (
            row.school_year_label,
            row.format,
            row.mentees,
            (row.vpr_passed, row.vpr_taken),
            (row.oge_passed, row.oge_taken),
            (row.ege_passed, row.ege_taken),
            row.with_marks,
            row.mark_before,
            row.mark_after,
            row.mark_change,
            row.olympiads,
            row.prizewinners,
        )
        for row in response.context["figures"].outcomes
    ]


def page(world, persona, **query):
    response = client_for(world, persona).get(reverse("influence_results"), query)
    assert response.status_code == 200
    return response


def rows_of(response):
    """The growth table's lines as (year, role, group, participants, change, share)."""
    return [
        (line.year, line.role, line.group, line.participants, line.average_change, line.improved_share)
        for line in response.context["figures"].lines
    ]


def pairs_page(world, persona, **cell):
    query = {"year": 2025, "mentoring_format": FORM, "role": Role.MENTEE, "group": M, **cell}
    return client_for(world, persona).get(reverse("influence_results_pairs"), query)


# --- The page -------------------------------------------------------------------------------------------


def test_the_methodist_reads_the_departments_growth(registry):
    response = page(registry, "methodist_a")
    html = response.content.decode()
    assert rows_of(response) == [
        (2025, Role.MENTOR, M, 2, D("2.00"), D("100.0")),  # X +3, Y +1
        (2025, Role.MENTOR, C, 2, D("0.50"), D("50.0")),  # X 0, Y +1
        (2025, Role.MENTOR, P, 2, D("0.00"), D("50.0")),  # X −1, Y +1
        # Первова counted in each of her pairs (X +2, Y −1); Вторая, with «before» alone, nowhere.
        (2025, Role.MENTEE, M, 2, D("0.50"), D("50.0")),
        (2025, Role.MENTEE, C, 2, D("1.00"), D("50.0")),
        (2025, Role.MENTEE, P, 2, D("-0.50"), D("0.0")),
        (2026, Role.MENTEE, M, 1, D("2.00"), D("100.0")),
        (2026, Role.MENTEE, C, 1, D("2.00"), D("100.0")),
        (2026, Role.MENTEE, P, 1, D("2.00"), D("100.0")),
    ]
    # As shown: signed, two decimals, a decimal comma; the share in per cent.
    assert "+0,50" in html and f"{MINUS}0,50" in html and "+2,00" in html and "0,00" in html
    assert "50\u00a0%" in html and "100\u00a0%" in html
    # The summary: mentors of X, Y, Z (all «before», X and Y «after»); mentees Первова twice, Вторая,
    # Третья (all «before», Вторая without «after»).
    summary = [(c.role, c.total, c.before, c.after, c.both) for c in response.context["figures"].coverage]
    assert summary == [(Role.MENTOR, 3, 3, 2, 2), (Role.MENTEE, 4, 4, 3, 3)]
    assert "В парах 7 участий наставников и наставляемых: с анкетой «до» — 7, с анкетой «после» — 5, с обеими — 5." in (
        " ".join(html.split())
    )
    # The chart: six bars, mentees' average change over 2025 and 2026 (+2, −1, +2 → +1,00 in motivation).
    bars = {(b.role, b.group): b.average_change for b in response.context["figures"].bars}
    assert bars[(Role.MENTEE, M)] == D("1.00") and bars[(Role.MENTOR, P)] == D("0.00")
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "Наставляемые: среднее изменение по группам роста, баллов" in html and "Данные диаграммы" in html
    mentors_chart, mentees_chart = response.context["figures"].charts  # one chart a role
    # The mentees' bars over 2025 and 2026: competence (+3, −1, +2) / 3, professional (0, −1, +2) / 3.
    assert ">1,33</text>" in mentees_chart and ">0,33</text>" in mentees_chart
    bar = re.search(
        r"<title>Мотивационно-личностный рост</title>.*?<rect[^>]*/>(<text[^>]*>[^<]*</text>)", mentors_chart
    )
    assert bar and bar.group(1).endswith(">2</text>"), "the mentors' motivation: (+3, +1) / 2"
    # Nothing of department B.
    assert "Лицей" not in html and "+9,00" not in html
    # The quality of the process: A1's pupils answered 8 and 6.
    quality = {(q.organisation, q.answers, q.average) for q in response.context["figures"].quality}
    assert {(o, n) for o, n, _ in quality} == {("МБОУ СОШ № 1", 2)}
    assert {a for *_, a in quality} == {D("7.00")}


def test_a_school_a_year_and_a_form(registry):
    a2 = registry.school_a2
    only_a2 = page(registry, "methodist_a", organisation=a2.pk)
    assert [row[:4] for row in rows_of(only_a2)] == [(2026, Role.MENTEE, g, 1) for g in (M, C, P)]
    only_2025 = page(registry, "head_a", first=2025, last=2025)
    assert {row[0] for row in rows_of(only_2025)} == {2025}
    assert [(c.total, c.both) for c in only_2025.context["figures"].coverage] == [(2, 2), (3, 2)]
    other_form = page(registry, "methodist_a", mentoring_format="учитель – учитель")
    assert rows_of(other_form) == []
    html = other_form.content.decode()
    assert "Анкет «до» и «после» пока нет" in html and "Нет входной анкеты" in html


def test_the_curator_reads_the_own_school(registry):
    response = page(registry, "curator_a1")
    assert [row[:4] for row in rows_of(response)][:3] == [(2025, Role.MENTOR, g, 2) for g in (M, C, P)]
    assert {row[0] for row in rows_of(response)} == {2025}, "A2's pair of 2026 is not the curator's"
    assert [(c.total, c.before, c.after, c.both) for c in response.context["figures"].coverage] == [
        (2, 2, 2, 2),
        (3, 3, 2, 2),
    ]
    # Another school of the department, named in the query string: not found.
    other = client_for(registry, "curator_a1").get(
        reverse("influence_results"), {"organisation": registry.school_a2.pk}
    )
    assert other.status_code == 404


def test_another_departments_methodist_sees_nothing_of_a(registry):
    response = page(registry, "methodist_b")
    assert [row[:5] for row in rows_of(response)][0][:4] == (2025, Role.MENTOR, M, 1)
    assert "+9,00" in response.content.decode()
    assert "СОШ № 1" not in response.content.decode()
    for school in (registry.school_a1, registry.school_a2):
        refused = client_for(registry, "methodist_b").get(reverse("influence_results"), {"organisation": school.pk})
        assert refused.status_code == 404


def test_nothing_yet_says_what_to_do(world):
    html = page(world, "curator_a1").content.decode()
    assert "Анкет «до» и «после» пока нет" in html
    assert "Внесите анкеты" in html and "section=no_after_questionnaire" in html
    assert "Анкет о качестве процесса пока нет" in html
    assert "В парах 0 участий наставников и наставляемых" in " ".join(html.split())


def test_the_summary_costs_three_queries_and_the_page_a_fixed_number(registry):
    schools = [registry.school_a1.pk, registry.school_a2.pk]
    with CaptureQueriesContext(connection) as queries:
        coverage(schools, [2025, 2026], FORM)
    assert len(queries) == 3  # the mentors, the mentees, those with both (the stored growth lines by role)

    def cost():
        page(registry, "methodist_a")  # the growth kept (registry/freshness.py)
        with CaptureQueriesContext(connection) as queries:
            page(registry, "methodist_a")
        return len(queries)

    before = cost()
    for school in (registry.school_a1, registry.school_a2):
        for _ in range(3):
            more = factories.pair(factories.teacher(school), [factories.student(school)], format_name=FORM)
            enter(more, None, Purpose.BEFORE, 4)
            enter(more, None, Purpose.AFTER, 6)
            enter(more, more.participations.get(), Purpose.BEFORE, 4)
    assert cost() == before


# --- The mentees' outcomes ------------------------------------------------------------------------------

A_2025 = ("2025/26", FORM, 3, (2, 3), (1, 1), (0, 0), 2, D("3.75"), D("4.25"), D("0.50"), 3, 1)
A_2026 = ("2026/27", FORM, 1, (0, 0), (0, 0), (1, 1), 1, D("3.00"), D("3.50"), D("0.50"), 3, 1)


def shown_outcomes(response) -> dict[str, list[str]]:
    """The outcomes' table as printed on the page: each school year's cells after the year, as read."""
    html = response.content.decode()
    section = html[html.index('<h2 class="h5 mt-3">Результаты наставляемых</h2>') :]
    found = {}
    for year, cells in re.findall(r"<td class=\"text-nowrap\">(\d{4}/\d{2})</td>(.*?)</tr>", section, re.S):
        texts = [re.sub(r"<[^>]+>", " ", cell) for cell in cells.split("</td>")[:-1]]
        found[year] = [" ".join(text.replace("\u00a0", " ").split()) for text in texts]
    return found


def test_the_methodist_reads_the_mentees_outcomes(outcomes):
    response = page(outcomes, "methodist_a")
    assert outcome_rows(response) == [A_2025, A_2026]
    shares = [(row.vpr_share, row.oge_share, row.ege_share) for row in response.context["figures"].outcomes]
    assert shares == [(D("66.7"), D("100.0"), None), (None, None, D("100.0"))]
    assert shown_outcomes(response) == {
        "2025/26": [FORM, "3", "66,7 % (2 из 3)", "100 % (1 из 1)", "—", "3,75", "4,25", "+0,50", "3", "1"],
        "2026/27": [FORM, "1", "—", "—", "100 % (1 из 1)", "3,00", "3,50", "+0,50", "3", "1"],
    }
    assert "Результатов наставляемых (ВПР, ОГЭ, ЕГЭ" not in response.content.decode()


def test_the_outcomes_keep_to_the_scope_the_years_and_the_form(outcomes):
    # A school: A2 has Z's pupil alone; the curator of A1, X's and Y's.
    assert outcome_rows(page(outcomes, "methodist_a", organisation=outcomes.school_a2.pk)) == [A_2026]
    assert outcome_rows(page(outcomes, "curator_a1")) == [A_2025]
    # The years are those the pairs entered the program, as for the growth: Z entered in 2026.
    assert outcome_rows(page(outcomes, "head_a", first=2025, last=2025)) == [A_2025]
    assert outcome_rows(page(outcomes, "methodist_a", first=2026, last=2026)) == [A_2026]
    # Department B's pupil: 1 mentee, ВПР 0 of 1, 5 olympiads, a winner.
    assert outcome_rows(page(outcomes, "methodist_b")) == [
        ("2025/26", FORM, 1, (0, 1), (0, 0), (0, 0), 0, None, None, None, 5, 1)
    ]
    # Another form: nothing, and where to enter them.
    other = page(outcomes, "methodist_a", mentoring_format="учитель – учитель")
    assert outcome_rows(other) == []
    html = " ".join(other.content.decode().split())
    assert (
        "Результатов наставляемых (ВПР, ОГЭ, ЕГЭ, средний балл, олимпиады) пока нет. Их вносят на странице «Анкеты» "
        "пары (из карточки пары) или загружают для всей организации из файла Excel." in html
    )
    assert f'<a href="{reverse("influence_outcome_upload")}">Загрузить результаты из файла</a>' in html


def test_a_form_of_the_outcomes_is_that_of_the_pair(outcomes):
    teachers = "учитель – учитель"
    a1 = outcomes.school_a1
    pair = factories.pair(factories.teacher(a1), [factories.teacher(a1, last_name="Молодая")], format_name=teachers)
    MenteeOutcome.objects.create(participation=pair.participations.get(), school_year=2025, olympiads=4)
    assert outcome_rows(page(outcomes, "methodist_a", mentoring_format=teachers)) == [
        ("2025/26", teachers, 1, (0, 0), (0, 0), (0, 0), 0, None, None, None, 4, 0)
    ]
    assert outcome_rows(page(outcomes, "methodist_a", mentoring_format=FORM)) == [A_2025, A_2026]
    both = outcome_rows(page(outcomes, "methodist_a"))
    assert [row[:2] for row in both] == [("2025/26", FORM), ("2025/26", teachers), ("2026/27", FORM)]


def test_the_files_carry_the_outcomes(outcomes):
    _, content = download(outcomes, "methodist_a", format="pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    section = text[text.index("Результаты наставляемых") :]
    assert "2025/26" in section and "2026/27" in section
    for figure in ("66,7", "(2 из 3)", "(1 из 1)", "3,75", "4,25", "+0,50", "3,00", "3,50"):
        assert figure in section, figure

    _, content = download(outcomes, "methodist_a", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Результаты наставляемых"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Результаты наставляемых"
    header = next(row for row in rows if row[0] == "Учебный год")
    assert header[:5] == ["Учебный год", "Форма наставничества", "Наставляемых", "ВПР: писали", "ВПР: сдали"]
    assert header[-1] == "Призёров и победителей" and len(header) == 15
    data = [row[:15] for row in rows if row[0] in ("2025/26", "2026/27")]
    assert data == [
        ["2025/26", FORM, 3, 3, 0.667, 1, 1.0, 0, None, 2, 3.75, 4.25, 0.5, 3, 1],
        ["2026/27", FORM, 1, 0, None, 0, None, 1, 1.0, 1, 3.0, 3.5, 0.5, 3, 1],
    ]
    cells = next(row for row in sheet.iter_rows() if row[0].value == "2025/26")
    assert cells[4].data_type == "n" and cells[4].number_format == "0.0%"
    assert cells[10].number_format == "0.00" and cells[12].number_format.startswith("+0.00")


def test_the_files_say_where_to_enter_the_outcomes(registry):
    _, content = download(registry, "curator_a1", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Результаты наставляемых"]
    texts = [value for row in sheet.iter_rows(values_only=True) for value in row if isinstance(value, str)]
    assert any(text.startswith("Результатов наставляемых (ВПР, ОГЭ, ЕГЭ") for text in texts)
    assert "Учебный год" not in texts
    _, content = download(registry, "curator_a1", format="pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "Результатов наставляемых (ВПР, ОГЭ, ЕГЭ, средний балл, олимпиады) пока нет." in text


# --- The participants behind a figure ----------------------------------------------------------------


def test_the_drilldown_lists_exactly_the_pairs_behind_the_figure(registry):
    response = pairs_page(registry, "methodist_a")
    assert response.status_code == 200
    rows = response.context["page"].object_list
    # 2025, mentees, motivation: Первова in X (4 → 6) and in Y (5 → 4); Вторая has no «after».
    shown = [(r.person.last_name, r.line.pair.mentor.last_name, r.before, r.after, r.change, r.improved) for r in rows]
    assert sorted(shown) == [
        ("Первова", "Игрекова", D("5.00"), D("4.00"), D("-1.00"), False),
        ("Первова", "Иксова", D("4.00"), D("6.00"), D("2.00"), True),
    ]
    assert len(rows) == 2, "as many as the figure counts"
    html = response.content.decode()
    assert "+2,00" in html and f"{MINUS}1,00" in html and "Вторая" not in html
    for row in rows:
        assert reverse("influence_pair", args=[row.line.pair_id]) in html
    # The pupil is a minor: the methodist's look is in the access log.
    logged = PersonalDataAccess.objects.filter(people__last_name="Первова", what__startswith="мониторинг влияния")
    assert logged.exists()


def test_the_drilldown_searches_by_name(registry):
    found = pairs_page(registry, "methodist_a", role=Role.MENTOR, q="иксов")
    assert [r.person.last_name for r in found.context["page"].object_list] == ["Иксова"]
    nobody = pairs_page(registry, "methodist_a", q="Вторая")
    assert list(nobody.context["page"].object_list) == []
    assert "никого не нашлось" in nobody.content.decode()


def test_a_curator_sees_only_the_own_schools_pairs(registry):
    a2_figure = {"year": 2026, "role": Role.MENTEE, "group": M}
    assert [
        r.person.last_name for r in pairs_page(registry, "curator_a2", **a2_figure).context["page"].object_list
    ] == ["Третья"]
    assert list(pairs_page(registry, "curator_a1", **a2_figure).context["page"].object_list) == []
    assert pairs_page(registry, "curator_a1", organisation=registry.school_a2.pk, **a2_figure).status_code == 404
    # Methodist B: neither A's pairs nor A's schools.
    theirs = pairs_page(registry, "methodist_b", role=Role.MENTOR)
    assert [r.person.last_name for r in theirs.context["page"].object_list] == ["Чужая"]
    assert pairs_page(registry, "methodist_b", organisation=registry.school_a1.pk).status_code == 404


def test_a_figure_not_named_is_not_found(registry):
    assert pairs_page(registry, "methodist_a", role="teacher").status_code == 404
    assert client_for(registry, "methodist_a").get(reverse("influence_results_pairs")).status_code == 404


# --- The files ------------------------------------------------------------------------------------------


def download(world, persona, **query):
    response = client_for(world, persona).get(f"{reverse('influence_results_export')}?{urlencode(query)}")
    assert response.status_code == 200, response
    return response, b"".join(response.streaming_content)


def test_the_pdf_has_the_table_the_chart_and_the_quality(registry):
    response, content = download(registry, "methodist_a", format="pdf", first=2025, last=2026, mentoring_format=FORM)
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert "Мониторинг влияния" in disposition or "%D0%9C" in disposition
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    assert "Мониторинг влияния программ наставничества" in flat
    assert registry.department_a.name in flat
    assert "2025–2026 годы" in flat and f"Форма наставничества: {FORM}" in flat
    assert "+0,50" in flat and "0,50" in flat and "+2,00" in flat
    assert "Наставники: среднее изменение по группам роста" in flat, "the mentors' chart"
    assert "Наставляемые: среднее изменение по группам роста" in flat, "the mentees' chart"
    assert "7,00" in flat, "the quality of the process"
    assert "Лицей" not in flat


def test_the_xlsx_cells(registry):
    response, content = download(registry, "curator_a1", format="xlsx")
    filename = response["Content-Disposition"]
    assert ".xlsx" in filename
    book = openpyxl.load_workbook(io.BytesIO(content))
    growth = [tuple(row) for row in book["Рост участников"].iter_rows(values_only=True)]
    assert growth[0][0] == "Мониторинг влияния программ наставничества"
    assert growth[1][0] == "МБОУ СОШ № 1"
    assert ("Наставники", 2, 2, 2, 2) in [row[:5] for row in growth]
    assert ("Наставляемые", 3, 3, 2, 2) in [row[:5] for row in growth]
    lines = [row for row in growth if row[0] == 2025]
    assert [row[:7] for row in lines] == [
        (2025, FORM, "Наставник", "Мотивационно-личностный рост", 2, 2.0, 1.0),
        (2025, FORM, "Наставник", "Компетентностный рост", 2, 0.5, 0.5),
        (2025, FORM, "Наставник", "Профессиональный рост", 2, 0.0, 0.5),
        (2025, FORM, "Наставляемый", "Мотивационно-личностный рост", 2, 0.5, 0.5),
        (2025, FORM, "Наставляемый", "Компетентностный рост", 2, 1.0, 0.5),
        (2025, FORM, "Наставляемый", "Профессиональный рост", 2, -0.5, 0.0),
    ]
    quality = [tuple(row) for row in book["Качество процесса"].iter_rows(values_only=True)]
    assert {row[3:5] for row in quality if row[0] == "МБОУ СОШ № 1" and row[3] is not None} == {(2, 7.0)}


def test_the_files_keep_to_the_reach(registry):
    assert (
        client_for(registry, "curator_a1")
        .get(reverse("influence_results_export"), {"format": "xlsx", "organisation": registry.school_a2.pk})
        .status_code
        == 404
    )
    _, content = download(registry, "methodist_b", format="xlsx")
    cells = {
        cell
        for row in openpyxl.load_workbook(io.BytesIO(content))["Рост участников"].iter_rows(values_only=True)
        for cell in row
    }
    assert "МБОУ СОШ № 1" not in cells and 9.0 in cells
