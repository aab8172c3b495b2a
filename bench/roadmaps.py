"""Bench: reading a long roadmap order from Word (issue 17: a 100-page order read in ≤ 3 s).

`measure(pages=100)` writes a .docx the way such orders look — the order's preamble (title, «п р и к а з ы
в а ю», signatures) and a six-column table of sections and items, with long texts, about seven items a page
(≈ 700 items for 100 pages) — then times `roadmap.reading.read_docx` on it, best of three, and the reading
of the deadlines of every item (`parse_deadline`), as the preview does. No database is needed:

    python manage.py shell -c "from bench.roadmaps import measure; print(measure())"
"""

from __future__ import annotations

import io
import time

from docx import Document

from roadmap.deadlines import parse_deadline, parse_period
from roadmap.reading import read_docx

ITEMS_PER_PAGE = 7
HEADER = ["№ п/п", "Мероприятие", "Сроки", "Ожидаемый результат (вид документа)", "Показатели", "Ответственный"]
DEADLINES = [
    "II квартал 2023 г.",
    "не позднее 1 сентября 2023 г.",
    "Сентябрь 2022 г., далее – ежегодно",
    "в течение года",
    "по плану работы ИМЦ",
    "октябрь-декабрь 2023",
]


def build_docx(pages: int) -> bytes:
    document = Document()
    for line in (
        "УПРАВЛЕНИЕ ОБРАЗОВАНИЯ",
        "ПРИКАЗ",
        "Об утверждении дорожной карты",
        "п р и к а з ы в а ю:",
        "Начальник управления И.И. Иванов",
        "Дорожная карта по внедрению целевой модели наставничества на 2022-2024 гг.",
    ):
        document.add_paragraph(line)
    items = pages * ITEMS_PER_PAGE
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for number in range(items):
        section, item = divmod(number, 10)
        if item == 0:
            row = table.add_row().cells
            merged = row[0].merge(row[-1])
            merged.text = f"{section + 1}. Раздел дорожной карты номер {section + 1}"
        cells = table.add_row().cells
        texts = [
            f"{section + 1}.{item + 1}.",
            "Организация и проведение мероприятия по внедрению целевой модели наставничества "
            "в образовательных организациях муниципалитета, включая методическое сопровождение",
            DEADLINES[number % len(DEADLINES)],
            "Приказ, аналитическая справка, размещение информации на официальном сайте",
            "Доля организаций, внедривших целевую модель, %",
            "ОО, ИМЦ",
        ]
        for cell, text in zip(cells, texts, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def measure(pages: int = 100) -> dict:
    data = build_docx(pages)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        draft = read_docx(data, "приказ.docx")
        timings.append(time.perf_counter() - started)
    period = parse_period(draft.period_text)
    started = time.perf_counter()
    for item in draft.items:
        parse_deadline(item.deadline, period)
    deadlines = time.perf_counter() - started
    return {
        "pages": pages,
        "file_kb": round(len(data) / 1024),
        "items": len(draft.items),
        "sections": len(draft.sections),
        "read_seconds_best": round(min(timings), 2),
        "deadlines_seconds": round(deadlines, 2),
        "title": draft.title,
        "period": period.label,
    }
