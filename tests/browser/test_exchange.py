"""A curator downloads the school's base in Chromium, then uploads a file with a mistake and sees where it is."""

from openpyxl import Workbook, load_workbook

from exchange.official import MENTEES
from registry.models import Person
from tests import factories
from tests.browser.test_curator_scope import log_in


def test_curator_downloads_a_base_and_uploads_a_file_with_an_error(page, live_server, world, tmp_path):
    mentor = factories.student(world.school_a1, last_name="Соколов", first_name="Артём", birth_year=2008)
    factories.pair(
        mentor, [factories.student(world.school_a1, last_name="Ёлкина", first_name="Вера", patronymic="Олеговна")]
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server, "curator_a1")

    page.get_by_role("link", name="Пары", exact=True).click()
    page.get_by_role("link", name="Выгрузить базы").click()
    page.get_by_label("База наставляемых").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Выгрузить").click()
    download = download_info.value
    assert download.suggested_filename.startswith("База наставляемых — МБОУ СОШ № 1 — ")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = [row for row in load_workbook(saved).active.iter_rows(values_only=True) if isinstance(row[0], int)]
    assert [(row[0], row[1], row[5]) for row in rows] == [(1, "Ёлкина Вера Олеговна", "Соколов Артём Сергеевич")]

    # A school's own file: a title row, then the official header, and a date nobody can read.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["База наставляемых МБОУ СОШ № 1"])
    sheet.append(MENTEES.headers)
    sheet.append(
        [
            1,
            "Новикова Дарья Олеговна",
            2012,
            "Дроби",
            "31.02.2025",
            "Соколов Артём",
            "ученик – ученик",
            "МБОУ СОШ № 1",
            None,
            None,
            None,
            None,
        ]
    )
    upload = tmp_path / "база.xlsx"
    workbook.save(upload)
    people_before = Person.objects.count()

    page.get_by_role("button", name="Базы").click()
    page.get_by_role("link", name="Загрузить из Excel").click()
    page.get_by_label("База наставляемых").check()
    page.get_by_label("Файл с таблицей").set_input_files(str(upload))
    page.get_by_role("button", name="Проверить файл").click()
    problems = page.locator("#import-problems")
    problems.wait_for()
    assert "31.02.2025" in problems.inner_text() and "E" in problems.inner_text()
    assert page.get_by_role("button", name="Загрузить в реестр").count() == 0
    assert Person.objects.count() == people_before
    assert errors == [], errors
    assert [url for url in page.requested_urls if not url.startswith(live_server.url)] == []
