"""The analytic report (аналитическая справка): a small registry whose figures are worked out by hand.

Department A, years 2023–2024, the report made on 23.11.2026:

- school A1 reports its contingent for 2024 only: 4 pupils of 10–18, 4 teachers, 2 young specialists,
  2 young teachers. In 2024 it has one program and two pairs: a pupil (15) mentors two pupils (12), and
  a teacher mentors a young specialist (also a young teacher) whose ИОМ is built. So in 2024:
  1 — 1 of 2 ОО = 50 %; 2 — 1; 3 — 2/4 = 50 %; 4 — 1/4 = 25 %; 5 — 1/2 = 50 %; 6 — 1/4 = 25 %;
  7 — 1/2 = 50 %; 8 — 1/2 = 50 %. In 2023 no pair ran and nobody reported: 1 — 0 %, 3–8 «нет данных».
- school A2: no mentoring, no contingent: zeros and «нет данных» in the breakdown.
- quality: the three pupils are minors without a consent (one more in A2: 4 for the methodist, 3 for
  the curator of A1); both pairs lack an order.
- the municipal roadmap for 2023–2024: an item overdue since 15.03.2024, one done, one «по
  необходимости», one that every ОО does by 01.06.2024 (A1 has done its part, A2 has not).
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from common.pdf import url_fetcher
from common.pdf.page import static_root
from monitoring.indicators import INDICATORS
from monitoring.models import Contingent
from monitoring.report import (
    NO_ROADMAP,
    build_report,
    report_filename,
    report_html,
    report_pdf,
    report_xlsx,
)
from registry import freshness
from registry.models import MentoringProgram, User
from roadmap.models import Occurrence, ResponsibleKind, Status
from tests import factories
from tests.roadmap.conftest import make_roadmap

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
YEARS = [2023, 2024]
STAFF_FORM = "учитель – учитель"
PUPILS_FORM = "ученик – ученик"


def text_of(pdf: bytes) -> str:
    """The PDF's text on one line: every run of spaces (no-break ones too) as one space."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def registry(world):
    """The registry of the module's docstring."""
    a1, a2 = world.school_a1, world.school_a2
    world.department_a.methodical_centre = "МБУ «Кедровский ИМЦ»"
    world.department_a.region = "Амурская область"
    world.department_a.save()
    world.methodist_a.last_name, world.methodist_a.first_name, world.methodist_a.patronymic = (
        "Соколова",
        "Ирина",
        "Львовна",
    )
    world.methodist_a.save()
    Contingent.objects.create(
        organisation=a1,
        year=2024,
        students_total=10,
        students_10_18=4,
        teachers=4,
        young_specialists=2,
        young_teachers=2,
    )
    MentoringProgram.objects.create(organisation=a1, name="Программа 2024", start_date=date(2024, 1, 1))
    pupil_mentor = factories.student(a1, last_name="Старшеклассников", birth_year=2009)
    pupils = [factories.student(a1, last_name=name, birth_year=2012) for name in ("Младшев", "Меньшов")]
    factories.pair(pupil_mentor, pupils, format_name=PUPILS_FORM, entry_date=date(2024, 9, 1))
    teacher = factories.teacher(a1, last_name="Опытнова")
    young = factories.teacher(
        a1, last_name="Молодцова", birth_year=2000, is_young_specialist=True, is_young_teacher=True
    )
    staff_pair = factories.pair(teacher, [young], format_name=STAFF_FORM, entry_date=date(2024, 9, 1))
    participation = staff_pair.participations.get()
    participation.iom_built = True
    participation.save()
    factories.student(a2, last_name="Безсогласиев", birth_year=2013)  # a minor without consent, in A2
    freshness.touch(a1.pk, a2.pk)
    return world


