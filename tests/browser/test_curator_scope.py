"""A curator logs in through the real login form in Chromium and sees only the own school."""

from tests.factories import PASSWORD


def log_in(page, live_server, username, landing="/"):
    """Through the login form; `landing` is where the home page leads the user (a coordinator: the region)."""
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}{landing}")
    # The home page loads its figures in fragments (htmx): leaving before they arrive races them for the
    # test database (SQLite's shared cache answers «table is locked»).
    page.wait_for_load_state("networkidle")


def test_curator_sees_only_the_own_school(page, live_server, world):
    log_in(page, live_server, "curator_a1")
    assert page.get_by_role("heading", name="МБОУ СОШ № 1").is_visible()
    assert "МБОУ СОШ № 2" not in page.content()

    # «Моя организация» of a curator of one school is that school's card, not a list of one.
    page.get_by_role("link", name="Моя организация").click()
    page.wait_for_url(f"{live_server.url}/organisations/{world.school_a1.pk}/")
    assert page.get_by_role("heading", name="МБОУ СОШ № 1", exact=True).is_visible()
    assert page.get_by_role("link", name="Наставнические пары и группы").is_visible()

    response = page.goto(f"{live_server.url}/organisations/{world.school_a2.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Страница не найдена").is_visible()

    foreign = [url for url in page.requested_urls if not url.startswith(live_server.url)]
    assert foreign == [], "a page loaded something from another host"


def test_methodist_sees_every_school_of_the_department(page, live_server, world):
    log_in(page, live_server, "methodist_a")
    page.get_by_role("link", name="Организации", exact=True).click()
    page.wait_for_url(f"{live_server.url}/organisations/**")
    text = page.locator("table tbody").inner_text()
    assert "МБОУ СОШ № 1" in text and "МБОУ СОШ № 2" in text and "Лицей" not in text
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
