"""The person form shows the blocks of the category chosen (static/js/category-blocks.js)."""

from tests.browser.test_curator_scope import log_in


def test_the_person_form_shows_the_chosen_categorys_fields(page, live_server, world):
    log_in(page, live_server, "curator_a1")
    page.goto(f"{live_server.url}/people/new/")
    pupil, staff, outside = (page.get_by_label(label) for label in ("Класс или группа", "Должность", "Место работы"))
    assert pupil.is_visible() and staff.is_visible()  # nothing chosen yet: every block
    page.get_by_label("Категория").select_option(label="Педагог")
    assert staff.is_visible() and not pupil.is_visible() and not outside.is_visible()
    page.get_by_label("Категория").select_option(label="Обучающийся")
    assert pupil.is_visible() and not staff.is_visible()
    pupil.fill("7 Б")
    page.get_by_label("Категория").select_option(label="Педагог")
    page.get_by_label("Категория").select_option(label="Обучающийся")
    assert pupil.input_value() == "7 Б", "a hidden block keeps what was typed"
