"""Reading a roadmap table (roadmap/reading): pasted text, .docx and .xlsx, and every refusal.

The three samples in fixtures/roadmaps/ are real tables as they arrive when copied out of Word
or a PDF. The .docx and .xlsx files are built here from what the paste gives, so each reader is
checked against the same sections and items.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from docx import Document
from docx.enum.text import WD_BREAK

from roadmap.reading import (
    FIELDS,
    RoadmapReadError,
    build,
    read_docx,
    read_roadmap,
    read_text,
    read_xlsx,
)
from tests.roadmap.samples import (
    COMMITTEE,
    DISTRICT,
    HEADER,
    SAMPLES,
    SPORTS,
    docx_bytes,
    refusal,
    sample_text,
    shape,
    xlsx_bytes,
)

# --- the samples, pasted -----------------------------------------------------------------------


def test_district_sample():
    table = read_text(sample_text(DISTRICT))
    assert len(table.sections) == 4
    assert len(table.items) == 13
    assert [len(section.items) for section in table.sections] == [5, 3, 2, 3]
    assert [section.number for section in table.sections] == ["1.", "2.", "3.", "4."]
    titles = [section.title for section in table.sections]
    assert titles[0].startswith("Нормативно-правовое регулирование внедрения")
    assert titles[1].startswith("Организационно-методическое сопровождение и информационная")
    assert titles[2] == "Содействие распространению лучших наставнических практик"
    assert titles[3].startswith("Мониторинг и оценка результатов внедрения")
    assert table.columns == {
        "number": "№ п/п",
        "content": "Содержание",
        "deadline": "Сроки",
        "result": "Ожидаемый результат (вид документа)",
        "indicator": "Показатели эффективности",
        "responsible": "Ответственный",
    }
    assert table.skipped == [10]

    first = table.items[0]
    assert first.number == "1.1."
    assert first.content.startswith("Утверждение рабочей группы")
    assert (first.deadline, first.result, first.responsible) == (
        "Ежегодно сентябрь",
        "Приказ ОО",
        "Определяется ОО",
    )
    assert first.indicator == "Внедрение и реализация ЦМН во всех ОО"
    assert first.rows == [3] and first.problems == []

    unnumbered = table.sections[0].items[3]  # line 6: no number, but a deadline of its own
    assert unnumbered.number == ""
    assert unnumbered.content.startswith("Разработка и утверждение распорядительных актов")
    assert unnumbered.rows == [6]

    # Lines 11-19 have 5 cells under 6 headers: the indicator cell is missing.
    publications = table.sections[1].items[1]
    assert publications.number == "2.2."
    assert publications.deadline == "Постоянно"
    assert publications.result == "Не менее 5 публикаций на ресурсах: [ссылки]"
    assert publications.indicator == ""
    assert publications.responsible == "МБУ «ИМЦ»"
    participation = table.sections[2].items[1]
    assert (participation.deadline, participation.result, participation.responsible) == (
        "По мере проведения",
        "",
        "МБУ «ИМЦ»",
    )
    last = table.items[-1]
    assert (last.number, last.deadline, last.result, last.responsible) == (
        "4.3.",
        "Май",
        "Публикации ОО",
        "Определяется ОО",
    )


def test_committee_sample():
    table = read_text(sample_text(COMMITTEE))
    assert len(table.sections) == 1
    section = table.sections[0]
    assert (section.number, section.title) == ("", "")
    assert [item.number for item in section.items] == [str(number) for number in range(1, 9)]
    assert table.columns == {
        "number": "№",
        "content": "Мероприятие",
        "deadline": "Сроки",
        "responsible": "Ответственный",
    }

    fourth = section.items[3]  # broken across a page: line 7 holds «организации»
    assert fourth.responsible == "Комитет образования МКУ «ИМЦСО» образовательные организации"
    assert fourth.responsible.endswith("организации")
    assert fourth.deadline == "Апрель 2022г."
    assert fourth.rows == [5, 7]
    assert table.skipped == [6]
    assert section.items[0].deadline == "Сентябрь- Октябрь 2021г."
    assert section.items[4].deadline == "апрель 2022г."
    assert section.items[7].content == "Мониторинг реализации ЦМН, отчет."
    assert all(item.problems == [] for item in table.items)


def test_sports_school_sample():
    table = read_text(sample_text(SPORTS))
    assert len(table.sections) == 7
    assert len(table.items) == 31
    assert [len(section.items) for section in table.sections] == [5, 6, 12, 2, 3, 2, 1]
    assert [section.number for section in table.sections] == ["1.", "2.", "3.", "4.", "5.", "1.", "2."]
    titles = [section.title for section in table.sections]
    assert titles[0].startswith("Нормативное правовое регулирование")
    assert titles[1].startswith("Организационная, методическая, информационная")
    assert titles[2].startswith("Внедрение целевой модели наставничества в МБОУ ДО ДЮСШ № 2")
    assert titles[3].startswith("Содействие распространению и внедрению")  # a line without tabs
    assert titles[4].startswith("Мониторинг и оценка результатов")
    assert titles[5].startswith("Мониторинг процесса реализации программ")  # sub-sections
    assert titles[6].startswith("Координация и управление")
    assert table.columns == {
        "number": "№ п/п",
        "content": "Наименование мероприятий",
        "deadline": "Срок реализации",
        "responsible": "Ответственный исполнитель",
        "result": "Результат. Вид документа",
    }
    assert table.skipped == [10, 20, 30, 32, 44, 46]

    second = table.sections[1]
    assert [item.number for item in second.items] == ["1.", "2", "", "", "", ""]
    assert second.items[2].deadline == "В течение всего периода"
    assert second.items[3].deadline == "До 15.09.2020"
    assert second.items[4].rows == [14]

    typo = table.sections[4].items[1]
    assert typo.deadline == "В соответствии со сроками, установленными Минпрсвещения России"
    assert typo.result == "Внесены данные в формы ФСН"

    last = table.items[-1]
    assert last.number == "1"
    assert last.content.startswith("Контроль реализации мероприятий")
    assert last.content.endswith("- контроль проведения программ наставничества")
    assert "наставничества;\n- контроль проведения" in last.content
    assert last.deadline == "Сентябрь 2020 - май 2021"
    assert last.responsible == "Кисельникова А.В.."  # kept as written
    assert last.rows == [43, 45]


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_read_as_bytes_of_text_are_refused_but_as_text_read(name):
    assert read_roadmap(text=sample_text(name)).items
    message = refusal(read_roadmap, sample_text(name).encode("utf-8"), filename=name)
    assert "вставьте её как текст" in message


@pytest.mark.parametrize("name", SAMPLES)
def test_docx_gives_the_same_sections_and_items_as_the_paste(name):
    expected = shape(read_text(sample_text(name)))
    content = docx_bytes(name)
    assert shape(read_docx(content)) == expected
    assert shape(read_roadmap(content, filename="карта.docx")) == expected
    assert shape(read_roadmap(io.BytesIO(content), filename="карта.docx")) == expected


@pytest.mark.parametrize("name", SAMPLES)
def test_xlsx_gives_the_same_sections_and_items_as_the_paste(name):
    expected = shape(read_text(sample_text(name)))
    content = xlsx_bytes(name)
    table = read_xlsx(content)
    assert shape(table) == expected
    assert shape(read_roadmap(content, filename="карта.xlsx")) == expected
    assert table.skipped[:1] == [1]  # the title row above the header
    assert table.items[0].rows == [4 if name != COMMITTEE else 3]  # sheet row numbers


def test_docx_details():
    table = read_docx(docx_bytes(SPORTS))
    last = table.items[-1]  # its content was written as two paragraphs
    assert last.content.endswith(";\n- контроль проведения программ наставничества")
    assert "вложенная таблица" not in str(shape(table))
    assert "Шумилина Н.М." == table.items[0].responsible  # the signature table is not appended
    assert len(table.items) == 31
    # Rows are numbered over both tables: header 1, section 2, first item 3.
    assert table.items[0].rows == [3]
    assert table.items[-1].rows[0] == max(row for item in table.items for row in item.rows)


def test_docx_vertically_merged_deadline_is_not_repeated_and_not_a_continuation():
    document = Document()
    table = document.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Сроки", "Ответственный"], strict=False):
        cell.text = text
    for index, content in enumerate(["Первое", "Второе", "Третье"], start=1):
        table.rows[index].cells[1].text = content
        table.rows[index].cells[3].text = "Куратор"
    merged = table.cell(1, 2).merge(table.cell(3, 2))
    merged.text = "Сентябрь 2020"
    paragraph = table.cell(2, 1).paragraphs[0]
    paragraph.add_run("с переносом").add_break(WD_BREAK.LINE)
    paragraph.add_run("строки")
    buffer = io.BytesIO()
    document.save(buffer)

    read = read_docx(buffer.getvalue())
    assert [item.content for item in read.items] == ["Первое", "Второес переносом\nстроки", "Третье"]
    assert [item.deadline for item in read.items] == ["Сентябрь 2020", "", ""]
    assert read.items[0].problems == []
    assert all("объединённой ячейке" in item.problems[0] for item in read.items[1:])


def test_xlsx_numbers_dates_and_vertical_merge():
    from datetime import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["№ п/п", "Содержание мероприятия", "Сроки исполнения", "Итоговый документ", "Ответственные"])
    sheet.append(["1. Раздел"])
    sheet.append([1.1, "Строка\nвторая строка", datetime(2022, 5, 1), "Приказ", "ИМЦ"])
    sheet.append([2, "Ещё", None, "Справка", None])
    sheet.merge_cells("E3:E4")
    buffer = io.BytesIO()
    workbook.save(buffer)

    read = read_xlsx(buffer.getvalue())
    first, second = read.items
    assert (first.number, first.content, first.deadline, first.result) == (
        "1.1",
        "Строка\nвторая строка",
        "01.05.2022",
        "Приказ",
    )
    assert (second.number, second.deadline, second.responsible) == ("2", "", "")
    assert second.problems == ["Срок не указан.", "Ответственный не указан."]
    assert read.columns["result"] == "Итоговый документ"


# --- pasted text: quoting, repeated headers, short and long rows -------------------------------


def test_quoted_multiline_cells_as_excel_copies_them():
    text = (
        f"{HEADER}\r\n"
        '1.\t"Первая строка\r\nвторая строка"\t"до 01.05.2022 г."\tИМЦ\r\n'
        '2.\t"Он сказал ""да"""\tМай\t"Кураторы,\r\n- наставники"\r\n'
        "3.\tТретье\tИюнь\tОО\r\n"
    )
    table = read_text(text)
    first, second, third = table.items
    assert first.content == "Первая строка\nвторая строка"
    assert first.deadline == "до 01.05.2022 г."
    assert second.content == 'Он сказал "да"'
    assert second.responsible == "Кураторы,\n- наставники"
    assert [item.rows for item in table.items] == [[2], [4], [6]]