def roadmap_of(world):
    roadmap = make_roadmap(
        world.department_a,
        period_text="2023–2024 гг.",
        title="Дорожная карта 2023–2024",
        items=[
            ("1.1.", "Утверждение муниципальной рабочей группы", "До 15.03.2024", ResponsibleKind.ORGANISATION),
            ("1.2.", "Совещание кураторов", "До 01.02.2024", ResponsibleKind.ORGANISATION),
            ("1.3.", "Корректировка положения", "По необходимости", ResponsibleKind.ORGANISATION),
            ("1.4.", "Приказ ОО о наставничестве", "До 01.06.2024", ResponsibleKind.EACH_ORGANISATION),
        ],
    )
    done = Occurrence.objects.get(item__roadmap=roadmap, item__number="1.2.")
    done.status, done.done_on = Status.DONE, date(2024, 1, 30)
    done.save()
    part = Occurrence.objects.get(item__roadmap=roadmap, item__number="1.4.", organisation=world.school_a1)
    part.status, part.done_on = Status.DONE, date(2024, 5, 20)
    part.save()
    # Not in the report: a roadmap of a school, and a municipal one of other years.
    make_roadmap(
        world.department_a,
        world.school_a1,
        period_text="2024",
        title="Дорожная карта СОШ № 1",
        items=[("1.", "Назначение куратора школы", "До 01.02.2024", ResponsibleKind.PEOPLE)],
    )
    make_roadmap(
        world.department_a,
        period_text="2020",
        title="Дорожная карта 2020 года",
        items=[("1.", "Старое мероприятие", "До 01.02.2020", ResponsibleKind.ORGANISATION)],
    )
    return roadmap


@pytest.fixture
def small(world):
    registry(world)
    roadmap_of(world)
    return world


@pytest.fixture
def report(small):
    return build_report(small.department_a, YEARS, user=small.methodist_a, today=TODAY)


# --- What the report holds -----------------------------------------------------------------------------


def test_the_figures(report, small):
    table = report.table
    assert report.years == YEARS and report.breakdown_year == 2024 and report.generated_on == TODAY
    expected = {
        "orgs_share": (Decimal("50.0"), 1, 2),
        "programs_count": (Decimal(1), 1, None),
        "students_mentees_share": (Decimal("50.0"), 2, 4),
        "students_mentors_share": (Decimal("25.0"), 1, 4),
        "young_specialists_mentees_share": (Decimal("50.0"), 1, 2),
        "teachers_mentors_share": (Decimal("25.0"), 1, 4),
        "young_specialists_iom_share": (Decimal("50.0"), 1, 2),
        "young_teachers_share": (Decimal("50.0"), 1, 2),
    }
    for code, (value, numerator, denominator) in expected.items():
        cell = table.row(code)[2024]
        assert (cell.value, cell.numerator, cell.denominator) == (value, numerator, denominator), code
    assert table.row("orgs_share")[2023].value == Decimal("0.0")
    assert table.row("students_mentees_share")[2023].value is None  # no contingent: missing, not 0 %

    organisations = [organisation for organisation, _cells in report.breakdown]
    assert organisations == [small.school_a1, small.school_a2]
    a1, a2 = (cells for _organisation, cells in report.breakdown)
    assert a1["students_mentees_share"].value == Decimal("50.0")
    assert a2["orgs_share"].numerator == 0 and a2["programs_count"].value == 0
    assert a2["students_mentees_share"].value is None

    state = report.roadmap
    assert [summary.roadmap.title for summary in state.roadmaps] == ["Дорожная карта 2023–2024"]
    summary = state.roadmaps[0]
    assert summary.items == 4
    own = summary.own
    assert (own.total, own.done, own.overdue, own.undated, own.in_progress, own.upcoming, own.not_done) == (
        3,
        1,
        1,
        1,
        0,
        0,
        0,
    )
    assert (summary.parts.total, summary.parts.done, summary.parts.overdue) == (2, 1, 1)
    lines = [(line.number, line.due, line.late, line.parts) for line in summary.overdue]
    assert lines == [("1.1.", date(2024, 3, 15), None, None), ("1.4.", date(2024, 6, 1), 1, 2)]

    assert report.quality == [
        ("Несовершеннолетние без согласия на обработку ПДн", 4),
        ("Пары без приказа о закреплении", 2),
    ]
    assert report.author == small.methodist_a


def test_quality_counts_are_those_of_the_user_who_downloads(small):
    curator = build_report(small.department_a, YEARS, user=small.curator_a1, today=TODAY)
    assert [count for _title, count in curator.quality] == [3, 2]
    stranger = build_report(small.department_a, YEARS, user=small.methodist_b, today=TODAY)
    assert [count for _title, count in stranger.quality] == [0, 0]


