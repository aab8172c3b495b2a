"""The roadmap management command as an administrator runs it: `import_roadmap` (the three real
samples, --dry-run --json, saving, and every refusal in Russian). The reminder letters are
`send_reminders`' (tests/reminders/test_command.py)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from roadmap.models import Occurrence, ResponsibleKind, Roadmap, RoadmapItem, Section

pytestmark = pytest.mark.django_db

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"
DISTRICT = "district-2022-2024"
COMMITTEE = "district-committee-2022"
SPORTS = "sports-school-2020-2021"

# name -> (owner options, period, sections, items)
SAMPLES = {
    DISTRICT: (["--department", "kedr"], "2022–2024 гг.", 4, 13),
    COMMITTEE: (["--department", "kedr"], "2022", 1, 8),
    SPORTS: (["--organisation", "a1"], "2020-2021 учебный год", 7, 31),
}


def sample(name: str) -> Path:
    return SAMPLES_DIR / f"{name}.tsv"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refusal(*args) -> str:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert not Roadmap.objects.exists()
    return str(caught.value)


def nothing_saved() -> bool:
    return not (
        Roadmap.objects.exists()
        or Section.objects.exists()
        or RoadmapItem.objects.exists()
        or Occurrence.objects.exists()
    )


# --- import_roadmap ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SAMPLES))
def test_dry_run_prints_every_item_as_json_and_saves_nothing(world, name):
    owner, period, sections, items = SAMPLES[name]
    out, err = run("import_roadmap", str(sample(name)), *owner, "--period", period, "--dry-run", "--json")
    printed = json.loads(out)
    assert len(printed) == items
    assert len({(row["section"]["number"], row["section"]["title"]) for row in printed}) == sections
    for row in printed:
        assert set(row) >= {
            "section",
            "number",
            "content",
            "deadline",
            "result",
            "indicator",
            "responsible",
            "schedule",
            "schedule_text",
            "problems",
            "responsible_kind",
        }
        assert row["content"] and row["schedule"]["kind"]
    assert "ничего не сохранено" in err
    assert nothing_saved()


def by_number(printed: list[dict], number: str, starts: str = "") -> dict:
    found = [row for row in printed if row["number"] == number and row["content"].startswith(starts)]
    assert len(found) == 1, [row["number"] for row in printed]
    return found[0]


def test_dry_run_json_of_the_district_sample(world):
    out, _ = run(
        "import_roadmap",
        str(sample(DISTRICT)),
        "--department",
        "kedr",
        "--period",
        "2022–2024 гг.",
        "--dry-run",
        "--json",
    )
    printed = json.loads(out)
    first = by_number(printed, "1.1.")
    assert first["section"]["number"] == "1."
    assert first["section"]["title"].startswith("Нормативно-правовое регулирование")
    assert first["content"].startswith("Утверждение рабочей группы по внедрению")
    assert (first["deadline"], first["result"], first["responsible"]) == (
        "Ежегодно сентябрь",
        "Приказ ОО",
        "Определяется ОО",
    )
    assert first["indicator"] == "Внедрение и реализация ЦМН во всех ОО"
    assert first["schedule"] == {
        "kind": "yearly",
        "windows": [{"start_month": 9, "start_day": 1, "end_month": 9, "end_day": 30}],
    }
    assert first["schedule_text"] == "ежегодно: сентябрь" and first["problems"] == []
    twice = by_number(printed, "4.1.")
    assert twice["section"]["number"] == "4." and twice["deadline"] == "Октябрь Май"
    assert twice["schedule"]["kind"] == "twice"
    assert by_number(printed, "1.3.")["schedule"] == {"kind": "as_needed"}
    assert by_number(printed, "", "Разработка и утверждение распорядительных")["section"]["number"] == "1."


def test_dry_run_json_of_the_sports_school_sample(world):
    out, _ = run(
        "import_roadmap",
        str(sample(SPORTS)),
        "--organisation",
        "a1",
        "--period",
        "2020-2021 учебный год",
        "--dry-run",
        "--json",
    )
    printed = json.loads(out)
    first = printed[0]
    assert (first["section"]["number"], first["number"], first["deadline"]) == ("1.", "1.", "До 11.09.2020")
    assert first["schedule"] == {"kind": "due", "due": "2020-09-11"} and first["schedule_text"] == "до 11.09.2020"
    assert first["responsible"] == "Шумилина Н.М."
    assert [row["section"]["number"] for row in printed][-3:] == ["1.", "1.", "2."]
    assert printed[-1]["schedule"] == {"kind": "range", "start": "2020-09-01", "due": "2021-05-31"}


def test_dry_run_without_json_prints_a_summary(world):
    out, err = run(
        "import_roadmap", str(sample(DISTRICT)), "--department", "kedr", "--period", "2022–2024 гг.", "--dry-run"
    )
    assert "Разделов: 4, пунктов: 13." in out
    assert "Ежегодно сентябрь → ежегодно: сентябрь" in out
    assert "Октябрь Май → дважды в год" in out
    assert "ничего не сохранено" in err and nothing_saved()


@pytest.mark.parametrize("name", list(SAMPLES))
def test_import_saves_every_item_in_its_section(world, name):
    owner, period, sections, items = SAMPLES[name]
    out, err = run("import_roadmap", str(sample(name)), *owner, "--period", period)
    roadmap = Roadmap.objects.get()
    assert roadmap.title == name  # the file's name by default
    assert roadmap.sections.count() == sections and roadmap.items.count() == items
    assert f"сохранена (№ {roadmap.pk})" in err and f"пунктов: {items}" in err
    assert roadmap.department == world.department_a and roadmap.created_by is None
    expected_organisation = world.school_a1 if name == SPORTS else None
    assert roadmap.organisation == expected_organisation
    printed = json.loads(run("import_roadmap", str(sample(name)), *owner, "--period", period, "--dry-run", "--json")[0])
    saved = [
        (item.section.number, item.section.title, item.number, item.content, item.deadline_text)
        for item in roadmap.items.select_related("section").order_by("position")
    ]
    assert saved == [
        (row["section"]["number"], row["section"]["title"], row["number"], row["content"], row["deadline"])
        for row in printed
    ]


def test_import_of_the_district_sample_splits_each_organisations_part(world):
    run(
        "import_roadmap",
        str(sample(DISTRICT)),
        "--department",
        "kedr",
        "--period",
        "2022–2024 гг.",
        "--title",
        "Дорожная карта Кедровского округа",
    )
    roadmap = Roadmap.objects.get()
    assert roadmap.title == "Дорожная карта Кедровского округа" and roadmap.period_text == "2022–2024 гг."
    first = roadmap.items.get(number="1.1.")
    assert first.responsible_kind == ResponsibleKind.EACH_ORGANISATION and first.schedule_kind == "yearly"
    assert {o.organisation_id for o in first.occurrences.all()} == {world.school_a1.pk, world.school_a2.pk}
    assert first.occurrences.count() == 6


def test_import_for_an_organisation_of_a_named_department(world):
    run(
        "import_roadmap",
        str(sample(DISTRICT)),
        "--department",
        "kedr",
        "--organisation",
        "a2",
        "--period",
        "2022–2024 гг.",
    )
    roadmap = Roadmap.objects.get()
    assert roadmap.organisation == world.school_a2
    assert not roadmap.items.filter(responsible_kind=ResponsibleKind.EACH_ORGANISATION).exists()


def test_import_of_an_xlsx_file(world, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in sample(COMMITTEE).read_text(encoding="utf-8").splitlines():
        sheet.append([text or None for text in line.split("\t")])
    path = tmp_path / "Комитет 2022.xlsx"
    workbook.save(path)
    _, err = run("import_roadmap", str(path), "--department", "kedr", "--period", "2022")
    roadmap = Roadmap.objects.get()
    assert roadmap.title == "Комитет 2022" and roadmap.items.count() == 8 and "пунктов: 8" in err


def test_unknown_department(world):
    message = refusal("import_roadmap", str(sample(DISTRICT)), "--department", "nowhere", "--period", "2022")
    assert message == "Муниципалитет с кодом «nowhere» не найден."


def test_unknown_organisation(world):
    message = refusal("import_roadmap", str(sample(SPORTS)), "--organisation", "zz", "--period", "2022")
    assert message == "Организация с кодом «zz» не найдена."


def test_organisation_of_another_department(world):
    message = refusal(
        "import_roadmap", str(sample(SPORTS)), "--department", "kedr", "--organisation", "b1", "--period", "2022"
    )
    assert message == "Организация с кодом «b1» не найдена."


def test_missing_owner(world):
    message = refusal("import_roadmap", str(sample(DISTRICT)), "--period", "2022")
    assert "Укажите, чья дорожная карта: --department КОД или --organisation КОД." == message


def test_missing_period(world):
    message = refusal("import_roadmap", str(sample(DISTRICT)), "--department", "kedr")
    assert "не нашлось периода: укажите его" in message and "--period" in message


@pytest.mark.parametrize(
    "period, expected",
    [
        ("2024-2022", "Год окончания периода (2022) раньше года начала (2024)."),
        ("когда-нибудь", "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»."),
        ("2021-2021 учебный год", "Учебный год занимает два соседних года"),
    ],
)
def test_bad_period(world, period, expected):
    message = refusal("import_roadmap", str(sample(DISTRICT)), "--department", "kedr", "--period", period)
    assert expected in message


def test_missing_file(world, tmp_path):
    missing = tmp_path / "нет такого.docx"
    message = refusal("import_roadmap", str(missing), "--department", "kedr", "--period", "2022")
    assert message == f"Файл «{missing}» не найден: проверьте путь."
    message = refusal("import_roadmap", str(tmp_path), "--department", "kedr", "--period", "2022")
    assert "не найден" in message  # a folder is not a file


@pytest.mark.parametrize(
    "filename, content, expected",
    [
        ("карта.pdf", b"%PDF-1.7\n%%EOF\n", "Это PDF-файл: из него таблица не читается."),
        (
            "карта.docx",
            "№\tСодержание\tСроки\n1\tПлан\tМай\n".encode(),
            "Это текстовый файл, а не документ Word или книга Excel.",
        ),
        ("карта.xlsx", b"PK\x03\x04" + bytes(range(256)) * 8, "Файл повреждён и не читается."),
        ("карта.tsv", "№\tСодержание\tСроки\n1\tПлан\tМай\n".encode("cp1251"), "не в кодировке UTF-8"),
        ("карта.tsv", "№ п/п\tСодержание\tСроки\tОтветственный\n".encode(), "Таблица пуста"),
        (
            "карта.txt",
            "№\tСодержание\tОтветственный\n1\tПлан\tМБУ «ИМЦ»\n".encode(),
            "В таблице не найден столбец сроков",
        ),
        ("карта.docx", b"", "Файл пустой (0 байт)."),
    ],
    ids=["pdf", "text-as-docx", "broken-zip", "cp1251", "header-only", "no-deadline-column", "empty"],
)
def test_a_bad_file(world, tmp_path, filename, content, expected):
    path = tmp_path / filename
    path.write_bytes(content)
    message = refusal("import_roadmap", str(path), "--department", "kedr", "--period", "2022")
    assert expected in message
    assert nothing_saved()


def test_a_whole_order_gives_its_title_and_period_and_the_page_s_warnings(world, tmp_path):
    """Issue 17: the command takes the title and the period from the document as the page does, and prints
    the page's warnings (the reading's and the deadline's), in text and in --json."""
    import json

    from tests.roadmap.test_import import ORDER_PREAMBLE

    text = "\n".join(ORDER_PREAMBLE) + "\n№ п/п\tМероприятие\tСрок\tОтветственный\n1.\tПоложение\tкогда-нибудь\tОО\n"
    path = tmp_path / "приказ.txt"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("import_roadmap", str(path), "--department", "kedr", "--dry-run", stdout=out, stderr=io.StringIO())
    printed = out.getvalue()
    assert "⚠ Срок не распознан" in printed and "каждая ОО" in printed
    out = io.StringIO()
    call_command("import_roadmap", str(path), "--department", "kedr", "--json", stdout=out, stderr=io.StringIO())
    [item] = json.loads(out.getvalue())
    assert item["problems"][0].startswith("Срок не распознан")
    roadmap = Roadmap.objects.get()
    assert roadmap.title.startswith("Дорожная карта по внедрению целевой модели наставничества")
    assert roadmap.period_text == "2022–2024 гг."
