"""WCAG 2.2 AA on the main pages of every persona (axe-core, vendored from npm for these tests only), and no
page that scrolls sideways on a 390 px phone.

axe-core runs in the page through the browser's debugging protocol (`page.evaluate`), which the pages'
Content-Security-Policy does not govern: the pages are audited exactly as users get them. A serious or
critical violation fails the test with the page, the rule and the elements.
"""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from influence.models import Purpose, QuestionKind, Role
from influence.services import save_response, template_for
from monitoring.models import Contingent
from registry.models import Meeting, MeetingKind
from roadmap.models import ResponsibleKind
from tests import factories
from tests.browser.test_curator_scope import log_in
from tests.roadmap.conftest import make_roadmap

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def data(world):
    """Something on every page: a pair with a meeting, a consent, a roadmap, a contingent."""
    mentor = factories.teacher(world.school_a1, last_name="Наставникова", first_name="Ольга", patronymic="Ивановна")
    mentee = factories.student(world.school_a1, last_name="Ученикова", first_name="Вера", birth_year=2012)
    factories.ConsentFactory(person=mentee)
    pair = factories.pair(
        mentor, [factories.teacher(world.school_a1, is_young_teacher=True)], format_name="учитель – учитель"
    )
    Meeting.objects.create(pair=pair, kind=MeetingKind.objects.first(), date=date(2025, 9, 20), note="Знакомство")
    roadmap = make_roadmap(
        world.department_a,
        period_text="2025–2026 учебный год",
        title="Дорожная карта внедрения целевой модели наставничества",
        items=[
            (
                "1.1.",
                "Приказ о внедрении целевой модели наставничества",
                "до 01.10.2025",
                ResponsibleKind.EACH_ORGANISATION,
            ),
            ("1.2.", "Совещание кураторов", "ежегодно, сентябрь", ResponsibleKind.ORGANISATION),
        ],
    )
    Contingent.objects.create(
        organisation=world.school_a1, year=2025, students_total=500, students_10_18=300, teachers=40
    )
    for purpose, score in ((Purpose.BEFORE, 4), (Purpose.AFTER, 7)):  # the influence page's table and chart
        template = template_for(pair, purpose, Role.MENTOR)
        values = {q.pk: score for q in template.questions.filter(kind=QuestionKind.SCALE)}
        save_response(pair=pair, participation=None, template=template, values=values, user=None)
    from region.models import RegionalCollection

    regional = RegionalCollection.objects.create(
        region=world.region, title="Мониторинг ЦМН региона", deadline=date(2027, 6, 1), first_year=2025, last_year=2025
    )
    from events.models import Event, EventKind, EventParticipant

    event = Event.objects.create(
        department=world.department_a,
        kind=EventKind.objects.get(department=None, name="Курсы повышения квалификации"),
        title="Курсы «Наставничество в школе»",
        start_date=date(2025, 10, 6),
        end_date=date(2025, 10, 17),
        organiser="Институт развития образования",
    )
    EventParticipant.objects.create(event=event, person=mentor, training_hours=36)
    return {"person": mentee, "pair": pair, "roadmap": roadmap, "regional": regional, "event": event}


