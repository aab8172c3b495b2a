"""A participant opens a personal answer link on a phone, without an account, and sends the questionnaire."""

from django.urls import reverse

from influence import links
from influence.models import AnswerLink, EntryMethod, Purpose, QuestionKind, Response
from influence.services import template_for
from tests import factories
from tests.browser.test_accessibility import PHONE, axe_violations

TOKEN = "p" * 43


def test_a_participant_answers_on_a_phone(page, live_server, world):
    mentor = factories.teacher(world.school_a1, last_name="Наставникова", first_name="Ольга")
    mentee = factories.teacher(world.school_a1, last_name="Молодцова", first_name="Анна", is_young_teacher=True)
    pair = factories.pair(mentor, [mentee], format_name="учитель – учитель")
    participation = pair.participations.get()
    link = links.send_link(
        pair=pair,
        participation=participation,
        purpose=Purpose.BEFORE,
        recipient=links.recipient_for(mentee),
        email="anna@example.ru",
        user=world.curator_a1,
        site_url=live_server.url,
    )
    AnswerLink.objects.filter(pk=link.pk).update(token_hash=links.hash_token(TOKEN))
    template = template_for(pair, Purpose.BEFORE, "mentee")

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('influence_answer', args=[TOKEN])}")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=template.title).is_visible()
    assert "Молодцова" not in page.content() and "Наставникова" not in page.content()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert not axe_violations(page), axe_violations(page)

    for question in template.questions.order_by("order"):
        name = f"q{question.pk}"
        if question.kind == QuestionKind.SCALE:
            target = page.locator(f"label[for='id_{name}_6']")  # «7»
            box = target.bounding_box()
            assert box["height"] >= 24 and box["width"] >= 24, "a scale's choice is big enough for a thumb"
            target.click()
        elif question.kind == QuestionKind.CHOICE:
            page.locator(f"label[for='id_{name}_0']").click()
        elif question.kind == QuestionKind.NUMBER:
            page.locator(f"#id_{name}").fill("2")
        else:
            page.locator(f"#id_{name}").fill("Больше встреч")
    page.get_by_role("button", name="Отправить анкету").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Спасибо, анкета отправлена").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    response = Response.objects.get()
    assert response.entry_method == EntryMethod.PARTICIPANT_LINK
    assert set(response.answers.filter(kind=QuestionKind.SCALE).values_list("number_value", flat=True)) == {7}

    # Opened again: the neutral page, nothing else.
    again = page.goto(f"{live_server.url}{reverse('influence_answer', args=[TOKEN])}")
    assert again.status == 404
    assert page.get_by_role("heading", name="Ссылка недействительна").is_visible()
    assert not axe_violations(page)
    foreign = [url for url in page.requested_urls if not url.startswith(live_server.url)]
    assert foreign == [], "a page loaded something from another host"