def test_stray_quote_falls_back_to_plain_splitting():
    text = f'{HEADER}\n1.\t"Точка роста" и др.\tМай\tИМЦ\n2.\tПроект «Учитель"\tИюнь\tОО\n'
    table = read_text(text)
    assert [item.content for item in table.items] == ['"Точка роста" и др.', 'Проект «Учитель"']
    unclosed = read_text(f'{HEADER}\n1.\t"Школа молодого педагога\tМай\tИМЦ\n2.\tВторое\tИюнь\tОО\n')
    assert [item.content for item in unclosed.items] == ['"Школа молодого педагога', "Второе"]


def test_quotes_of_a_word_copy_are_kept():
    table = read_text(f'{HEADER}\n1.\t"Школа молодого педагога"\tМай\t"ИМЦ"\n')
    assert (table.items[0].content, table.items[0].responsible) == ('"Школа молодого педагога"', '"ИМЦ"')


def test_repeated_headers_numbering_row_junk_and_broken_header_are_skipped():
    text = "\n".join(
        [
            "План мероприятий на 2022 год",
            "№\tСодержание\tСроки\tОжидаемый результат (вид",
            "п/п\t\t\tдокумента)",
            "1\t2\t3\t4",
            "1. Раздел первый",
            "1.1.\tПервое\tМай\tПриказ",
            "№\tСодержание\tСроки\tОжидаемый результат (вид",  # the next PDF page
            " \t \t\xa0\t ",
            "1.2.\tВторое\tИюнь\tСправка",
            "—\t…\t--\t-",
            "- 2 -",  # a page number
            "\t\t\t\t12",
            "1.3.\tТретье\tИюль\tПротокол",
        ]
    )
    table = read_text(text)
    assert table.skipped == [1, 3, 4, 7, 8, 10, 11, 12]
    assert [item.number for item in table.items] == ["1.1.", "1.2.", "1.3."]
    assert table.items[1].rows == [9]
    assert table.columns["result"] == "Ожидаемый результат (вид"


