"""The docs stay true: every code name the glossary gives exists, and every project path the docs and
the code's comments name is there."""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "events",
    "practices",
    "region",
    "reporting",
    "paperwork",
    "suggestions",
    "registry",
    "roadmap",
    "monitoring",
    "reminders",
    "influence",
    "exchange",
    "jobs",
    "portal",
    "common",
    "mentoring",
)
NAMES = "|".join(APPS)
DOTTED = re.compile(rf"`((?:{NAMES})\.[A-Za-z_][\w.]*)`")
# A module of the project named by its path: `registry/access.py`.
PATH = re.compile(rf"(?<![\w/.-])((?:{NAMES}|bench|loadtest|tests|scripts)/[\w/]*\.py)\b")


def resolve(dotted: str) -> object:
    """A module, a module's attribute (a class, a function, a constant) or `app.Model`."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise LookupError(dotted)


def glossary_names() -> list[str]:
    return sorted(set(DOTTED.findall((ROOT / "docs" / "glossary.md").read_text(encoding="utf-8"))))


@pytest.mark.parametrize("dotted", glossary_names())
def test_every_code_name_of_the_glossary_exists(dotted):
    app_label, _, rest = dotted.partition(".")
    if rest and "." not in rest and rest[0].isupper() and apps.is_installed(app_label):
        try:
            apps.get_model(app_label, rest)
            return
        except LookupError:
            pass
    resolve(dotted)


def tracked_texts() -> list[Path]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [
        ROOT / name
        for name in files
        if name.endswith((".py", ".md", ".html", ".sh", ".toml")) and "/migrations/" not in name and name != "Makefile"
    ]


def test_every_project_path_named_in_docs_and_comments_exists():
    missing = []
    for path in tracked_texts():
        for named in PATH.findall(path.read_text(encoding="utf-8")):
            if not (ROOT / named).exists():
                missing.append(f"{path.relative_to(ROOT)}: {named}")
    assert not missing, "\n".join(missing)
