"""Bench: the chunked parallel PDF render against one plain WeasyPrint render of the same table.

`compare(rows)` builds a synthetic «База наставляемых» (deterministic texts of realistic length:
requests and results of 60-200 characters, names, dates, links), renders it both ways in the
same run and returns the seconds, the speed-up and the peak memory.

The naive render (the work of `render_pdf_naive`) runs in a spawned process of its own, so that
its peak RSS is its own and does not inflate this process's figure. The chunked render runs from
this process: chunked_parent_peak_mb is this process's highest RSS during the call (sampled every
20 ms; it includes Django and the rows), chunked_parent_growth_mb the part the call added, and
chunked_child_peak_mb the highest peak any worker reported. For standalone use:
DJANGO_SETTINGS_MODULE=mentoring.settings, django.setup(), then compare(); the caller's main
module must be import-safe (an `if __name__ == "__main__":` guard), as spawned workers import it.
"""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import random
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pypdf import PdfReader

from common.pdf import page as pdf_page
from common.pdf import render as pdf_render
from exchange.official import MENTEES

SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Ёлкин",
    "Константинопольский",
    "Преображенский",
    "Белорецкий-Заозёрный",
]
MALE = [
    "Александр",
    "Дмитрий",
    "Максим",
    "Сергей",
    "Андрей",
    "Алексей",
    "Артём",
    "Илья",
    "Кирилл",
    "Михаил",
    "Никита",
    "Матвей",
    "Роман",
    "Егор",
    "Пётр",
    "Владимир",
]
FEMALE = [
    "Анастасия",
    "Мария",
    "Дарья",
    "Анна",
    "Елизавета",
    "Полина",
    "Виктория",
    "Екатерина",
    "Софья",
    "Александра",
    "Ксения",
    "Ольга",
    "Татьяна",
    "Наталья",
]
MALE_PATRONYMICS = [
    "Александрович",
    "Дмитриевич",
    "Сергеевич",
    "Андреевич",
    "Алексеевич",
    "Игоревич",
    "Владимирович",
    "Николаевич",
    "Петрович",
    "Михайлович",
]
FEMALE_PATRONYMICS = [
    "Александровна",
    "Дмитриевна",
    "Сергеевна",
    "Андреевна",
    "Алексеевна",
    "Игоревна",
    "Владимировна",
    "Николаевна",
    "Петровна",
    "Михайловна",
]
FORMATS = [
    "Ученик – ученик",
    "Учитель – учитель",
    "Учитель – ученик",
    "Студент – ученик",
    "Работодатель – ученик",
    "Работодатель – студент",
]
WORKPLACES = [
    "МБОУ СОШ № 1 г. Кедровска",
    "МБОУ «Лицей № 7»",
    "МАОУ «Гимназия № 3 имени А. С. Пушкина»",
    "МБОУ «Средняя общеобразовательная школа № 12 с углублённым изучением отдельных предметов»",
    "ООО «Кедровский машиностроительный завод»",
    "ГБПОУ «Кедровский педагогический колледж»",
    "МБУ ДО «Центр детского технического творчества»",
    "МБОУ ООШ № 4 с. Заречное",
]
REQUEST_PARTS = [
    "адаптация в новом коллективе",
    "повышение успеваемости по математике",
    "подготовка к ОГЭ по русскому языку",
    "развитие навыков публичного выступления",
    "выбор профессии и профильного класса",
    "подготовка проекта к муниципальной научно-практической конференции",
    "освоение методики формирующего оценивания",
    "преодоление трудностей в общении со сверстниками",
    "участие во всероссийской олимпиаде школьников",
    "развитие лидерских качеств и навыков работы в команде",
    "подготовка к конкурсу профессионального мастерства",
    "освоение цифровых образовательных платформ",
    "организация внеурочной деятельности в 5–6 классах",
]
RESULT_PARTS = [
    "успеваемость по предмету повысилась с «3» до «4»",
    "выступил на школьной конференции с докладом",
    "стал призёром муниципального этапа олимпиады",
    "успешно адаптировался в коллективе класса",
    "разработал и защитил индивидуальный проект",
    "провёл открытый урок для коллег методического объединения",
    "определился с профилем обучения в 10 классе",
    "принял участие в региональном конкурсе «Учитель года»",
    "снизилось число пропусков без уважительной причины",
    "подготовил публикацию в сборник материалов конференции",
]
MARKS = ["Прошёл", "Прошла", "Завершено", "В процессе", ""]


def _name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MALE)} {rng.choice(MALE_PATRONYMICS)}"
    surname = rng.choice(SURNAMES)
    surname = surname[:-2] + "ая" if surname.endswith("ий") else surname + "а"
    return f"{surname} {rng.choice(FEMALE)} {rng.choice(FEMALE_PATRONYMICS)}"


def _sentence(rng: random.Random, parts: list[str], low: int, high: int) -> str:
    target = rng.randint(low, high)
    text = ""
    for part in rng.sample(parts, len(parts)):
        if len(text) >= target:
            break
        text = f"{text}; {part}" if text else part[0].upper() + part[1:]
    if len(text) > high:  # cut at a word
        text = text[:high].rsplit(" ", 1)[0]
    return text.rstrip(" ;,") + "."


def _date(rng: random.Random, start: datetime.date, days: int) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(days))