def test_header_variants():
    text = "N\tМероприятие\tСрок\tВид документа\tПоказатель\tОтветственный исполнитель\n1\tА\tМай\tПриказ\t100 %\tИМЦ\n"
    table = read_text(text)
    assert set(table.columns) == set(FIELDS)
    assert table.items[0].indicator == "100 %"
    text = "№\tНаименование мероприятий\tСроки исполнения\tРезультат\tОтветственные\n1\tА\tМай\tПриказ\tИМЦ"
    assert read_text(text).items[0].responsible == "ИМЦ"
    assert read_text("СОДЕРЖАНИЕ\tСРОКИ\nА\tмай").items[0].deadline == "май"
    assert read_text("№\tмероприятие\tсрок\tответственный\n1\tА\tмай\tИМЦ").items[0].content == "А"


def test_short_row_maps_its_last_cell_to_the_last_column_and_extra_cells_join_it():
    text = "\n".join(
        [
            "№\tСодержание\tСроки\tРезультат\tПоказатели эффективности\tОтветственный",
            "1\tА\tМай\tПриказ\tИМЦ",
            "2\tБ\tИюнь\tОО",
            "3\tВ\tИюль\tСправка\t90 %\tИМЦ\tи ОО",
        ]
    )
    first, second, third = read_text(text).items
    assert (first.result, first.indicator, first.responsible) == ("Приказ", "", "ИМЦ")
    assert first.problems == []
    assert (second.deadline, second.result, second.responsible) == ("Июнь", "", "ОО")
    assert "меньше ячеек" in second.problems[-1]
    assert third.responsible == "ИМЦ и ОО"


