"""The monitoring pages as a head and a methodist use them: the table, the figure's people, the
breakdown, the downloads; and the contingent entered by a curator or uploaded by a methodist."""

import io
from datetime import date
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from monitoring.models import Contingent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world):
    """School A1 in 2025: two student mentees aged 12 and 9, one student mentor aged 16; 10 pupils aged 10–18.
    School A2 has no mentoring at all. Worked out by hand: student mentees 10–18 in 2025 = 1 of 10 → 10 %."""
    a1 = world.school_a1
    mentor = factories.student(a1, last_name="Наставникова", birth_year=2009)
    older = factories.student(a1, last_name="Старшеклассникова", birth_year=2013)
    younger = factories.student(a1, last_name="Младшеклассникова", birth_year=2016)
    factories.pair(mentor, [older, younger], entry_date=date(2025, 9, 15))
    Contingent.objects.create(organisation=a1, year=2025, students_total=40, students_10_18=10)
    return {"mentor": mentor, "older": older, "younger": younger}


def table_url(world, **query):
    return (
        reverse("indicators")
        + "?"
        + "&".join(
            f"{k}={v}" for k, v in {"department": world.department_a.pk, "first": 2025, "last": 2025, **query}.items()
        )
    )


def test_the_head_sees_the_table_with_values_and_missing_denominators(world, registry, as_persona):
    response = as_persona("head_a").get(table_url(world))
    assert response.status_code == 200
    table = response.context["table"]
    cell = table.row("students_mentees_share")[2025]
    assert (cell.numerator, cell.denominator, cell.value) == (1, 10, 10)
    # Nobody reported teachers: the share of teacher mentors is missing, not 0 %.
    assert table.row("teachers_mentors_share")[2025].value is None
    page = response.content.decode()
    assert "нет данных" in page and "<svg" in page
    assert "Контингент за 2025 год сдали 1 из 2 организаций" in page


def test_a_figure_opens_exactly_the_people_it_counts(world, registry, as_persona):
    response = as_persona("methodist_a").get(
        reverse("indicator_drilldown"),
        {
            "indicator": "students_mentees_share",
            "year": 2025,
            "department": world.department_a.pk,
        },
    )
    counted = list(response.context["page"].object_list)
    assert counted == [registry["older"]]  # the 9-year-old is not 10–18; the mentor is not a mentee
    response = as_persona("methodist_a").get(
        reverse("indicator_drilldown"),
        {
            "indicator": "students_mentors_share",
            "year": 2025,
            "department": world.department_a.pk,
        },
    )
    assert list(response.context["page"].object_list) == [registry["mentor"]]


