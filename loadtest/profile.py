"""Where the gunicorn workers' time went under the load (`LOAD_PROFILE=1 make loadtest`).

    .venv/bin/python loadtest/profile.py var/loadtest/run-…/profile.folded --access-log var/loadtest/run-…/access.log

Reads py-spy's folded stacks (`py-spy record --gil --format raw`: one line per distinct stack, frames from the
outermost, and how many samples ended in it; only a thread holding the GIL is sampled, so a sample is Python
running on the CPU — a worker waiting for PostgreSQL has let the GIL go) and prints:

- the areas of the request's path (a sample counts for every area one of its frames is in): template rendering,
  the ORM building SQL, the database driver, sessions, authentication, middleware, logging, URL resolving,
  the data versions (registry/freshness.py), forms;
- the functions that spent the most time themselves;
- each view: its requests (from the access log, resolved by Django's URL resolver), its share of the samples,
  and milliseconds per request in the workers.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "mentoring",
    "portal",
    "region",
    "reporting",
    "reminders",
    "monitoring",
    "practices",
    "events",
    "roadmap",
    "exchange",
    "influence",
    "paperwork",
    "suggestions",
    "registry",
    "jobs",
    "common",
)
# (label, a pattern of a frame's file) — first match names a function's area for the «self» table.
AREAS = [
    ("шаблоны (django.template)", re.compile(r"django/template/|django/templatetags/|/templatetags/")),
    ("формы и crispy", re.compile(r"django/forms/|crispy_forms/|crispy_bootstrap")),
    ("ORM: построение SQL", re.compile(r"django/db/models/")),
    ("драйвер БД (psycopg2, backends)", re.compile(r"psycopg2|django/db/backends/|django/db/utils\.py")),
    ("сессии", re.compile(r"django/contrib/sessions/|registry/sessions\.py|django/core/signing\.py")),
    ("аутентификация", re.compile(r"django/contrib/auth/")),
    (
        "промежуточные слои (middleware)",
        re.compile(r"django/middleware/|mentoring/middleware\.py|whitenoise/|auditlog/|common/replica\.py"),
    ),
    ("журналирование", re.compile(r"logging/__init__\.py|logging/handlers\.py")),
    ("разбор URL", re.compile(r"django/urls/")),
    ("версии данных (freshness)", re.compile(r"registry/freshness\.py")),
    ("кэш (django.core.cache)", re.compile(r"django/core/cache/")),
]
FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def parse(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or " " not in line:
            continue
        body, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = []
        for raw in body.split(";"):
            found = FRAME.match(raw)
            frames.append((found["name"], found["file"]) if found else (raw, ""))
        stacks.append((frames, int(count)))
    return stacks


def module_of(file: str) -> str | None:
    """registry/views/people.py → registry.views.people; …/site-packages/django/contrib/auth/views.py →
    django.contrib.auth.views (the project's files and the installed packages' only)."""
    if not file.endswith(".py"):
        return None
    if "site-packages/" in file:
        return ".".join(Path(file.split("site-packages/", 1)[1]).with_suffix("").parts)
    try:
        relative = Path(file).resolve().relative_to(ROOT)
    except ValueError:
        relative = Path(file)
    parts = relative.with_suffix("").parts
    for i, part in enumerate(parts):
        if part in APPS:
            return ".".join(parts[i:])
    return None


def view_of(frames: list[tuple[str, str]], views: set[str]) -> str | None:
    """The outermost frame that is a view of the URL configuration."""
    for name, file in frames:
        module = module_of(file)
        if not module:
            continue
        for candidate in (f"{module}.{name}", f"{module}.{name.split('.')[0]}"):  # a class-based view's method
            if candidate in views:
                return candidate
    return None


def url_views(access_log: Path | None) -> tuple[Counter, set[str]]:
    """Requests per view (the access log's paths resolved), and every view of the URL configuration."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django

    django.setup()
    from django.urls import Resolver404, get_resolver, resolve

    def names(patterns, found):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                names(pattern.url_patterns, found)
            else:
                callback = pattern.callback
                found.add(f"{callback.__module__}.{getattr(callback, '__name__', type(callback).__name__)}")
        return found

    views = names(get_resolver().url_patterns, set())
    requests: Counter = Counter()
    if access_log and access_log.exists():
        request_line = re.compile(r'"[A-Z]+ (?P<path>\S+) HTTP')
        for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
            found = request_line.search(line)
            if not found:
                continue
            try:
                match = resolve(found["path"])
            except Resolver404:
                continue
            requests[f"{match.func.__module__}.{getattr(match.func, '__name__', '?')}"] += 1
    return requests, views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folded", type=Path)
    parser.add_argument("--access-log", type=Path)
    parser.add_argument("--rate", type=int, default=200, help="py-spy's samples per second")
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args()

    stacks = parse(options.folded)
    total = sum(count for _, count in stacks)
    if not total:
        print("py-spy recorded no samples")
        return
    requests, views = url_views(options.access_log)

    area_samples: Counter = Counter()
    self_samples: Counter = Counter()
    view_samples: Counter = Counter()
    view_areas: dict[str, Counter] = defaultdict(Counter)
    for frames, count in stacks:
        hit = {label for label, pattern in AREAS for _, file in frames if pattern.search(file)}
        for label in hit:
            area_samples[label] += count
        name, file = frames[-1]
        self_samples[f"{name} ({_short(file)})"] += count
        view = view_of(frames, views) or "(вне представлений: запуск, воркер, статика)"
        view_samples[view] += count
        for label in hit:
            view_areas[view][label] += count

    seconds = total / options.rate
    print(f"\nСэмплов: {total} (≈ {seconds:.1f} с работы воркеров при {options.rate} в секунду)")
    print(f"Запросов в журнале: {sum(requests.values())}")
    print("\nОбласти (сэмпл считается во всех областях, через которые шёл его стек):")
    for label, count in area_samples.most_common():
        print(f"  {count / total:6.1%}  {label}")
    print(f"\nСамые затратные функции (собственное время), первые {options.top}:")
    for name, count in self_samples.most_common(options.top):
        print(f"  {count / total:6.1%}  {name}")
    print("\nПредставления: доля сэмплов, запросов, мс процессора воркера на запрос, три главные области:")
    for view, count in view_samples.most_common():
        n = requests.get(view, 0)
        per = f"{count / options.rate / n * 1000:7.1f}" if n else "      —"
        areas = ", ".join(f"{label.split(' (')[0]} {c / count:.0%}" for label, c in view_areas[view].most_common(3))
        print(f"  {count / total:6.1%}  {n:6d}  {per}  {view}  [{areas}]")


def _short(file: str) -> str:
    for marker in ("site-packages/", "/lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    module = module_of(file)
    return module or file


if __name__ == "__main__":
    main()