def test_continuations_and_section_rows():
    text = "\n".join(
        [
            HEADER,
            "1. Нормативно-правовое регулирование",
            "внедрения целевой модели",  # the section title broken onto the next line
            "1.1.\tРазработка положения\tМай\tИМЦ",
            "\t2. Второй абзац того же пункта\t\t",  # not a section: in the content column
            "\t• пункт списка\t\tи кураторы",
            "продолжение текста",  # first cell only, small letter: not a section
            "2 Организационная работа",
            "\tБез номера и без срока\t\tОО",  # after a section row: an item
            "\tС своим сроком\tИюнь\tОО",
        ]
    )
    table = read_text(text)
    assert [(section.number, section.title) for section in table.sections] == [
        ("1.", "Нормативно-правовое регулирование внедрения целевой модели"),
        ("2", "Организационная работа"),
    ]
    item = table.sections[0].items[0]
    assert item.content == ("Разработка положения 2. Второй абзац того же пункта\n• пункт списка продолжение текста")
    assert item.responsible == "ИМЦ и кураторы"
    assert item.rows == [4, 5, 6, 7]
    no_deadline, own = table.sections[1].items
    assert no_deadline.problems == ["Срок не указан."]
    assert own.deadline == "Июнь" and own.number == ""


def test_items_before_any_section_and_problems():
    table = read_text(f"{HEADER}\n1\tПервый\tМай\t\n2\tТекст\t\tИМЦ\n3. Раздел\n")
    untitled, titled = table.sections
    assert (untitled.number, untitled.title) == ("", "")
    assert untitled.items[0].problems == ["Ответственный не указан."]
    assert untitled.items[1].problems == ["Срок не указан."]
    assert (titled.number, titled.title, titled.items) == ("3.", "Раздел", [])