def pages(world, data) -> dict[str, list[str]]:
    """The main pages of each persona."""
    a1 = world.school_a1.pk
    common = [
        reverse("home"),
        reverse("person_list"),
        reverse("person_detail", args=[data["person"].pk]),
        reverse("person_detail", args=[data["pair"].mentor_id]),  # with the mentor's portfolio (issue 21)
        reverse("pair_list"),
        reverse("pair_detail", args=[data["pair"].pk]),
        reverse("program_list"),
        reverse("quality"),
        reverse("roadmap_list"),
        reverse("roadmap_detail", args=[data["roadmap"].pk]),
        reverse("roadmap_agenda"),
        reverse("contingent_list"),
        reverse("export"),
        reverse("job_list"),
        reverse("practice_list"),
        reverse("event_list"),
        reverse("event_detail", args=[data["event"].pk]),
    ]
    return {
        "curator_a1": [
            *common,
            reverse("organisation_detail", args=[a1]),
            reverse("person_create"),
            reverse("pair_create"),
            reverse("meeting_create", args=[data["pair"].pk]),
            reverse("influence_pair", args=[data["pair"].pk]),
            reverse("influence_mentor_response", args=[data["pair"].pk, "before"]),
            reverse("influence_results"),
            reverse("import_file"),
            reverse("my_reminders"),
            reverse("paperwork_pair_order", args=[a1]),
            reverse("paperwork_templates"),
        ],
        "methodist_a": [
            *common,
            reverse("organisation_list"),
            reverse("roadmap_matrix", args=[data["roadmap"].pk]),
            reverse("indicators"),
            reverse("reference_list"),
            reverse("access_log"),
            reverse("reminder_list"),
            reverse("reminder_preview", args=[world.curator_a1.pk]),
            reverse("influence_results"),
            reverse("influence_template_list"),
            reverse("paperwork_pair_order", args=[a1]),
            reverse("paperwork_templates"),
            reverse("event_create"),
            reverse("event_participant_add", args=[data["event"].pk]),
            reverse("region_collection_list"),
            reverse("region_collection_detail", args=[data["regional"].pk]),
        ],
        "coordinator": [
            reverse("region_overview"),
            reverse("region_collection_list"),
            reverse("region_collection_create"),
            reverse("region_collection_detail", args=[data["regional"].pk]),
        ],
        "head_a": [
            reverse("home"),
            reverse("indicators"),
            reverse("influence_results"),
            reverse("quality"),
            reverse("roadmap_agenda"),
        ],
    }


def axe_violations(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG,
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        found.append(f"{page.url}: {violation['id']} ({violation['impact']}) ×{len(violation['nodes'])} — {targets}")
    return found


def assert_accessible_and_narrow(page, live_server, urls) -> None:
    """Each page meets WCAG 2.2 AA (axe) at the desktop size, then none scrolls sideways on a 390 px phone."""
    problems, wide = [], []
    for viewport in (None, PHONE):
        if viewport:
            page.set_viewport_size(viewport)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            if viewport is None:
                problems += axe_violations(page)
            else:
                width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
                if width[0] > width[1]:
                    wide.append(f"{url}: {width[0]} px wide on a {width[1]} px screen")
    assert not problems, "\n".join(problems)
    assert not wide, "\n".join(wide)


@pytest.mark.parametrize("persona", ["curator_a1", "methodist_a", "head_a", "coordinator"])
def test_every_main_page_meets_wcag_aa(page, live_server, world, data, persona):
    log_in(page, live_server, persona, landing="/region/" if persona == "coordinator" else "/")
    problems = []
    for url in pages(world, data)[persona]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        problems += axe_violations(page)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", ["curator_a1", "methodist_a", "coordinator"])
def test_no_page_scrolls_sideways_on_a_phone(page, live_server, world, data, persona):
    log_in(page, live_server, persona, landing="/region/" if persona == "coordinator" else "/")
    page.set_viewport_size(PHONE)
    wide = []
    for url in pages(world, data)[persona]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1]:
            wide.append(f"{url}: {width[0]} px wide on a {width[1]} px screen")
    assert not wide, "\n".join(wide)


def test_a_keyboard_user_skips_to_the_content_and_the_menu_fits_a_laptop(page, live_server, world, data):
    log_in(page, live_server, "methodist_a")
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}{reverse('person_list')}")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Перейти к содержанию"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#content"
    items = [item.bounding_box() for item in page.locator("nav .navbar-nav > .nav-item").all() if item.is_visible()]
    assert len({round(box["y"]) for box in items}) == 1, "the menu wraps at 1366 px"
    assert max(box["x"] + box["width"] for box in items) <= LAPTOP["width"], "the menu runs off a 1366 px screen"
    assert page.get_by_role("button", name="Иванова А.П.").is_visible() or page.locator("#user-menu").is_visible()