def test_quality_counts_stay_within_the_department(small):
    """A methodist of two departments: the report of A does not count B's people."""
    factories.MembershipFactory(user=small.methodist_a, department=small.department_b)
    factories.student(small.school_b1, last_name="Заречнов", birth_year=2014)
    user = User.objects.get(pk=small.methodist_a.pk)
    assert [count for _title, count in build_report(small.department_a, YEARS, user=user, today=TODAY).quality] == [
        4,
        2,
    ]


def test_without_a_roadmap(world):
    registry(world)
    report = build_report(world.department_a, YEARS, user=world.methodist_a, today=TODAY)
    assert report.roadmap is None
    assert NO_ROADMAP in text_of(report_pdf(report))
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Дорожная карта"]
    assert NO_ROADMAP in [cell.value for row in sheet.iter_rows() for cell in row]


def test_no_years_is_an_error(world):
    with pytest.raises(ValueError):
        build_report(world.department_a, [], user=world.methodist_a)


# --- PDF ---------------------------------------------------------------------------------------------


def test_the_pdf_says_it_all(report, small):
    pdf = report_pdf(report)
    text = text_of(pdf)
    assert "Аналитическая справка о реализации целевой модели наставничества" in text
    assert "Управление образования Кедровского округа" in text
    assert "Кедровский округ, Амурская область" in text
    assert "Методический центр: МБУ «Кедровский ИМЦ»" in text
    assert "Период: 2023–2024 годы" in text and "23.11.2026" in text
    for indicator in INDICATORS:
        assert indicator.title[:40] in text, indicator.title
    assert "Национальная цель — не менее 70 %" in text
    assert "50 % 2 / 4" in text  # indicator 3 in 2024, its numerator / denominator under it
    assert "25 % 1 / 4" in text  # indicator 4
    assert "1 из 2 ОО" in text and "0 из 2 ОО" in text  # indicator 1 in 2024 and 2023
    assert "нет данных контингент не сдан" in text  # 2023, no contingent
    assert "Контингент сдали" in text and "1 из 2 ОО" in text
    assert "цель 70 %" in text  # the chart's target line, drawn as text in the PDF
    # The breakdown: A2 without mentoring (нет, 0) and without a contingent.
    assert "МБОУ СОШ № 2 нет 0 нет данных" in text
    assert "МБОУ СОШ № 1 да 1 50 % 2 / 4" in text
    # The roadmap.
    assert "Дорожная карта 2023–2024" in text and "Дорожная карта 2020 года" not in text
    assert "Дорожная карта СОШ № 1" not in text
    assert "1.1. Утверждение муниципальной рабочей группы 15.03.2024" in text
    assert "1.4. Приказ ОО о наставничестве 01.06.2024 1 из 2 ОО" in text
    # Quality and signature.
    assert "Несовершеннолетние без согласия на обработку ПДн 4" in text
    assert "Пары без приказа о закреплении 2" in text
    assert "Руководитель ____________ / ________________" in text
    assert "Исполнитель: Соколова Ирина Львовна, МБУ «Кедровский ИМЦ»" in text
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert f"Стр. 1 из {pages}" in text and f"Стр. {pages} из {pages}" in text
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait, in pt


def test_the_pdf_uses_the_bundled_font_and_fetches_nothing(report):
    html = report_html(report)
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html
    assert html.count("<svg") == 2  # the line chart and the bar chart, inline
    page = PdfReader(io.BytesIO(report_pdf(report))).pages[0]
    fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
    assert any(name.endswith("+Registry-Sans") for name in fonts), fonts


def test_long_tables_split_with_their_headers(world):
    """Sixty organisations: the breakdown spans pages, its header repeated on each; the bars in two charts."""
    for number in range(58):  # and A1, A2
        factories.OrganisationFactory(
            department=world.department_a, code=f"x{number}", short_name=f"МБОУ ООШ № {100 + number}"
        )
    report = build_report(world.department_a, [2024], user=world.methodist_a, today=TODAY)
    assert report_html(report).count("<svg") == 1 + 2
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(report_pdf(report))).pages]
    with_rows = [text for text in pages if re.search(r"МБОУ ООШ № \d+ нет 0 нет данных", text)]
    assert len(with_rows) >= 2
    assert all("Организация" in text for text in with_rows)


