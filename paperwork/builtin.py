"""The built-in DOCX templates, written with python-docx once per process: the texts as schools write them,
with docxtpl placeholders (`{{ organisation_full_name }}`, a table row repeated `{%tr for pair in pairs %}`).

A department's own template (paperwork/models.py `DocumentTemplate`) replaces one of these; it may use the
same fields (`FIELDS` in paperwork/documents.py). Each document is a list of blocks: the texts read top to
bottom here.
"""

from __future__ import annotations

import io
from functools import lru_cache

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from paperwork.models import DocumentKind

CENTER, RIGHT, JUSTIFY, LEFT = "center", "right", "justify", "left"
_ALIGN = {
    CENTER: WD_ALIGN_PARAGRAPH.CENTER,
    RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
    JUSTIFY: WD_ALIGN_PARAGRAPH.JUSTIFY,
    LEFT: WD_ALIGN_PARAGRAPH.LEFT,
}

# A paragraph: (text, alignment, bold); a table: ("table", headers, cells of the repeated row, loop).
Paragraph = tuple[str, str, bool]
Table = tuple[str, list[str], list[str], str]

ORDER_TABLE_HEADERS = [
    "№",
    "Наставник (ФИО, должность)",
    "Наставляемый(е) (ФИО, класс/должность)",
    "Форма наставничества",
    "Ролевая модель",
    "Срок",
]

_REQUISITES: list[Paragraph] = [
    ("{{ department_name }}", CENTER, False),
    ("{{ organisation_full_name }}", CENTER, True),
    ("({{ organisation_short_name }})", CENTER, False),
    ("", CENTER, False),
]

ORDER: list = [
    *_REQUISITES,
    ("ПРИКАЗ", CENTER, True),
    ("{{ order_date }}\t\t\t\t\t\t№ {{ order_number }}", LEFT, False),
    ("{{ municipality }}", CENTER, False),
    ("", LEFT, False),
    ("О закреплении наставнических пар (групп)", LEFT, True),
    ("", LEFT, False),
    (
        "В соответствии с распоряжением Министерства просвещения Российской Федерации от 25 декабря 2019 г. "
        "№ Р-145 «Об утверждении методологии (целевой модели) наставничества обучающихся для организаций, "
        "осуществляющих образовательную деятельность по общеобразовательным, дополнительным "
        "общеобразовательным и программам среднего профессионального образования, в том числе с применением "
        "лучших практик обмена опытом между обучающимися», Положением о наставничестве в "
        "{{ organisation_short_name }}, на основании письменных согласий участников программы наставничества "
        "(законных представителей несовершеннолетних обучающихся)",
        JUSTIFY,
        False,
    ),
    ("ПРИКАЗЫВАЮ:", LEFT, True),
    ("1. Закрепить наставнические пары (группы) согласно таблице:", JUSTIFY, False),
    (
        "table",
        ORDER_TABLE_HEADERS,
        [
            "{{ pair.number }}",
            "{{ pair.mentor }}",
            "{{ pair.mentees }}",
            "{{ pair.format }}",
            "{{ pair.role_model }}",
            "{{ pair.period }}",
        ],
        "pair in pairs",
    ),
    (
        "2. Назначить ответственным за организацию работы наставнических пар (групп) и ведение базы "
        "наставников и наставляемых куратора программы наставничества {{ curator_fio_accusative }}.",
        JUSTIFY,
        False,
    ),
    (
        "3. Куратору программы наставничества {{ curator_fio_dative }} обеспечить сопровождение работы "
        "наставнических пар (групп), мониторинг и внесение сведений в реестр наставничества.",
        JUSTIFY,
        False,
    ),
    ("4. Контроль за исполнением настоящего приказа оставляю за собой.", JUSTIFY, False),
    ("", LEFT, False),
    ("Директор\t\t\t\t________________ / ____________________", LEFT, False),
    ("", LEFT, False),
    ("С приказом ознакомлен(а): ________________ / {{ curator_fio }}", LEFT, False),
]

_SIGNATURE: list[Paragraph] = [
    ("", LEFT, False),
    ("«____» ______________ 20____ г.\t\t________________ / ____________________", LEFT, False),
    ("\t\t\t\t\t\t(подпись)\t\t(расшифровка)", LEFT, False),
]

_SUBJECT_ADULT = (
    "Я, {{ person_fio }}, {{ person_birth_year_text }}, паспорт серия ______ № __________, выдан "
    "______________________________________________ «____» ____________ ______ г., зарегистрированный(ая) по "
    "адресу: __________________________________________________,"
)
_SUBJECT_MINOR = (
    "Я, __________________________________________________ (фамилия, имя, отчество), паспорт серия ______ "
    "№ __________, выдан ______________________________________ «____» ____________ ______ г., "
    "зарегистрированный(ая) по адресу: __________________________________________________, являясь законным "
    "представителем несовершеннолетнего {{ person_fio_genitive }}, {{ person_birth_year_text }} "
    "(документ, подтверждающий полномочия: ____________________________________),"
)


