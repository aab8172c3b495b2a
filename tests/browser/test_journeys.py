"""The three users' journeys end to end in Chromium, through the real UI only: the login form, menus,
forms, the Tom Select pickers, uploads and downloads.

a. A school's curator adds a mentee and a mentor, records the minor's consent, forms a pair of them
   with the pickers, completes it and downloads the school's two bases (XLSX).
b. A methodist uploads the approved roadmap as a Word document, checks the preview, saves it, marks an
   item done with a PDF, then finds the problems planted in the data-quality page and follows them.
c. The head of the department reads the indicators (a share computed by hand from the planted
   contingent and pairs), opens the breakdown and the people behind a figure, and downloads the
   analytic report as PDF and XLSX.

The accounts are made with the factories and their own passwords; everything else the users do
through the pages, and each step asserts what the user sees. A few checks of details (`later`) are
reported at the end of the journey, so that one wrong detail does not hide the rest of it. The `page`
fixture (conftest.py) fails a test on any CSP violation or uncaught JavaScript error, and keeps
screenshots of a failing test under var/test-artifacts/.
"""

import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.timezone import localdate
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from monitoring.models import Contingent
from registry.models import Consent, MentoringFormat, MentoringPair, PairMentee, Participants, Person
from roadmap.models import Occurrence, Roadmap, Status
from tests import factories
from tests.browser.conftest import artifacts_dir

pytestmark = pytest.mark.browser

SAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"
NBSP = "\u00a0"


def log_in(page, live_server, username: str, password: str, *, greeting: str, later: "Later") -> None:
    """The login form, as a person uses it: the site sends an anonymous visitor there first."""
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="Вход в реестр наставничества")).to_be_visible()
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(greeting)
    later.check("the top menu fits the window", lambda: menu_fits_the_window(page))