def _headings_left_at_a_page_foot(markup: str) -> list[str]:
    """The headings (h2, h3) of the laid-out report whose content starts on a later page: a heading and its
    note (a p.note right after it) stand alone at the foot of a page."""
    static = static_root()
    document = HTML(string=markup, base_url=static.as_uri() + "/", url_fetcher=url_fetcher()).render()
    seen = []  # (page, what: a heading's element, "note" or "content") of every line of text and every chart

    def walk(box, page: int, what) -> None:
        if isinstance(box, boxes.MarginBox):  # the page numbers
            return
        element = getattr(box, "element", None)
        if element is not None and isinstance(box, boxes.BlockBox):
            if element.tag in ("h2", "h3"):
                what = element
            elif element.tag == "p" and "note" in (element.get("class") or "").split() and what == "content":
                what = "note"
        if isinstance(box, boxes.ReplacedBox) or (isinstance(box, boxes.TextBox) and box.text.strip()):
            seen.append((page, what))
        for child in getattr(box, "children", []):
            walk(child, page, what)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, "content")
    alone = []
    for index, (page, what) in enumerate(seen):
        if not isinstance(what, str) and (index == 0 or seen[index - 1][1] is not what):
            following = next(later for later, kind in seen[index:] if kind == "content")
            if following != page:
                alone.append(" ".join("".join(what.itertext()).split()))
    return alone


@pytest.mark.parametrize("schools", [10, 18, 27])
def test_a_heading_never_stands_alone_at_the_foot_of_a_page(world, schools):
    """With these numbers of schools (each in the middle of a run of such numbers) a heading fell at a page's
    foot with its note, its content on the next page: «3. Исполнение дорожной карты» (9–11 and 26–28 schools),
    «Показатель 8 … по организациям» (13–25)."""
    registry(world)
    roadmap_of(world)
    for number in range(schools - 2):  # and A1, A2
        factories.OrganisationFactory(
            department=world.department_a, code=f"x{number}", short_name=f"МБОУ ООШ № {number}"
        )
    report = build_report(world.department_a, YEARS, user=world.methodist_a, today=TODAY)
    assert _headings_left_at_a_page_foot(report_html(report)) == []


# --- XLSX --------------------------------------------------------------------------------------------