def test_an_item_without_text_is_refused_with_its_row():
    """Issue 17: an empty item was saved. It is refused, by its row, and nothing is read."""
    with pytest.raises(RoadmapReadError) as refused:
        read_text(f"{HEADER}\n1\t\tМай\t\n2\tТекст\tиюнь\tИМЦ\n3\t\tиюль\tИМЦ\n")
    assert refused.value.message.startswith(
        "В строках 2 (пункт «1»), 4 (пункт «3») нет текста мероприятия — пустой пункт не сохраняется."
    )


def test_whitespace_is_normalised_and_text_kept_as_written():
    row = " 1.1. \t\xa0Разработка  положения\u00a0о  ВЦМН \t ДО 01.05.2022г. \tимц  "
    table = read_text(f"{HEADER}\n{row}\n")
    item = table.items[0]
    assert (item.number, item.content, item.deadline, item.responsible) == (
        "1.1.",
        "Разработка положения о ВЦМН",
        "ДО 01.05.2022г.",
        "имц",
    )


def test_build_takes_plain_lists():
    table = build([["№", "Мероприятие", "Сроки"], ["1", "А", "Май"], ["", "", ""]])
    assert table.items[0].rows == [2] and table.skipped == []


# --- issue 17: whole documents ----------------------------------------------------------------------------------


def test_a_whole_order_pasted_with_its_preamble_is_read_from_its_table():
    """The header is found anywhere: the title, «п р и к а з ы в а ю», the signatures come first."""
    from roadmap.reading import read_text

    preamble = [
        "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ КЕДРОВСКОГО МУНИЦИПАЛЬНОГО ОКРУГА",
        "ПРИКАЗ",
        "01.09.2022 № 245",
        "Об утверждении дорожной карты по внедрению целевой модели наставничества на 2022-2024 гг.",
        *[f"В целях реализации пункта {n} распоряжения Минпросвещения России от 25.12.2019 № Р-145" for n in range(20)],
        "п р и к а з ы в а ю:",
        "1. Утвердить дорожную карту (приложение).",
        "2. Контроль за исполнением приказа оставляю за собой.",
        "Начальник управления\tИ.И. Иванов",
        "Приложение к приказу",
    ]
    table = [
        "NN п/п\tМероприятия\tСроки\tОтветственные",
        "I.\tПодготовительный этап",
        "1.1.\tРазработка положения о наставничестве\tII квартал 2023 г.\tОО",
        "1.2.\tНазначение кураторов\tне позднее 1 сентября 2023 г.\tруководители ОО",
        "2.\tРеализация",
        "2.1.\tФормирование пар\tСентябрь 2022 г., далее – ежегодно\tОпределяется ОО",
    ]
    draft = read_text("\n".join(preamble + table))
    sections = [
        (section.number, section.title, [(i.number, i.content, i.deadline, i.responsible) for i in section.items])
        for section in draft.sections
    ]
    assert sections == [
        (
            "I.",
            "Подготовительный этап",
            [
                ("1.1.", "Разработка положения о наставничестве", "II квартал 2023 г.", "ОО"),
                ("1.2.", "Назначение кураторов", "не позднее 1 сентября 2023 г.", "руководители ОО"),
            ],
        ),
        ("2.", "Реализация", [("2.1.", "Формирование пар", "Сентябрь 2022 г., далее – ежегодно", "Определяется ОО")]),
    ]


