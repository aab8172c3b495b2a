"""`manage.py import_base`: a curator's file loaded from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from exchange.official import MENTEES, MENTORS
from registry.models import MentoringPair, PairMentee, Person
from tests import factories
from tests.exchange.test_importer import CLEAN_MENTEES, counts, mentee_row, workbook


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "База наставляемых.xlsx"
    path.write_bytes(workbook(MENTEES, CLEAN_MENTEES))
    return path


def import_base(*args) -> str:
    out = StringIO()
    call_command("import_base", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_dry_run_prints_the_report_and_saves_nothing(world, good_file):
    before = counts()
    out = import_base("mentees", str(good_file), "--organisation", "a1", "--dry-run")
    assert counts() == before
    assert "«База наставляемых» из файла «База наставляемых.xlsx» — МБОУ СОШ № 1" in out
    assert "Участники: новых — 5, уже в реестре — 0." in out
    assert "Проверка (--dry-run): ошибок нет; в реестр ничего не записано." in out


def test_a_good_file_is_saved(world, good_file):
    out = import_base("mentees", str(good_file), "--organisation", "a1", "--verbosity", "2")
    assert "Загружено в реестр МБОУ СОШ № 1." in out
    assert "Строка 4: Новая группа (2 наставляемых)" in out
    assert Person.objects.filter(organisation=world.school_a1).count() == 5
    assert MentoringPair.objects.filter(organisation=world.school_a1).count() == 2
    assert PairMentee.objects.count() == 3


def test_a_file_with_a_wrong_row_fails_and_saves_nothing(world, tmp_path):
    path = tmp_path / "база.xlsx"
    path.write_bytes(workbook(MENTEES, [mentee_row(), mentee_row(mentee="Петров Илья", entry_date="вчера")]))
    before = counts()
    out = StringIO()
    with pytest.raises(CommandError, match="Файл не загружен: в нём есть ошибки"):
        call_command("import_base", "mentees", str(path), "--organisation", "a1", stdout=out)
    assert counts() == before
    assert "Строка 5, столбец E («Дата вхождения в программу»): Не удалось прочитать дату «вчера»" in out.getvalue()


def test_the_wrong_base_is_refused(world, good_file):
    out = StringIO()
    with pytest.raises(CommandError, match="Файл не загружен"):
        call_command("import_base", "mentors", str(good_file), "--organisation", "a1", stdout=out)
    assert "Похоже, это «База наставляемых», а выбрана «База наставников»" in out.getvalue()
    with pytest.raises(CommandError, match="Неизвестная база «mentor»: укажите mentors"):
        import_base("mentor", str(good_file), "--organisation", "a1")


def test_a_mentors_file_is_loaded(world, tmp_path):
    path = tmp_path / "наставники.xlsx"
    path.write_bytes(
        workbook(
            MENTORS,
            [
                {
                    "mentor": "Морозова Ольга Сергеевна",
                    "entry_date": "01.09.2025",
                    "format": "учитель – учитель",
                    "mentees": "Новикова Мария Игоревна\nКим Алексей Олегович",
                }
            ],
        )
    )
    import_base("mentors", str(path), "--organisation", "a1")
    assert MentoringPair.objects.get().mentees.count() == 2


def test_a_missing_file_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError, match="Файл «.*нет.xlsx» не найден"):
        import_base("mentees", str(tmp_path / "нет.xlsx"), "--organisation", "a1")


def test_the_organisation_is_found_by_its_code_within_a_department(world, good_file):
    factories.OrganisationFactory(department=world.department_b, code="a1", short_name="МБОУ Гимназия")
    with pytest.raises(CommandError, match=r"Код «a1» есть у организаций нескольких муниципалитетов \(kedr, zarech\)"):
        import_base("mentees", str(good_file), "--organisation", "a1")
    with pytest.raises(CommandError, match="Организация с кодом «zz» не найдена"):
        import_base("mentees", str(good_file), "--organisation", "zz")

    import_base("mentees", str(good_file), "--organisation", "a1", "--department", "kedr")
    assert Person.objects.filter(organisation=world.school_a1).count() == 5


def test_the_command_reads_an_ods_and_prints_how_it_read_it_in_text_and_json(world, tmp_path):
    """Issue 17: the command line reads what the page reads and says what the page says."""
    import json

    from tests.exchange.spreadsheets import write
    from tests.exchange.test_shapes import MENTEE_TAIL_HEADERS, MENTEES, TITLE, mentee_tail

    header = ["№", "Фамилия", "Имя", "Отчество", "Год рождения", "Класс", *MENTEE_TAIL_HEADERS]
    rows = [[n, *row[:5], *mentee_tail(row)] for n, row in enumerate(MENTEES, start=1)]
    path = tmp_path / "база 7Б.ods"
    path.write_bytes(write([*TITLE, header, *rows], "ods"))

    out = import_base("mentees", str(path), "--organisation", "a1", "--dry-run")
    assert "Как прочитан файл:\nТаблица найдена на листе «Лист1», заголовки — в строке 3." in out
    assert "«ФИО наставляемого» собрано из столбцов «Фамилия», «Имя», «Отчество»." in out
    assert "Не входят в форму и не загружаются столбцы: «Класс»." in out

    report = json.loads(import_base("mentees", str(path), "--organisation", "a1", "--json"))
    assert report["saved"] and report["rows_read"] == 3 and report["created"]["pairs"] == 3
    assert "Не входят в форму и не загружаются столбцы: «Класс»." in report["notes"]
    assert Person.objects.filter(last_name="Ли", first_name="Виктория").exists()