def rows_of(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def row_starting(sheet, *first) -> list:
    return next(row for row in rows_of(sheet) if tuple(row[: len(first)]) == first)


def test_the_xlsx_carries_the_same_figures_as_numbers(report):
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames == [
        "Показатели",
        "По организациям",
        "Дорожная карта",
        "Мониторинг влияния",
        "Качество процесса",
        "Результаты наставляемых",
        "Обучение и мероприятия",
        "Качество данных",
    ]
    indicators = book["Показатели"]
    # №, title, unit, target, then per year: value, numerator, denominator, organisations counted.
    # A share is a fraction shown in a % format (0.5 reads «50,0 %»).
    row = row_starting(indicators, 3)
    assert row[4:12] == ["нет данных", None, None, 0, 0.5, 2, 4, 1]
    assert row_starting(indicators, 1)[4:12] == [0, 0, 2, 2, 0.5, 1, 2, 2]
    assert row_starting(indicators, 2)[8] == 1
    target = row_starting(indicators, 8)
    assert target[3] == 0.7 and target[8:11] == [0.5, 1, 2]
    assert indicators.cell(row=indicators.max_row, column=2).value.startswith("Исполнитель: Соколова")
    value_cell = next(c for r in indicators.iter_rows() for c in r if c.value == 0.5)
    assert value_cell.data_type == "n" and value_cell.number_format == "0.0%"
    count_cell = next(c for c in next(r for r in indicators.iter_rows() if r[0].value == 2) if c.value == 1)
    assert count_cell.number_format == "#,##0"

    by_organisation = book["По организациям"]
    assert row_starting(by_organisation, "МБОУ СОШ № 1")[:6] == ["МБОУ СОШ № 1", "да", 1, 0.5, 2, 4]
    assert row_starting(by_organisation, "МБОУ СОШ № 2")[:6] == ["МБОУ СОШ № 2", "нет", 0, "нет данных", None, None]

    roadmap = book["Дорожная карта"]
    assert row_starting(roadmap, "Сроки дорожной карты")[1:8] == [3, 1, 0, 0, 1, 1, 0]
    assert row_starting(roadmap, "Части организаций (пункты «каждая ОО»)")[1:8] == [2, 1, 0, 0, 1, 0, 0]
    overdue = row_starting(roadmap, "1.4.")
    assert overdue[1] == "Приказ ОО о наставничестве" and overdue[2].date() == date(2024, 6, 1)
    assert overdue[3:5] == [1, 2]

    quality = book["Качество данных"]
    assert row_starting(quality, "Несовершеннолетние без согласия на обработку ПДн")[1] == 4
    assert row_starting(quality, "Пары без приказа о закреплении")[1] == 2


# --- Names and hostile texts -------------------------------------------------------------------------


def test_filename(report):
    assert report_filename(report, "pdf") == (
        "Аналитическая справка — Управление образования Кедровского округа — 2023–2024 — 23.11.2026.pdf"
    )
    assert report_filename(report, "xlsx").endswith("— 23.11.2026.xlsx")
    report.department.name = 'МКУ "Управление образования": г/о N\\*?<>|'
    name = report_filename(report, "pdf")
    assert not set('/\\:*?"<>|') & set(name)
    assert name.startswith("Аналитическая справка — МКУ Управление образования г о N — 2023–2024")
    report.department.name = "Ж" * 300
    assert len(report_filename(report, "xlsx").encode()) < 255
    report.years = [2024]
    assert "— 2024 —" in report_filename(report, "pdf")
    with pytest.raises(ValueError):
        report_filename(report, "docx")


SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("x")'


def test_hostile_texts_are_inert(world):
    department = world.department_a
    department.methodical_centre = "<b>ИМЦ</b>"
    department.save()
    factories.OrganisationFactory(department=department, code="evil", short_name=SCRIPT)
    factories.OrganisationFactory(department=department, code="formula", short_name=FORMULA)
    make_roadmap(
        department,
        period_text="2024",
        title="+SUM(A1)",
        items=[
            ("@1", SCRIPT, "До 01.02.2024", ResponsibleKind.ORGANISATION),
            ("2.", FORMULA, "До 01.03.2024", ResponsibleKind.ORGANISATION),
        ],
    )
    report = build_report(department, [2024], user=world.methodist_a, today=TODAY)

    html = report_html(report)
    assert "<script" not in html and "<b>ИМЦ" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = text_of(report_pdf(report))
    assert SCRIPT in text and FORMULA in text and "<b>ИМЦ</b>" in text  # shown as typed

    book = load_workbook(io.BytesIO(report_xlsx(report)))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    hostile = [cell for cell in cells if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "@"))]
    assert {cell.value for cell in hostile} >= {FORMULA, "+SUM(A1)", "@1"}
    for cell in hostile:
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert SCRIPT in {cell.value for cell in cells}


# --- Queries -----------------------------------------------------------------------------------------


def queries_of_build(department, years, user_pk) -> int:
    user = User.objects.get(pk=user_pk)  # a fresh object: its scope is read again, as in a request
    with CaptureQueriesContext(connection) as queries:
        build_report(department, years, user=user, today=TODAY)
    return len(queries)


QUERIES_COLD = 57  # the indicators and the growth computed (cache miss), the roadmap, the quality counts, and
# five for training, events and practices by year (monitoring/report/mentors_year.py)
QUERIES_WARM = 44  # the same report again: the indicators and the growth from the cache


def test_a_fixed_number_of_queries(small):
    department, user_pk = small.department_a, small.methodist_a.pk
    assert queries_of_build(department, YEARS, user_pk) == QUERIES_COLD
    assert queries_of_build(department, YEARS, user_pk) == QUERIES_WARM
    # Five more organisations with people, pairs, contingents and roadmap parts; four more years.
    for number in range(5):
        school = factories.OrganisationFactory(department=department, code=f"more{number}")
        Contingent.objects.create(organisation=school, year=2024, students_10_18=10, teachers=5)
        pupils = [factories.student(school) for _ in range(3)]
        factories.pair(
            factories.student(school, birth_year=2008), pupils, format_name=PUPILS_FORM, entry_date=date(2021, 9, 1)
        )
    make_roadmap(
        department,
        period_text="2021–2022 гг.",
        title="Дорожная карта 2021–2022",
        items=[(f"{n}.", f"Мероприятие {n}", "До 01.06.2022", ResponsibleKind.EACH_ORGANISATION) for n in range(5)],
    )
    more_years = [2019, 2020, 2021, 2022, 2023, 2024]
    assert queries_of_build(department, more_years, user_pk) == QUERIES_COLD
    assert queries_of_build(department, more_years, user_pk) == QUERIES_WARM


