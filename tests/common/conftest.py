"""Every kind of XLSX the product writes, downloaded the way its users download it, from one small registry.

School A1 in 2025: a pupil of 16 mentors two pupils of 12 and 13 (one with a long request, the group's results
on two lines), 10 pupils of 10–18 in the contingent: student mentees 2 of 10 = 20 %, student mentors 1 of 10 =
10 %. School A2 has a pair of its own. The municipal roadmap for 2025 has an item long overdue.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from monitoring.models import Contingent
from roadmap.models import ResponsibleKind
from tests import factories
from tests.roadmap.conftest import make_roadmap

YEAR = 2025
LONG_REQUEST = (
    "Подготовка к муниципальному этапу олимпиады по математике, развитие навыков самостоятельной работы "
    "и публичного выступления перед классом"
)
RESULTS = "Призёр муниципального этапа олимпиады\nВыступила на школьной конференции"
LONG_ITEM = (
    "Разработка и утверждение муниципальной программы наставничества с учётом методических рекомендаций "
    "и анализа потребностей образовательных организаций"
)


def seed(world):
    """The registry of the module's docstring; returns the mentee with the long request and the roadmap."""
    a1 = world.school_a1
    mentor = factories.student(a1, last_name="Наставникова", first_name="Ирина", patronymic="Львовна", birth_year=2009)
    vera = factories.student(
        a1, last_name="Ёлкина", first_name="Вера", patronymic="", birth_year=2013, main_request=LONG_REQUEST
    )
    gleb = factories.student(
        a1, last_name="Борисов", first_name="Глеб", patronymic="", birth_year=2012, main_request="Дроби"
    )
    factories.pair(mentor, [vera, gleb], entry_date=date(YEAR, 9, 15), results=RESULTS)
    other = factories.student(world.school_a2, last_name="Чужой", first_name="Иван", patronymic="", birth_year=2008)
    stranger = factories.student(world.school_a2, last_name="Чужая", first_name="Анна", patronymic="", birth_year=2012)
    factories.pair(other, [stranger])
    Contingent.objects.create(organisation=a1, year=YEAR, students_total=40, students_10_18=10)
    roadmap = make_roadmap(
        world.department_a,
        period_text=str(YEAR),
        title=f"Дорожная карта {YEAR}",
        items=[
            ("1.1.", LONG_ITEM, f"До 15.03.{YEAR}", ResponsibleKind.ORGANISATION),
            ("1.2.", "Совещание кураторов", f"До 01.02.{YEAR}", ResponsibleKind.ORGANISATION),
        ],
    )
    return vera, roadmap


def questionnaires(world) -> None:
    """The monitoring of influence for the analytic report's sheets «Мониторинг влияния», «Качество процесса» and
    «Результаты наставляемых»: A1's mentor answers 5 before and 7 after, Борисов rates the process 8 and his
    marks went from 3,5 to 4,1 (Ёлкина's extract stays as it was)."""
    from decimal import Decimal

    from influence.models import MenteeOutcome, Purpose, QuestionKind, Role, school_year_of
    from influence.services import save_response, template_for

    pair = world.school_a1.pairs.get(mentor__last_name="Наставникова")
    gleb = pair.participations.get(mentee__last_name="Борисов")
    for participation, purpose, score in (
        (None, Purpose.BEFORE, 5),
        (None, Purpose.AFTER, 7),
        (gleb, Purpose.QUALITY, 8),
    ):
        template = template_for(pair, purpose, Role.MENTOR if participation is None else Role.MENTEE)
        values = {q.pk: score for q in template.questions.filter(kind=QuestionKind.SCALE)}
        save_response(pair=pair, participation=participation, template=template, values=values, user=None)
    MenteeOutcome.objects.create(
        participation=gleb,
        school_year=school_year_of(pair.entry_date),
        vpr_passed=True,
        mark_before=Decimal("3.5"),
        mark_after=Decimal("4.1"),
        olympiads=1,
    )


def _content(response) -> bytes:
    assert response.status_code == 200, response.content[:500] if not response.streaming else response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def xlsx_files(world, as_persona) -> dict[str, bytes]:
    """Each kind of XLSX, by name: the two bases, the roadmap, the indicator table, the analytic report, the
    contingent template and a subject's extract (the methodist of department A downloads them all)."""
    vera, roadmap = seed(world)
    questionnaires(world)
    client = as_persona("methodist_a")
    years = {"department": world.department_a.pk, "first": YEAR, "last": YEAR, "format": "xlsx"}
    bases = {"period": "all", "file_format": "xlsx"}
    return {
        "mentors base": _content(client.post(reverse("export"), {"base": "mentors", **bases})),
        "mentees base": _content(client.post(reverse("export"), {"base": "mentees", **bases})),
        "roadmap": _content(client.get(reverse("roadmap_export", args=[roadmap.pk]), {"format": "xlsx"})),
        "indicator table": _content(client.get(reverse("indicators_export"), years)),
        "analytic report": _content(client.get(reverse("indicators_report"), years)),
        "contingent template": _content(client.get(reverse("contingent_template"), {"year": YEAR})),
        "subject extract": _content(client.post(reverse("person_extract", args=[vera.pk]))),
        "mentor portfolio": _content(
            client.get(reverse("mentor_portfolio", args=[vera.participations.get().mentor_id]), {"format": "xlsx"})
        ),
    }