def test_the_figures_people_are_counted_from_the_table_and_paged_through_exactly(world, registry, as_persona):
    """The page's count comes from the cached figures, not a COUNT over the people: the same number as
    the rows it pages through, for every indicator, for the department and for each organisation."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common.views import PAGE_SIZE
    from monitoring.indicators import INDICATORS

    a1 = world.school_a1
    mentor = factories.student(a1, birth_year=2008)
    factories.pair(
        mentor,
        [factories.student(a1, birth_year=2012) for _ in range(PAGE_SIZE + 2)],
        entry_date=date(2025, 2, 1),
        format_name="ученик – ученик",
    )
    client = as_persona("methodist_a")
    for indicator in INDICATORS:
        for organisation in (None, a1, world.school_a2):
            query = {"indicator": indicator.code, "year": 2025, "department": world.department_a.pk}
            if organisation:
                query["organisation"] = organisation.pk
            client.get(reverse("indicator_drilldown"), query)  # the figures computed and kept
            with CaptureQueriesContext(connection) as queries:
                first = client.get(reverse("indicator_drilldown"), query)
            assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"]], indicator.code
            page = first.context["page"]
            rows = list(page.object_list)
            if page.paginator.num_pages > 1:
                last = client.get(reverse("indicator_drilldown"), {**query, "page": page.paginator.num_pages})
                rows += list(last.context["page"].object_list)
                assert page.paginator.num_pages == 2
            assert page.paginator.count == len(rows), (indicator.code, organisation)
    mentees = client.get(
        reverse("indicator_drilldown"),
        {"indicator": "students_mentees_share", "year": 2025, "department": world.department_a.pk},
    )
    assert mentees.context["page"].paginator.count == 1 + PAGE_SIZE + 2


def test_the_breakdown_shows_schools_without_mentoring_and_sorts(world, registry, as_persona):
    response = as_persona("methodist_a").get(
        reverse("indicator_breakdown"),
        {
            "indicator": "students_mentees_share",
            "year": 2025,
            "department": world.department_a.pk,
            "sort": "-value",
        },
    )
    rows = response.context["rows"]
    assert [row.organisation for row in rows] == [world.school_a1, world.school_a2]
    assert rows[1].cell.value is None and rows[1].cell.numerator_all == 0
    page = response.content.decode()
    assert "нет наставничества" in page and "<svg" in page


def test_curators_do_not_see_the_department_table(world, as_persona):
    assert as_persona("curator_a1").get(reverse("indicators")).status_code == 403


def test_the_table_downloads_as_xlsx_and_pdf_with_the_same_values(world, registry, as_persona):
    client = as_persona("head_a")
    response = client.get(
        reverse("indicators_export"),
        {"department": world.department_a.pk, "first": 2025, "last": 2025, "format": "xlsx"},
    )
    assert "Показатели наставничества" in unquote(response["Content-Disposition"])
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0].value: row for row in sheet.iter_rows() if isinstance(row[0].value, int)}
    # 10 %: a fraction in a % format, then the numerator and the denominator, each a number in its own cell.
    assert [cell.value for cell in rows[3][3:6]] == [0.1, 1, 10]
    assert rows[3][3].number_format == "0.0%"
    assert rows[6][3].value == "нет данных"
    response = client.get(
        reverse("indicators_export"),
        {"department": world.department_a.pk, "first": 2025, "last": 2025, "format": "pdf"},
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    text = " ".join(text.split())
    assert "Доля обучающихся" in text and "% 10,0 1 10" in text and "нет данных" in text


def test_a_curator_enters_the_schools_contingent_and_a_part_larger_than_its_whole_is_refused(world, as_persona):
    client = as_persona("curator_a1")
    url = reverse("contingent_edit", kwargs={"pk": world.school_a1.pk, "year": 2025})
    response = client.post(url, {"students_total": "100", "students_10_18": "150"})
    assert response.status_code == 200
    assert "не может быть больше" in response.content.decode()
    assert not Contingent.objects.exists()
    response = client.post(
        url,
        {
            "students_total": "100",
            "students_10_18": "60",
            "teachers": "12",
            "young_specialists": "2",
            "young_teachers": "3",
        },
    )
    assert response.status_code == 302
    saved = Contingent.objects.get()
    assert (saved.students_10_18, saved.teachers, saved.entered_by) == (60, 12, world.curator_a1)
    assert (
        client.post(
            reverse("contingent_edit", kwargs={"pk": world.school_a2.pk, "year": 2025}), {"students_total": "1"}
        ).status_code
        == 404
    )


def test_the_methodist_uploads_the_contingent_template_back(world, as_persona):
    client = as_persona("methodist_a")
    template = client.get(reverse("contingent_template"), {"year": 2025})
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(template.streaming_content)))
    sheet = workbook.active
    header_row = next(r for r in range(1, 15) if sheet.cell(r, 1).value == "Код ОО")
    codes = {sheet.cell(r, 1).value: r for r in range(header_row + 1, header_row + 3)}
    sheet.cell(codes["a1"], 3, 100)
    sheet.cell(codes["a1"], 4, 80)
    out = io.BytesIO()
    workbook.save(out)
    response = client.post(
        reverse("contingent_upload"),
        {
            "year": 2025,
            "file": SimpleUploadedFile("контингент.xlsx", out.getvalue()),
        },
    )
    assert response.status_code == 302
    assert Contingent.objects.get(organisation=world.school_a1, year=2025).students_10_18 == 80


def test_a_bad_contingent_file_is_explained_and_saves_nothing(world, as_persona):
    response = as_persona("methodist_a").post(
        reverse("contingent_upload"),
        {
            "year": 2025,
            "file": SimpleUploadedFile("контингент.xlsx", b"not a workbook"),
        },
    )
    assert response.status_code == 200
    assert "Файл не загружен" in response.content.decode()
    assert not Contingent.objects.exists()