# --- A look at the pages (not a test of the layout: run with RENDER_REPORT_PNG=dir to get the PNGs) ----


def test_render_pages_to_png_when_asked(report):
    import os

    folder = os.environ.get("RENDER_REPORT_PNG")
    if not folder:
        pytest.skip("set RENDER_REPORT_PNG=<folder> to render the report's pages to PNG")
    pdf = os.path.join(folder, "report.pdf")
    with open(pdf, "wb") as out:
        out.write(report_pdf(report))
    subprocess.run(["pdftoppm", "-png", "-r", "80", pdf, os.path.join(folder, "report")], check=True)
    with open(os.path.join(folder, "report.xlsx"), "wb") as out:
        out.write(report_xlsx(report))


def test_a_share_over_100_percent_is_never_shown_silently(small, as_persona):
    """School A1 reports 1 pupil aged 10–18 though 2 are mentees: 200 %. The page, its breakdown, the PDF and
    both workbooks say it beside the figure."""
    Contingent.objects.filter(organisation=small.school_a1, year=2024).update(students_10_18=1)
    freshness.touch(small.school_a1.pk)
    report = build_report(small.department_a, YEARS, user=small.methodist_a, today=TODAY)
    cell = report.table.row("students_mentees_share")[2024]
    assert (cell.value, cell.numerator, cell.denominator, cell.impossible) == (Decimal("200.0"), 2, 1, True)
    assert not report.table.row("teachers_mentors_share")[2024].impossible
    warning = "учтено 2 при контингенте 1: проверьте контингент"

    client = as_persona("methodist_a")
    page = client.get(reverse("indicators"), {"department": small.department_a.pk}).content.decode()
    assert f"больше 100 %: {warning}" in page
    breakdown = client.get(
        reverse("indicator_breakdown"),
        {"indicator": "students_mentees_share", "year": 2024, "department": small.department_a.pk},
    ).content.decode()
    assert f"больше 100 %: {warning}" in breakdown

    text = text_of(report_pdf(report))
    assert "200 % 2 / 1 — больше 100 %: проверьте контингент" in text
    assert text.count("больше 100 %: проверьте контингент") == 2  # the table and the breakdown

    book = load_workbook(io.BytesIO(report_xlsx(report)))
    indicators = book["Показатели"]
    assert row_starting(indicators, 3)[-1] == f"2024: больше 100 %, {warning}"
    assert row_starting(indicators, 4)[-1] is None
    by_organisation = book["По организациям"]
    assert row_starting(by_organisation, "МБОУ СОШ № 1")[-1].endswith(f"больше 100 %, {warning}")

    from monitoring.exports import IndicatorTableExporter

    exporter = IndicatorTableExporter(
        small.methodist_a, {"department": str(small.department_a.pk), "first": "2023", "last": "2024"}
    )
    rows = {row[0]: row for row in exporter.rows()}
    assert rows[3][-1] == f"2024: больше 100 %, {warning}" and rows[4][-1] == ""


@pytest.mark.parametrize("file_format", ["pdf", "xlsx"])
def test_the_reports_job_moves_its_progress_in_steps(small, file_format):
    """A report job's bar moves as the figures are gathered, the document is laid out and the file written
    (it stood at 0 % until the end)."""
    from monitoring.exports import AnalyticReportExporter

    exporter = AnalyticReportExporter(
        small.methodist_a, {"department": str(small.department_a.pk), "first": "2023", "last": "2024"}
    )
    steps, out = [], io.BytesIO()
    exporter.render(file_format, out, lambda done, total: steps.append((done, total)))
    assert steps == [(1, 3), (2, 3), (3, 3)] and out.getvalue()