def test_a_flat_list_numbered_one_two_three_keeps_an_item_without_a_deadline_an_item():
    from roadmap.reading import read_text

    draft = read_text("№\tМероприятие\tСрок\n1.\tПоложение\tмай 2023\n2.\tКураторы\t\n3.\tПары\tсентябрь 2023")
    assert [(i.number, i.content) for s in draft.sections for i in s.items] == [
        ("1.", "Положение"),
        ("2.", "Кураторы"),
        ("3.", "Пары"),
    ]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("ОО", "each"),
        ("Определяется ОО", "each"),
        ("руководители ОО", "each"),
        ("все ОО", "each"),
        ("Администрация ОО, ИМЦ", "each"),
        ("Все школы района", "each"),
        ("Руководители образовательных организаций", "each"),
        ("МБОУ СОШ № 1", "organisation"),
        ("ООО «Кедровский завод»", "organisation"),
        ("Общеобразовательная организация «Школа № 1»", "organisation"),
        ("Шумилина Н.М., Стрюкова Е. В.", "people"),
        ("Кураторы", "role"),
    ],
)
def test_who_carries_an_item_out_is_understood_and_kept_as_written(text, kind):
    """«ОО» in any of its wordings means every organisation of the department (issue 17)."""
    from roadmap.services import guess_responsible_kind

    assert guess_responsible_kind(text) == kind


def test_the_stage_activity_content_layout_keeps_every_text():
    """«Наименование этапа | Мероприятия | Содержание деятельности»: a stage becomes a section, the activity
    and its content both stay in the item (issue 17: the stage became the item, the rest was dropped)."""
    from roadmap.reading import read_text

    text = "\n".join(
        [
            "№ п/п\tНаименование этапа\tМероприятия\tСодержание деятельности\tСроки\tОтветственные",
            "1.\tПодготовка условий для запуска программы наставничества\tИзучение нормативной базы\t"
            "Изучение распоряжения Минпросвещения России № Р-145\tсентябрь 2022\tЗаместитель директора",
            "2.\t\tРазработка положения\tПодготовка проекта положения о наставничестве\tоктябрь 2022\tКуратор",
            "3.\tФормирование базы наставляемых\tВыявление запросов\tАнкетирование обучающихся\tноябрь 2022\tКуратор",
        ]
    )
    draft = read_text(text)
    got = [
        (section.title, [(item.number, item.content, item.deadline) for item in section.items])
        for section in draft.sections
    ]
    assert got == [
        (
            "Подготовка условий для запуска программы наставничества",
            [
                (
                    "1.",
                    "Изучение нормативной базы\nИзучение распоряжения Минпросвещения России № Р-145",
                    "сентябрь 2022",
                ),
                ("2.", "Разработка положения\nПодготовка проекта положения о наставничестве", "октябрь 2022"),
            ],
        ),
        ("Формирование базы наставляемых", [("3.", "Выявление запросов\nАнкетирование обучающихся", "ноябрь 2022")]),
    ]
    assert all(not item.problems for item in draft.items)


def test_a_word_document_proposes_its_title_from_its_own_paragraphs():
    from tests.roadmap.samples import docx_bytes

    draft = read_docx(docx_bytes(DISTRICT), "приказ.docx")
    assert (draft.title, draft.period_text) == ("План мероприятий («дорожная карта») по внедрению наставничества", "")


def test_the_bench_order_of_a_hundred_pages_is_read_whole():
    """bench/roadmaps.py's document (the time is the bench's business, not this test's): every item read."""
    from bench.roadmaps import build_docx

    draft = read_docx(build_docx(3), "приказ.docx")
    assert len(draft.items) == 21 and len(draft.sections) == 3
    assert draft.period_text == "на 2022-2024 гг"