def menu_fits_the_window(page) -> None:
    """The whole top menu, the user's own menu («Выйти») included, is on screen without scrolling
    (or folded behind the «Меню» button in a narrow window)."""
    window = page.viewport_size["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    toggler = page.locator(".navbar").get_by_role("button", name="Меню")
    last = toggler if toggler.is_visible() else page.locator("#user-menu")
    box = last.bounding_box()
    assert page_width <= window and box["x"] + box["width"] <= window, (
        f"in a {window} px window the page is {page_width} px wide and the user menu ends at "
        f"x={box['x'] + box['width']:.0f}: «Базы», «Ещё» and the user menu are off screen"
    )


def top_menu(page):
    """The top menu, unfolded first if the window is narrow enough to fold it behind «Меню»."""
    toggler = page.locator(".navbar").get_by_role("button", name="Меню")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
    return page.locator("#main-nav")


def open_from_menu(page, live_server, item: str, url_name: str, heading: str) -> None:
    """A page of the top menu, waited for before anything on it is clicked. The page being left may have a
    link of the same name (the home page's «Добавить участника», «Сформировать пару»): under load, a click
    aimed at the new page's link found the old page's one while the browser was still on its way, and the
    two navigations raced until the click timed out."""
    top_menu(page).get_by_role("link", name=item, exact=True).click()
    page.wait_for_url(f"{live_server.url}{reverse(url_name)}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def menu(page, name: str, item: str) -> None:
    """A dropdown of the top menu (Bootstrap's script must be working for it to open)."""
    top_menu(page).get_by_role("button", name=name, exact=True).click()
    top_menu(page).get_by_role("link", name=item, exact=True).click()


def pick(page, label: str, typed: str, option: str) -> None:
    """A Tom Select people picker: type part of a name, wait for the server's answer, choose."""
    control = page.get_by_role("combobox", name=label, exact=True)
    control.click()
    control.press_sequentially(typed, delay=30)
    page.get_by_role("option", name=re.compile(re.escape(option))).click()


def definition(page, term: str):
    """The <dd> of a card's <dt>term</dt>."""
    return (
        page.locator("dt")
        .filter(has_text=re.compile(rf"^{re.escape(term)}$"))
        .locator("xpath=following-sibling::dd[1]")
    )


class Later:
    """Checks whose failure should not stop the journey: each failure is noted with a screenshot of the
    page as it was (var/test-artifacts/<test>/later-NN.png), and `verify()` reports them all at the end."""

    def __init__(self, page, folder: Path) -> None:
        self.page, self.folder = page, folder
        self.failures: list[str] = []

    def check(self, what: str, check) -> None:
        try:
            check()
        except AssertionError as error:
            self.failures.append(f"{what}: " + " / ".join(str(error).splitlines()[:2]))
            self.folder.mkdir(parents=True, exist_ok=True)
            shot = self.folder / f"later-{len(self.failures):02d}.png"
            self.page.screenshot(path=shot, full_page=True)
            self.failures[-1] += f" (screenshot: {shot})"

    def verify(self) -> None:
        if self.failures:
            pytest.fail("\n".join(self.failures), pytrace=False)


@pytest.fixture
def later(page, request) -> Later:
    return Later(page, artifacts_dir(request.node))


def _equal(actual, expected) -> None:
    assert actual == expected, f"{actual!r} != {expected!r}"


def no_foreign_requests(page, live_server) -> None:
    assert [url for url in page.requested_urls if not url.startswith(live_server.url)] == []


def xlsx_rows(download, tmp_path) -> list[tuple]:
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return list(load_workbook(saved).active.iter_rows(values_only=True))


# --- a. The curator of a school ---------------------------------------------------------------------


def test_curator_registers_a_pair_completes_it_and_downloads_the_bases(page, live_server, world, tmp_path, later):
    factories.curator(
        world.school_a1,
        user__username="smirnova",
        user__password="Sosh1-kurator!",
        user__last_name="Смирнова",
        user__first_name="Ольга",
        user__patronymic="Викторовна",
    )
    # The department's own form of mentoring, added by its methodist in the reference lists.
    MentoringFormat.objects.create(
        name="учитель – ученик", department=world.department_a, participants=Participants.ANY
    )
    log_in(page, live_server, "smirnova", "Sosh1-kurator!", greeting="Здравствуйте, Ольга Викторовна!", later=later)
    expect(page.locator("#user-menu")).to_have_text("Смирнова О.В.")

    # 1. The mentee: a pupil of 7 «Б», a minor.
    open_from_menu(page, live_server, "Участники", "person_list", "Наставники и наставляемые")
    page.get_by_role("link", name="Добавить участника").click()
    expect(page.get_by_role("heading", name="Новый наставник или наставляемый")).to_be_visible()
    page.get_by_label("Фамилия").fill("Ёлкина")
    page.get_by_label("Имя").fill("Вера")
    page.get_by_label("Отчество").fill("Олеговна")
    page.get_by_label("Год рождения").fill("2013")
    page.get_by_label("Категория").select_option(label="Обучающийся")
    page.get_by_label("Класс или группа").fill("7 Б")
    page.get_by_label("Основной запрос наставляемого").fill("Пробелы по дробям и процентам")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Ёлкина Вера Олеговна добавлена в базу.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ёлкина Вера Олеговна")).to_be_visible()
    expect(page.get_by_text("Обучающийся, 2013 г. р.")).to_be_visible()
    no_consent = page.get_by_text("Несовершеннолетний без действующего согласия законного представителя")
    expect(no_consent).to_be_visible()

    # 2. The consent her mother signed: a minor's consent is given by a legal representative.
    page.get_by_role("link", name="Внести согласие").click()
    expect(page.get_by_text("несовершеннолетний: согласие даёт законный представитель")).to_be_visible()
    expect(page.get_by_label("Законный представитель")).to_be_checked()
    page.get_by_label("ФИО законного представителя").fill("Ёлкина Марина Сергеевна")
    page.get_by_label("Кем приходится").fill("мать")
    page.get_by_label("Дата согласия").fill("01.09.2025")
    page.get_by_role("button", name="Сохранить согласие").click()
    expect(page.get_by_text("Согласие на обработку персональных данных записано.")).to_be_visible()
    expect(page.get_by_text("Законный представитель: Ёлкина Марина Сергеевна (мать), 01.09.2025")).to_be_visible()
    expect(page.get_by_text("действует", exact=True)).to_be_visible()
    expect(no_consent).to_have_count(0)

    # 3. The mentor: a mathematics teacher.
    open_from_menu(page, live_server, "Участники", "person_list", "Наставники и наставляемые")
    page.get_by_role("link", name="Добавить участника").click()
    expect(page.get_by_role("heading", name="Новый наставник или наставляемый")).to_be_visible()
    page.get_by_label("Фамилия").fill("Кузнецова")
    page.get_by_label("Имя").fill("Ирина")
    page.get_by_label("Отчество").fill("Павловна")
    page.get_by_label("Год рождения").fill("1979")
    page.get_by_label("Категория").select_option(label="Педагог")
    page.get_by_label("Должность").fill("учитель математики")
    page.get_by_label("Основные компетенции наставника").fill("Олимпиадная математика")
    page.get_by_label("Ресурс времени на программу наставничества").fill("2 часа в неделю")
    page.get_by_label("Сколько наставляемых может вести одновременно").fill("3")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Кузнецова Ирина Павловна добавлена в базу.")).to_be_visible()
    expect(page.get_by_text("Педагог, 1979 г. р.")).to_be_visible()

    # 4. The pair, both people chosen in the pickers (they ask the server as the curator types).
    open_from_menu(page, live_server, "Пары", "pair_list", "Наставнические пары и группы")
    page.get_by_role("link", name="Сформировать пару").click()
    expect(page.get_by_role("heading", name="Сформировать наставническую пару или группу")).to_be_visible()
    page.get_by_label("Форма наставничества").select_option(label="учитель – ученик")
    page.get_by_label("Дата вхождения в программу").fill("15.09.2025")
    page.get_by_label("Номер приказа о закреплении").fill("112-од")
    page.get_by_label("Дата приказа").fill("12.09.2025")
    pick(page, "Наставник из базы", "кузнец", "Кузнецова Ирина Павловна, 1979 г. р.")
    pick(page, "Наставляемые из базы", "елкина", "Ёлкина Вера Олеговна, 2013 г. р., 7 Б")
    page.get_by_role("button", name="Сформировать пару").click()
    page.wait_for_url(re.compile(rf"{re.escape(live_server.url)}/pairs/\d+/$"))
    expect(page.get_by_text("Пара сформирована.")).to_be_visible()
    expect(page.get_by_role("heading", name="Наставническая пара")).to_be_visible()
    expect(page.get_by_role("link", name="Кузнецова Ирина Павловна")).to_be_visible()
    expect(page.get_by_role("link", name="Ёлкина Вера Олеговна")).to_be_visible()
    expect(page.get_by_text("№ 112-од от 12.09.2025")).to_be_visible()
    expect(page.get_by_text("нет согласия")).to_have_count(0)  # recorded in step 2

    # 5. Completion: the end date, the results, the mentee's mark.
    page.get_by_role("link", name="Завершить").click()
    expect(page.get_by_role("heading", name="Завершить пару: итоги программы")).to_be_visible()
    page.get_by_label("Дата завершения программы").fill("29.05.2026")
    page.get_by_label("Результаты программы*", exact=True).fill("Годовая отметка по математике — «4»")
    page.get_by_label("Отметка о прохождении программы").select_option(label="Прошёл(а) программу")
    page.get_by_label("Результаты программы для наставляемого").fill("Закрыты пробелы по дробям")
    page.get_by_role("button", name="Завершить и сохранить итоги").click()
    expect(page.get_by_text("Пара завершена, результаты записаны.")).to_be_visible()
    expect(definition(page, "Завершение")).to_have_text("29.05.2026")
    expect(page.get_by_text("Прошёл(а) программу", exact=True)).to_be_visible()
    # The change is in the card's history (who, what from → to).
    expect(page.get_by_text("Отметка о прохождении программы: — → Прошёл(а) программу")).to_be_visible()
    expect(page.get_by_role("link", name="Завершить")).to_have_count(0)

    # 6. The bases: the pair has completed, so it is in the archive (or «Все»), not among the current.
    downloads = {}
    for base in ("База наставников", "База наставляемых"):
        menu(page, "Базы", "Выгрузить базы (Excel, PDF)")
        expect(page.get_by_role("heading", name="Выгрузка баз наставников и наставляемых")).to_be_visible()
        page.get_by_label(base).check()
        page.get_by_label("Архив: завершившие программу").check()
        page.get_by_label("Excel (.xlsx)").check()
        with page.expect_download() as download_info:
            page.get_by_role("button", name="Выгрузить").click()
        download = download_info.value
        assert download.suggested_filename == f"{base} (архив) — МБОУ СОШ № 1 — {localdate():%d.%m.%Y}.xlsx"
        downloads[base] = [row for row in xlsx_rows(download, tmp_path) if isinstance(row[0], int)]

    (mentor_row,) = downloads["База наставников"]
    assert mentor_row[1] == "Кузнецова Ирина Павловна"
    assert mentor_row[2] == "МБОУ СОШ № 1"
    assert mentor_row[3] == "Олимпиадная математика"
    assert mentor_row[7] == "2 часа в неделю"
    assert "Ёлкина Вера Олеговна" in mentor_row[9]
    assert mentor_row[10] == "учитель – ученик"
    assert "Годовая отметка по математике" in mentor_row[13]
    (mentee_row,) = downloads["База наставляемых"]
    assert mentee_row[1:4] == ("Ёлкина Вера Олеговна", 2013, "Пробелы по дробям и процентам")
    assert mentee_row[5:7] == ("Кузнецова Ирина Павловна", "учитель – ученик")
    assert mentee_row[11] == "Прошёл(а) программу"

    # What the pages saved, as the database has it.
    pair = MentoringPair.objects.get()
    assert (pair.organisation, pair.order_number, pair.end_date) == (world.school_a1, "112-од", date(2026, 5, 29))
    mentee = Person.objects.get(last_name="Ёлкина")
    assert Consent.objects.get(person=mentee).representative_relation == "мать"
    assert PairMentee.objects.get(pair=pair).mentee == mentee
    no_foreign_requests(page, live_server)
    later.verify()


# --- b. The methodist -------------------------------------------------------------------------------


def district_roadmap_docx() -> bytes:
    """The district's approved roadmap as the methodist has it: a Word document with a title and the
    table, section titles merged across the row (built from the real sample, fixtures/roadmaps)."""
    lines = (SAMPLES / "district-2022-2024.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    width = len(lines[0].split("\t"))
    document = Document()
    document.add_paragraph("УТВЕРЖДЕНО приказом Управления образования от 01.09.2022 № 125-о")
    document.add_paragraph("План мероприятий («дорожная карта») внедрения целевой модели наставничества")
    rows = []
    for line in lines:
        cells = line.split("\t")
        if 2 <= len(cells) < width:  # a short row (the paste of a PDF): the responsible is the last cell
            cells = cells[:-1] + [""] * (width - len(cells)) + cells[-1:]
        rows.append(cells + [""] * (width - len(cells)))
    table = document.add_table(rows=len(rows), cols=width)
    for row, cells in zip(table.rows, rows, strict=False):
        if cells[0] and not any(cells[1:]):
            row.cells[0].merge(row.cells[-1]).text = cells[0]
        else:
            for cell, text in zip(row.cells, cells, strict=False):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def one_page_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Аналитическая справка по итогам мониторинга"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_methodist_imports_a_word_roadmap_marks_an_item_and_follows_data_problems(
    page, live_server, world, tmp_path, later
):
    factories.methodist(
        world.department_a,
        user__username="orlova",
        user__password="Metodist-2026",
        user__last_name="Орлова",
        user__first_name="Наталья",
        user__patronymic="Игоревна",
    )
    # Problems planted in school 2: a pair without its order, its pupil mentee without a consent.
    this_year = date.today().year
    mentor = factories.student(
        world.school_a2,
        last_name="Соколов",
        first_name="Артём",
        patronymic="Ильич",
        birth_year=this_year - 19,
        class_or_group="11 А",
    )  # of age all year: needs no consent (one turning 18 this year is treated as a minor)
    mentee = factories.student(
        world.school_a2, last_name="Новикова", first_name="Дарья", patronymic="Олеговна", birth_year=this_year - 12
    )
    factories.pair(mentor, [mentee])
    docx = tmp_path / "Дорожная карта ЦМН 2022-2024.docx"
    docx.write_bytes(district_roadmap_docx())
    evidence = tmp_path / "Справка по мониторингу, октябрь 2022.pdf"
    evidence.write_bytes(one_page_pdf())

    log_in(page, live_server, "orlova", "Metodist-2026", greeting="Здравствуйте, Наталья Игоревна!", later=later)
    expect(page.get_by_text("Методист", exact=True)).to_be_visible()
    # The home page's data-quality summary arrives after the page (htmx) and already shows the problems.
    summary = page.get_by_role("region", name="Качество данных")
    expect(summary.get_by_role("listitem").filter(has_text="Пары без приказа о закреплении")).to_have_text(
        re.compile(r"Пары без приказа о закреплении\s+1\s*$")
    )
    expect(summary.get_by_role("listitem").filter(has_text="Несовершеннолетние без согласия")).to_have_text(
        re.compile(r"Несовершеннолетние без согласия на обработку ПДн\s+1\s*$")
    )

    # 1. The Word document through the import page; the preview saves nothing.
    menu(page, "Дорожные карты", "Загрузить из документа")
    expect(page.get_by_role("heading", name="Загрузка утверждённой дорожной карты")).to_be_visible()
    page.get_by_label("Чья дорожная карта").select_option(
        label="Муниципальная — Управление образования Кедровского округа"
    )
    page.get_by_label("Название").fill("Дорожная карта внедрения целевой модели наставничества")
    page.get_by_label("Период").fill("2022–2024 гг.")
    page.get_by_label("Номер приказа об утверждении").fill("125-о")
    page.get_by_label("Дата приказа").fill("01.09.2022")
    page.get_by_label("Файл", exact=True).set_input_files(str(docx))
    page.get_by_role("button", name="Показать, как распознано").click()
    expect(page.get_by_role("heading", name="Проверьте, как распознана дорожная карта")).to_be_visible()
    expect(page.get_by_text("Разделов: 4, пунктов: 13.")).to_be_visible()
    monitoring_row = page.locator("tr", has=page.get_by_role("cell", name="4.1.", exact=True))
    expect(monitoring_row).to_contain_text("Мониторинг процесса реализации программ наставничества")
    expect(monitoring_row.get_by_label("Сроки пункта 4.1.")).to_have_value("Октябрь Май")
    assert Roadmap.objects.count() == 0

    # 2. Saved: the roadmap page, its sections, the order.
    page.get_by_role("button", name="Сохранить дорожную карту (пунктов: 13)").click()
    page.wait_for_url(re.compile(rf"{re.escape(live_server.url)}/roadmaps/\d+/$"))
    expect(page.get_by_text("Дорожная карта сохранена, пунктов: 13.")).to_be_visible()
    expect(page.get_by_role("heading", name="Дорожная карта внедрения целевой модели наставничества")).to_be_visible()
    expect(page.get_by_text("приказ № 125-о от 01.09.2022")).to_be_visible()
    for section in ("1. Нормативно-правовое регулирование", "4. Мониторинг и оценка"):
        expect(page.get_by_role("heading", name=section)).to_be_visible()
    roadmap = Roadmap.objects.get()
    item = roadmap.items.get(number="4.1.")

    # 3. Item 4.1, its first time (October 2022): done, with the analytic note as a PDF.
    row = page.locator(f"#item-{item.pk}")
    row.get_by_role("link").filter(has_text="не начато").first.click()
    expect(page.get_by_role("heading", name="Отметить исполнение")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("4.1. Мониторинг процесса реализации")
    page.get_by_label("Статус").select_option(label="выполнено")
    page.get_by_label("Дата выполнения").fill("28.10.2022")
    page.get_by_label("Документ", exact=True).set_input_files(str(evidence))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Отметка сохранена.")).to_be_visible()
    row = page.locator(f"#item-{item.pk}")
    done = row.get_by_role("link").filter(has_text="выполнено")
    expect(done).to_have_count(1)
    expect(done.get_by_title("Есть документ")).to_be_visible()
    expect(row.get_by_role("link").filter(has_text="не начато")).to_have_count(item.occurrences.count() - 1)
    done.click()
    expect(definition(page, "Статус")).to_contain_text("выполнено 28.10.2022 · отметила Орлова Наталья Игоревна")
    document = definition(page, "Документ").get_by_role("link")
    expect(document).to_be_visible()
    with page.expect_download() as download_info:
        document.click()
    assert Path(download_info.value.path()).read_bytes() == evidence.read_bytes()
    # The document keeps the name it was uploaded with, on the card and in the download (checked at
    # the end, so that a wrong name does not hide the rest of the journey).
    later.check("the evidence document's name on the card", lambda: expect(document).to_have_text(evidence.name))
    later.check(
        "the evidence document's name in the download",
        lambda: _equal(download_info.value.suggested_filename, evidence.name),
    )
    marked = Occurrence.objects.get(item=item, status=Status.DONE)
    assert marked.done_on == date(2022, 10, 28) and marked.evidence_file.name.endswith(".pdf")

    # 4. The data-quality page: the planted problems, each a link to what needs fixing.
    top_menu(page).get_by_role("link", name="Качество данных", exact=True).click()
    expect(page.get_by_role("heading", name="Качество данных", level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Разделы")
    expect(nav.get_by_role("link", name=re.compile("^Пары без приказа о закреплении"))).to_have_text(
        re.compile(r"\s1\s*$")
    )
    expect(nav.get_by_role("link", name=re.compile("^Несовершеннолетние без согласия"))).to_have_text(
        re.compile(r"\s1\s*$")
    )
    expect(nav.get_by_role("link", name=re.compile("^Возможные дубликаты"))).to_have_text(re.compile(r"\s0\s*$"))
    orders = page.locator("section#orders")
    expect(orders.get_by_text("номер не указан")).to_be_visible()
    orders.get_by_role("link", name="Соколов Артём Ильич — ученик – ученик").click()
    expect(page.get_by_role("heading", name="Наставническая пара")).to_be_visible()
    expect(page.get_by_text("Нет приказа о закреплении пары: укажите его номер и дату.")).to_be_visible()
    page.go_back()
    consents = page.locator("section#consents")
    expect(consents.get_by_text("в действующей паре")).to_be_visible()
    consents.get_by_role("link", name="Новикова Дарья Олеговна").click()
    expect(page.get_by_role("heading", name="Новикова Дарья Олеговна")).to_be_visible()
    expect(page.get_by_text("Несовершеннолетний без действующего согласия законного представителя")).to_be_visible()
    no_foreign_requests(page, live_server)
    later.verify()


# --- c. The head of the department ------------------------------------------------------------------


def test_head_reads_an_indicator_drills_down_and_downloads_the_report(page, live_server, world, tmp_path, later):
    factories.head(
        world.department_a,
        user__username="volkov",
        user__password="Rukovoditel-2026",
        user__last_name="Волков",
        user__first_name="Андрей",
        user__patronymic="Николаевич",
    )
    factories.OrganisationFactory(department=world.department_a, code="a3", short_name="МБОУ ООШ № 3")
    this_year = date.today().year
    # School 1 reported 40 pupils aged 10–18 for this year; three of its pupils are mentees, two mentors.
    Contingent.objects.create(organisation=world.school_a1, year=this_year, students_total=52, students_10_18=40)
    a1 = world.school_a1
    sokolov = factories.student(a1, last_name="Соколов", first_name="Артём", birth_year=this_year - 17)
    morozova = factories.student(a1, last_name="Морозова", first_name="Полина", birth_year=this_year - 16)
    mentees_a1 = [
        factories.student(a1, last_name=name, first_name="Вера", patronymic="Ильинична", birth_year=this_year - age)
        for name, age in (("Ёлкина", 13), ("Зайцева", 12), ("Лебедева", 11))
    ]
    factories.pair(sokolov, mentees_a1[:2], entry_date=date(this_year - 1, 9, 15))
    factories.pair(morozova, mentees_a1[2:], entry_date=date(this_year - 1, 9, 15))
    # School 2 has a pair but no contingent: its mentee must not count in the share. School 3: no pairs.
    factories.pair(
        factories.student(world.school_a2, birth_year=this_year - 16),
        [factories.student(world.school_a2, birth_year=this_year - 12)],
        entry_date=date(this_year - 1, 10, 1),
    )
    share = "7,5" + NBSP + "%"  # 3 mentees of school 1 / 40 of its contingent, by hand
    log_in(page, live_server, "volkov", "Rukovoditel-2026", greeting="Здравствуйте, Андрей Николаевич!", later=later)
    expect(page.get_by_text("Руководитель — только просмотр")).to_be_visible()

    # 1. The indicators of the department, by year.
    menu(page, "Мониторинг", "Показатели по годам")
    expect(page.get_by_role("heading", name="Показатели наставничества")).to_be_visible()
    expect(page.get_by_text("Управление образования Кедровского округа · по календарным годам")).to_be_visible()
    expect(page.get_by_text(f"Контингент за {this_year} год сдали 1 из 3 организаций")).to_be_visible()
    headers = page.locator("table thead th")
    expect(headers).to_have_text(["№", "Показатель", str(this_year - 1), str(this_year)])
    mentees_row = page.locator(
        "table tbody tr",
        has=page.get_by_role(
            "link", name=re.compile(r"^Доля обучающихся в возрасте от 10 до 18 лет, вошедших .* в роли наставляемого")
        ),
    )
    cells = mentees_row.locator("td")
    expect(cells.nth(2)).to_contain_text("нет данных")  # last year: no contingent reported
    expect(cells.nth(3).get_by_role("link")).to_have_text(share)
    expect(cells.nth(3)).to_contain_text("3 из 40")
    mentors_row = page.locator(
        "table tbody tr",
        has=page.get_by_role(
            "link", name=re.compile(r"^Доля обучающихся в возрасте от 10 до 18 лет, вошедших .* в роли наставника")
        ),
    )
    expect(mentors_row.locator("td").nth(3).get_by_role("link")).to_have_text("5" + NBSP + "%")  # 2 / 40
    organisations_row = page.locator(
        "table tbody tr", has=page.get_by_role("link", name="Доля ОО, реализующих систему наставничества")
    )
    expect(organisations_row.locator("td").nth(3)).to_contain_text("2 из 3")
    expect(page.locator("figure.chart svg")).to_be_visible()

    # 2. The breakdown by organisation for the last year, then the people behind school 1's figure.
    mentees_row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("в роли наставляемого")
    expect(page.get_by_text(f"Управление образования Кедровского округа · {this_year} год")).to_be_visible()
    school_1 = page.locator("tbody tr", has_text="МБОУ СОШ № 1")
    expect(school_1.locator("td")).to_have_text(["МБОУ СОШ № 1", share, "3", "40"])
    expect(page.locator("tbody tr", has_text="МБОУ СОШ № 2").get_by_role("link", name="не сдан")).to_be_visible()
    expect(page.locator("tbody tr", has_text="МБОУ ООШ № 3")).to_contain_text("нет наставничества")
    school_1.get_by_role("link", name="3", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("в роли наставляемого")
    expect(page.get_by_text(f"{this_year} год · МБОУ СОШ № 1 · учтено: 3")).to_be_visible()
    expect(page.locator("tbody tr td:first-child")).to_have_text(
        ["Ёлкина Вера Ильинична", "Зайцева Вера Ильинична", "Лебедева Вера Ильинична"]
    )

    # 3. The analytic report: PDF, then XLSX, from the indicators page.
    page.get_by_role("link", name="Показатели", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Аналитическая справка, PDF").click()
    pdf = download_info.value
    assert pdf.suggested_filename == (
        f"Аналитическая справка — Управление образования Кедровского округа — "
        f"{this_year - 1}–{this_year} — {localdate():%d.%m.%Y}.pdf"
    )
    content = Path(pdf.path()).read_bytes()
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert len(reader.pages) > 1
    assert "Аналитическая справка о реализации целевой модели наставничества" in text
    assert "Управление образования Кедровского округа" in text
    assert "7,5 % 3 / 40" in text  # the same share, with its numerator and denominator

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel", exact=True).click()
    xlsx = download_info.value
    assert xlsx.suggested_filename == pdf.suggested_filename.removesuffix(".pdf") + ".xlsx"
    saved = tmp_path / xlsx.suggested_filename
    xlsx.save_as(saved)
    sheet = load_workbook(saved)["Показатели"]
    rows = list(sheet.iter_rows(values_only=True))
    assert ("Управление образования Кедровского округа",) in [tuple(v for v in row if v is not None) for row in rows]
    third = next(row for row in rows if row[0] == 3)
    # value (a share: 7.5 % as 0.075 in a % format), numerator, denominator of this year
    assert (0.075, 3, 40) in zip(third, third[1:], third[2:], strict=False)
    no_foreign_requests(page, live_server)
    later.verify()
