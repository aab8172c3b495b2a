"""Render a long official table («База наставников», «База наставляемых») to PDF.

One WeasyPrint render of a long table is slow and memory hungry (≈110 s and 1.8 GB for 5,000
rows of the 12-column form on this 2-core machine) and its cost per row grows with the table.
So `render_pdf` cuts the rows into chunks, renders each chunk as a document of its own in
worker processes, and joins the chunks with pypdf:

- The pool is a "spawn" ProcessPoolExecutor: the caller may be a threaded web or task process,
  which must not be forked. A worker gets plain data (its rows, the column widths, the static
  folder's path), imports only this module, WeasyPrint and the standard library (no Django),
  and sends back the chunk's PDF bytes. Only the first chunk carries the title block; every
  chunk repeats the header row (thead as table-header-group), and each chunk starts a new page.
- A chunk that starts inside a group of rows (a school's participants) opens with the group's heading,
  «(продолжение)» after it (`chunk_groups`).
- The columns' widths are worked out once over all the rows (`column_widths`) and handed to
  every chunk, so that the columns line up across the joins.
- Page numbers: the chunks are rendered without them, as a chunk knows neither where it starts
  nor how many pages there will be. Once all are done, `_FooterStamper` writes «Стр. N из M» at
  the foot of every page, in the bundled font, as a few raw PDF text operators: ≈0.4 s for 1,400
  pages, where rendering M blank numbered pages with WeasyPrint and pypdf's merge_page took 7 s
  and 350 MB in the parent.
- In a worker (and only there) automatic garbage collection is off and runs once after each
  chunk (`_worker_setup`). Every render here, the naive one too, runs in a roomy frame-stack
  chunk (`_call_in_roomy_stack_chunk`): up to ≈20 % less CPU on CPython 3.11.

Measured with bench.pdf.compare (synthetic «База наставляемых», 2 cores, both
renders in the same run): 5,000 rows (≈1,430 pages) 37 s against 110-112 s for one render
(×2.9-3.0), the workers ≈110 MB each against 1.8 GB, the parent +50 MB; 1,000 rows 8.6 s against
16.6 s (×1.9). The speed-up is the cores (2, used at ≈95 %) times the CPU saved per row in the
workers: ≈14 ms a row there against ≈17 ms a row in one render of 1,000 rows and ≈22 ms in one
of 5,000 (a longer render has a bigger heap to collect and to walk).

`render_pdf_naive` is the same look in one single WeasyPrint render: the baseline of the bench,
and what `render_pdf` does itself for a table of one chunk.

Security: every text is HTML-escaped, and WeasyPrint fetches nothing but files under the
project's static folder (`StaticOnlyURLFetcher`): the bundled DejaVu fonts, nothing else.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from common.pdf.footer import join_and_number
from common.pdf.page import (
    TableDocument,
    build_html,
    column_widths,
    static_root,
    write,
)

# Rows per chunk. Measured at 5,000 rows with 2 workers (pdf_bench): 100, 125, 160 and 250 rows a
# chunk all take 33-40 s and 64-76 CPU seconds in the workers, within this machine's noise
# (≈40 ms of fixed cost a chunk; the cost per row is flat from ~50 rows a document on).
# 125 rows (≈35 pages) keeps a worker near 110 MB (250 rows: ≈150 MB), leaves the second worker
# idle for at most ≈2 s at the end, splits a table of a few hundred rows over both workers, and
# moves the progress bar every ≈2 s. Smaller chunks add pages: each chunk's last page is partly
# empty (+0.3 page a chunk: 5,000 rows give 1,440 pages, 1,427 in one piece).
DEFAULT_CHUNK_ROWS = 125
DEFAULT_WORKERS = 2
# No max_tasks_per_child on the pool: on CPython 3.11 to 3.15.0b3 a pool with it deadlocks once a
# worker retires with tasks still queued (gh-115634: the retired worker is not replaced; seen
# here at 5,000 rows). A worker's memory stays flat from chunk to chunk anyway: it collects its
# garbage after each chunk (see `_render_chunk`), and its peak is that of its largest chunk.


def _peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    On Linux VmHWM, the high-water mark of this address space: ru_maxrss is not right in a
    spawned child, as Linux carries it over across exec from the forked copy of the parent
    (so a worker of a 160 MB parent would show at least 160 MB).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# --- The worker side: plain data in, bytes out --------------------------------------------------

_IN_WORKER = False


def _die_with_parent(parent_pid: int) -> None:
    """A render worker ends when the process that started it ends, however it ends (a job worker killed
    in a PDF export left its two renderers, ~90 MB each, alive for good). On Linux the kernel sends
    SIGKILL to the worker when its parent dies (PR_SET_PDEATHSIG); a parent already gone ends it now."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(0)


def _worker_setup(parent_pid: int | None = None) -> None:
    """Pool initializer, in each worker process.

    WeasyPrint's layout makes millions of small objects; Python's automatic cycle collection
    keeps rescanning them and costs ≈20-25 % of a render (more on a long table: its heap is
    bigger). A worker is a process of its own that renders one bounded chunk at a time, so there
    it is safe to turn automatic collection off and collect once after each chunk instead
    (measured: 250 rows 4.4 → 3.3 s, peak +7 %; the memory stays flat over many chunks). Not in
    the caller's process: gc.disable() is process-wide.
    """
    global _IN_WORKER
    _IN_WORKER = True
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    gc.freeze()  # what the imports made: never scanned again
    gc.disable()


class _Chunk(NamedTuple):
    pdf: bytes
    pages: int
    peak_mb: float  # the worker's peak RSS so far
    cpu_seconds: float  # the CPU time this chunk took in the worker