def synthetic_mentees(rows: int, *, seed: int = 20261123) -> pdf_page.TableDocument:
    """A plausible «База наставляемых» of `rows` rows, the same for the same seed."""
    rng = random.Random(seed)
    table = []
    for number in range(1, rows + 1):
        entry = _date(rng, datetime.date(2024, 9, 1), 600)
        ended = rng.random() < 0.6
        end = entry + datetime.timedelta(days=rng.randint(90, 360)) if ended else None
        feedback = (
            f"https://school{rng.randint(1, 40)}.kedr.edu.ru/nastavnichestvo/keys-{number}"
            if rng.random() < 0.5
            else "Отзыв в портфолио наставляемого, с. 3"
        )
        if rng.random() < 0.1:
            feedback += "\nЗаписан на видео"
        table.append(
            [
                str(number),
                _name(rng),
                str(rng.randint(1975, 2016)),
                _sentence(rng, REQUEST_PARTS, 60, 200),
                entry.strftime("%d.%m.%Y"),
                _name(rng),
                rng.choice(FORMATS),
                rng.choice(WORKPLACES),
                end.strftime("%d.%m.%Y") if end else "",
                _sentence(rng, RESULT_PARTS, 60, 200) if ended else "",
                feedback,
                rng.choice(MARKS) if ended else "",
            ]
        )
    return pdf_page.TableDocument(
        title=MENTEES.title,
        subtitle_lines=["МБОУ СОШ № 1, Управление образования Кедровского округа", "Выгрузка на 23.11.2026"],
        headers=MENTEES.headers,
        widths=[column.width for column in MENTEES.columns],
        rows=table,
    )


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except OSError:  # not Linux: fall back on the peak so far
        return pdf_render._peak_rss_mb()


class _RssSampler:
    """The highest RSS of this process while the block runs (sampled every 20 ms)."""

    def __init__(self):
        self.peak = _current_rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _current_rss_mb())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _current_rss_mb())


def _naive_in_child(document: pdf_page.TableDocument, static: str) -> tuple[float, float, int, float]:
    """In a fresh process: (seconds, CPU seconds, pages, peak RSS in MB) of one naive render.

    The same work as `render_pdf_naive` (which needs Django's settings only for the static path).
    """
    started, cpu = time.perf_counter(), time.process_time()
    markup = pdf_page.build_html(document, document.rows, static=Path(static), title_block=True, footer=True)
    pdf, _pages = pdf_page.write(markup, Path(static))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return seconds, cpu, pages, pdf_render._peak_rss_mb()


def compare(
    rows: int = 5000, *, naive: bool = True, workers: int = pdf_render.DEFAULT_WORKERS, chunk_rows: int | None = None
) -> dict:
    """Render a synthetic `rows`-row «База наставляемых» naively and chunked; return the figures.

    naive=False skips the (slow) naive render: its fields are then None. Both renders run in
    this same call, one after the other, on the same rows.

    Besides the figures asked for (rows, pages, naive_seconds, chunked_seconds, speedup,
    naive_peak_mb, chunked_parent_peak_mb, chunked_child_peak_mb, chunk_rows, workers), the dict
    has CPU seconds of both, the join time, and `chunked_parallel_efficiency`: the workers' CPU
    time over workers × wall time. Well under ~0.9 means the machine was busy with something else
    during the chunked render (its seconds are then not to be trusted); the naive render's
    `naive_cpu_seconds` far under `naive_seconds` means the same for it.
    """
    document = synthetic_mentees(rows)
    result = {"rows": rows}
    if naive:
        # A spawned process of its own: its ru_maxrss is the naive render's peak, nothing else's.
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            naive_seconds, naive_cpu, naive_pages, naive_peak = pool.submit(
                _naive_in_child, document, str(pdf_render.static_root())
            ).result()
    else:
        naive_seconds = naive_cpu = naive_pages = naive_peak = None

    before = _current_rss_mb()
    with _RssSampler() as sampler:
        started = time.perf_counter()
        pdf = pdf_render.render_pdf(document, workers=workers, chunk_rows=chunk_rows)
        chunked_seconds = time.perf_counter() - started
    stats = pdf_render.last_stats()
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    result.update(
        pages=pages,
        naive_pages=naive_pages,
        naive_seconds=round(naive_seconds, 2) if naive_seconds is not None else None,
        chunked_seconds=round(chunked_seconds, 2),
        speedup=round(naive_seconds / chunked_seconds, 2) if naive_seconds is not None else None,
        naive_cpu_seconds=round(naive_cpu, 2) if naive_cpu is not None else None,
        chunked_worker_cpu_seconds=round(stats.worker_cpu_seconds, 2),
        chunked_parallel_efficiency=round(stats.worker_cpu_seconds / (stats.workers * chunked_seconds), 2)
        if stats.workers
        else None,
        join_seconds=round(stats.join_seconds, 2),
        naive_peak_mb=round(naive_peak, 1) if naive_peak is not None else None,
        chunked_parent_peak_mb=round(sampler.peak, 1),
        chunked_parent_growth_mb=round(sampler.peak - before, 1),
        chunked_child_peak_mb=round(stats.child_peak_mb, 1),
        chunk_rows=stats.chunk_rows,
        chunks=stats.chunks,
        workers=stats.workers,
        pdf_mb=round(len(pdf) / (1024 * 1024), 2),
    )
    return result