def _consent_data(minor: bool) -> list:
    whose = "несовершеннолетнего, законным представителем которого я являюсь" if minor else "моих"
    return [
        ("{{ organisation_full_name }}", RIGHT, False),
        ("", LEFT, False),
        ("СОГЛАСИЕ", CENTER, True),
        (
            "законного представителя на обработку персональных данных несовершеннолетнего"
            if minor
            else "на обработку персональных данных",
            CENTER,
            True,
        ),
        ("", LEFT, False),
        (_SUBJECT_MINOR if minor else _SUBJECT_ADULT, JUSTIFY, False),
        (
            "в соответствии со статьёй 9 Федерального закона от 27 июля 2006 г. № 152-ФЗ «О персональных данных» "
            f"даю согласие {{{{ organisation_full_name }}}} (оператор) на обработку персональных данных {whose}: "
            "фамилия, имя, отчество; год рождения; класс (группа) или должность и место работы; сведения об "
            "участии в программе наставничества (форма наставничества, роль, сроки, результаты); контактные данные.",
            JUSTIFY,
            False,
        ),
        (
            "Цель обработки: организация и учёт участия в программе наставничества, ведение базы наставников и "
            "наставляемых, мониторинг реализации целевой модели наставничества и передача обобщённых сведений в "
            "орган управления образованием ({{ department_name }}).",
            JUSTIFY,
            False,
        ),
        (
            "Согласие даётся на совершение следующих действий: сбор, запись, систематизация, накопление, хранение, "
            "уточнение (обновление, изменение), извлечение, использование, передача (предоставление, доступ), "
            "обезличивание, блокирование, удаление, уничтожение персональных данных с использованием средств "
            "автоматизации и без их использования.",
            JUSTIFY,
            False,
        ),
        (
            "Согласие действует до достижения целей обработки и может быть отозвано мной в любое время по "
            "письменному заявлению, поданному оператору. Мне разъяснены мои права и последствия отзыва согласия.",
            JUSTIFY,
            False,
        ),
        *_SIGNATURE,
    ]


def _consent_participation(minor: bool, mentor: bool) -> list:
    if mentor:
        title = "на выполнение обязанностей наставника"
        body = (
            "даю согласие выполнять обязанности наставника в программе наставничества "
            "{{ organisation_short_name }}{{ formats_text }}: помогать наставляемому (наставляемым) в достижении "
            "целей, согласованных в индивидуальном плане, проводить встречи, давать обратную связь, участвовать в "
            "мониторинге и оценке результатов программы в соответствии с Положением о наставничестве в "
            "{{ organisation_short_name }}."
        )
    else:
        title = "на участие в программе наставничества"
        body = (
            "даю согласие на участие "
            + ("несовершеннолетнего " if minor else "")
            + "в программе наставничества {{ organisation_short_name }}{{ formats_text }} в качестве "
            "наставляемого: на встречи с наставником, выполнение совместно согласованного плана, участие в "
            "анкетировании и мониторинге результатов программы в соответствии с Положением о наставничестве в "
            "{{ organisation_short_name }}."
        )
    return [
        ("{{ organisation_full_name }}", RIGHT, False),
        ("", LEFT, False),
        ("СОГЛАСИЕ", CENTER, True),
        (title, CENTER, True),
        ("", LEFT, False),
        (_SUBJECT_MINOR if minor else _SUBJECT_ADULT, JUSTIFY, False),
        (body, JUSTIFY, False),
        (
            "С Положением о наставничестве ознакомлен(а). Согласие действует на срок реализации программы "
            "наставничества и может быть отозвано по письменному заявлению.",
            JUSTIFY,
            False,
        ),
        *_SIGNATURE,
    ]


def blocks(kind: str, *, minor: bool = False) -> list:
    if kind == DocumentKind.ORDER:
        return ORDER
    if kind == DocumentKind.CONSENT_DATA:
        return _consent_data(minor)
    return _consent_participation(minor, mentor=kind == DocumentKind.CONSENT_MENTOR)


@lru_cache(maxsize=16)
def template_bytes(kind: str, minor: bool = False) -> bytes:
    """The built-in template of `kind` (for a minor: the legal representative's variant) as DOCX bytes."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    style.paragraph_format.space_after = Pt(0)
    for block in blocks(kind, minor=minor):
        if block[0] == "table":
            _table(document, block)
            continue
        text, align, bold = block
        paragraph = document.add_paragraph()
        paragraph.alignment = _ALIGN[align]
        if text:
            paragraph.add_run(text).bold = bold
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _table(document, block: Table) -> None:
    _, headers, cells, loop = block
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(header).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {loop} %}}")
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.paragraphs[0].add_run(text)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
