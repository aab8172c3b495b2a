"""A curator forms a pair from scratch in Chromium: a new mentor and a new mentee on one page."""

from registry.models import MentoringPair
from tests.browser.test_curator_scope import log_in


def test_curator_forms_a_pair_from_scratch(page, live_server, world):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "curator_a1")
    page.get_by_role("link", name="Пары", exact=True).click()
    page.get_by_role("link", name="Сформировать пару").click()

    # The role models follow the form chosen: another form's are not offered, a choice that no longer fits is
    # cleared.
    role_model = page.get_by_label("Ролевая модель")
    page.get_by_label("Форма наставничества").select_option(label="учитель – учитель")
    role_model.select_option(label="учитель – учитель: опытный педагог – молодой специалист")
    page.get_by_label("Форма наставничества").select_option(label="ученик – ученик")
    assert role_model.input_value() == ""
    offered = role_model.locator("option:not([disabled])").all_inner_texts()
    assert "ученик – ученик: лидер – пассивный" in offered
    assert not [text for text in offered if text.startswith("учитель – учитель")], offered
    role_model.select_option(label="ученик – ученик: лидер – пассивный")
    page.get_by_label("Дата вхождения в программу").fill("15.09.2025")
    page.get_by_label("Номер приказа о закреплении").fill("112-од")
    page.get_by_label("Дата приказа").fill("12.09.2025")

    page.get_by_text("Новый наставник — нет в базе").click()
    mentor = page.locator("details", has_text="Новый наставник")
    mentor.get_by_label("Фамилия").fill("Соколов")
    mentor.get_by_label("Имя").fill("Артём")
    mentor.get_by_label("Год рождения").fill("2008")
    mentor.get_by_label("Категория").select_option(label="Обучающийся")
    mentor.get_by_label("Класс или группа").fill("11 А")

    mentee = page.locator("details", has_text="Новый наставляемый 1")
    mentee.get_by_label("Фамилия").fill("Ёлкина")
    mentee.get_by_label("Имя").fill("Вера")
    mentee.get_by_label("Год рождения").fill("2013")
    mentee.get_by_label("Категория").select_option(label="Обучающийся")
    mentee.get_by_label("Основной запрос наставляемого").fill("Пробелы по дробям")

    page.get_by_role("button", name="Сформировать пару").click()
    page.wait_for_url(f"{live_server.url}/pairs/*/")
    assert page.get_by_text("Пара сформирована.").is_visible()
    assert page.get_by_role("link", name="Соколов Артём").is_visible()
    assert "Ёлкина Вера" in page.content()

    pair = MentoringPair.objects.get()
    assert (pair.organisation, pair.order_number) == (world.school_a1, "112-од")
    assert pair.role_model.name == "лидер – пассивный"
    assert errors == [], errors
    assert [url for url in page.requested_urls if not url.startswith(live_server.url)] == []