def _render_chunk(document: TableDocument, widths: list[float], static: str, title_block: bool) -> _Chunk:
    """Render one chunk of rows without page numbers."""
    started = time.process_time()
    markup = build_html(
        document, document.rows, static=Path(static), title_block=title_block, footer=False, widths=widths
    )
    try:
        pdf, pages = write(markup, Path(static))
    finally:
        if _IN_WORKER:
            gc.collect()
    return _Chunk(pdf, pages, _peak_rss_mb(), time.process_time() - started)


# --- The public API ------------------------------------------------------------------------------


@dataclass
class RenderStats:
    """What a `render_pdf` call measured (see `last_stats`; read by the bench)."""

    chunks: int = 0
    chunk_rows: int = 0
    workers: int = 0
    pages: int = 0
    child_peak_mb: float = 0.0  # the largest peak RSS any worker reported (0: no worker)
    worker_cpu_seconds: float = 0.0  # CPU time of all the chunks, added up
    chunk_cpu_seconds: tuple[float, ...] = ()  # CPU time of each chunk, in order
    join_seconds: float = 0.0  # joining the chunks and writing the page numbers, in this process


_stats = threading.local()


def last_stats() -> RenderStats:
    """What the last `render_pdf` call in this thread measured."""
    return getattr(_stats, "value", RenderStats())


def _check(document: TableDocument) -> None:
    if len(document.widths) != len(document.headers):
        raise ValueError(f"{len(document.headers)} headers but {len(document.widths)} widths")


def render_pdf_naive(document: TableDocument) -> bytes:
    """One WeasyPrint render of the whole table, page numbers included, in this process."""
    _check(document)
    static = static_root()
    pdf, _pages = write(build_html(document, document.rows, static=static, title_block=True, footer=True), static)
    return pdf


def render_pdf(
    document: TableDocument,
    *,
    workers: int = DEFAULT_WORKERS,
    chunk_rows: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The table as a PDF: chunks of at most `chunk_rows` rows rendered in `workers` processes,
    joined. The rows are cut into equal chunks, as many as a multiple of `workers` (300 rows in
    chunks of at most 125 on 2 workers: 4 chunks of 75), so that no worker is left alone at the end.

    `progress(done_rows, total_rows)` is called in this thread as chunks finish; the last call is
    (total, total), just before the join (≈0.5 s for 5,000 rows). An exception from `progress`
    (a cancelled job, say) cancels the chunks not started yet and propagates. A table of at most
    one chunk renders in this process, with no pool, exactly as `render_pdf_naive`.
    Diagnostics of the call: `last_stats()`.
    """
    _check(document)
    static = static_root()
    rows = list(document.rows)
    total = len(rows)
    limit = max(1, chunk_rows or DEFAULT_CHUNK_ROWS)
    workers = max(1, workers)
    count = -(-total // limit)  # chunks of at most `limit` rows...
    if count > 1:
        count = -(-count // workers) * workers  # ...as many as keep every worker busy to the end
    size = max(1, -(-total // max(1, count)))  # ...and all the same size (give or take a row)
    slices = [rows[start : start + size] for start in range(0, total, size)] or [[]]

    if len(slices) == 1:
        pdf, pages = write(build_html(document, rows, static=static, title_block=True, footer=True), static)
        _stats.value = RenderStats(chunks=1, chunk_rows=size, workers=0, pages=pages)
        if progress:
            progress(total, total)
        return pdf

    widths = column_widths(document, static)  # once for all: the columns line up across the joins
    results: list[_Chunk] = [None] * len(slices)  # type: ignore[list-item]
    done = 0
    workers = min(workers, len(slices))
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_setup,
        initargs=(os.getpid(),),
    ) as pool:
        pending = {}
        for index, chunk in enumerate(slices):
            part = TableDocument(
                document.title,
                list(document.subtitle_lines),
                list(document.headers),
                list(document.widths),
                chunk,
                chunk_groups(document.groups, index * size, len(chunk)),
            )
            pending[pool.submit(_render_chunk, part, widths, str(static), index == 0)] = index
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index = pending.pop(future)
                    results[index] = future.result()
                    done += len(slices[index])
                    if progress:
                        progress(done, total)
        except BaseException:
            for future in pending:
                future.cancel()
            raise

    started = time.perf_counter()
    pdf = join_and_number([result.pdf for result in results], static, document.title)
    _stats.value = RenderStats(
        chunks=len(slices),
        chunk_rows=size,
        workers=workers,
        pages=sum(result.pages for result in results),
        child_peak_mb=max(result.peak_mb for result in results),
        worker_cpu_seconds=sum(result.cpu_seconds for result in results),
        chunk_cpu_seconds=tuple(round(result.cpu_seconds, 2) for result in results),
        join_seconds=time.perf_counter() - started,
    )
    return pdf


CONTINUED = " (продолжение)"


def chunk_groups(groups: dict[int, str], start: int, rows: int) -> dict[int, str]:
    """The group headings of the chunk of `rows` rows from `start`, by the index in the chunk. A chunk starts
    a page: one that starts inside a group opens with that group's heading, «(продолжение)» after it."""
    inside = {index - start: title for index, title in groups.items() if start <= index < start + rows}
    before = [index for index in groups if index < start]
    if rows and 0 not in inside and before:
        inside[0] = groups[max(before)] + CONTINUED
    return inside


def render_html(markup: str) -> bytes:
    """A whole HTML document to PDF in one piece, with the same fetcher: nothing outside static/."""
    return write(markup, static_root())[0]
