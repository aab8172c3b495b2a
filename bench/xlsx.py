"""XLSX export against bare openpyxl: the same values, side by side in one run (`manage.py bench --exports`).

The exporter's writer (title block, styles, formula-safe text, date formats) is timed against
openpyxl's write-only mode appending the very same row values with no styling at all: the target
is at most 1.15× that (1.5× until 2026-12-08). Rows come from an in-memory exporter (no database),
so the figure is the writer's own cost; peak memory (tracemalloc, in separate runs: it slows Python
down) is compared between a small and a large export to show it does not grow with the rows.
"""

from __future__ import annotations

import random
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta

from openpyxl import Workbook

from common.files.writers import write_xlsx
from exchange.exports import BaseChoice, OfficialBase
from exchange.official import MENTEES, Kind

SURNAMES = ["Иванов", "Смирнова", "Кузнецов", "Попова", "Ёлкин", "Соколова", "Лебедев", "Новикова"]
NAMES = ["Алексей", "Мария", "Дмитрий", "Анна", "Егор", "Софья", "Илья", "Полина"]
REQUESTS = [
    "Подготовка к олимпиаде по математике, развитие навыков самостоятельной работы",
    "Адаптация в новом коллективе",
    "=СУММ(A1:A3) — текст, похожий на формулу",
    "Выбор профиля обучения и профессиональное самоопределение; участие в проектной деятельности школы",
]


class SyntheticMentees(OfficialBase):
    """«База наставляемых» of `size` made-up rows, without the database."""

    form = MENTEES

    def __init__(self, size: int, seed: int = 1, *, materialise: bool = True) -> None:
        self.size = size
        self.seed = seed
        self.params = BaseChoice(base=Kind.MENTEES)
        self.today = date(2026, 11, 23)
        # For timing, made beforehand: both writers get the same ready values. For memory, made
        # as they are written, so that the peak is the writer's own.
        self.values = list(self.generate()) if materialise else None

    def count(self) -> int:
        return self.size

    def title_lines(self) -> list[str]:
        return ["Синтетический муниципалитет", "Действующие участники", "Выгрузка на 23.11.2026"]

    def rows(self) -> Iterator[list]:
        yield from self.values if self.values is not None else self.generate()

    def generate(self) -> Iterator[list]:
        rng = random.Random(self.seed)
        start = date(2024, 9, 1)
        for number in range(1, self.size + 1):
            entry = start + timedelta(days=rng.randrange(600))
            yield [
                number,
                f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Сергеевич",
                rng.randrange(2007, 2016),
                rng.choice(REQUESTS),
                entry,
                f"{rng.choice(SURNAMES)} {rng.choice(NAMES)} Петрович",
                "ученик – ученик",
                "МБОУ СОШ № 1",
                entry + timedelta(days=240) if number % 3 == 0 else None,
                "Повысил успеваемость" if number % 3 == 0 else "",
                "https://school1.example/otzyv" if number % 5 == 0 else "",
                "Прошёл(а) программу" if number % 3 == 0 else "",
            ]


def bare_openpyxl(rows: list[list], out) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(MENTEES.title)
    sheet.append(MENTEES.headers)
    for row in rows:
        sheet.append(row)
    workbook.save(out)


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def compare(rows: int = 100_000, repeat: int = 3, memory_rows: tuple[int, int] = (5_000, 50_000)) -> dict:
    exporter = SyntheticMentees(rows)
    values = exporter.values
    ours, bare = [], []
    for _ in range(repeat):  # alternate, so that a busy moment of the machine hits both
        with tempfile.TemporaryFile() as out:
            bare.append(_timed(lambda: bare_openpyxl(values, out)))
        with tempfile.TemporaryFile() as out:
            ours.append(_timed(lambda: write_xlsx(exporter, out)))
    values = exporter = None  # free the ready rows before the memory runs
    memory = {}
    for size in memory_rows:
        tracemalloc.start()
        with tempfile.TemporaryFile() as out:
            write_xlsx(SyntheticMentees(size, materialise=False), out)
        memory[size] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    small, large = memory_rows
    return {
        "rows": rows,
        "bare_seconds": round(min(bare), 2),
        "export_seconds": round(min(ours), 2),
        "ratio": round(min(ours) / min(bare), 2),
        "peak_mb_small": round(memory[small], 1),
        "peak_mb_large": round(memory[large], 1),
        "rows_small": small,
        "rows_large": large,
    }
