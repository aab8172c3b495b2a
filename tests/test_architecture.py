"""The floor plan holds: every app has its place in the layers contract, the contract is kept, and
`make test` runs the linters before the suite (docs/architecture.md)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = PYPROJECT["tool"]["importlinter"]["contracts"]
LAYERS = next(contract for contract in CONTRACTS if contract["id"] == "layers")
MAX_MODULE_LINES = 500


def layer_packages() -> list[str]:
    return [name.strip() for layer in LAYERS["layers"] for name in re.split(r"[|:]", layer)]


def our_packages() -> set[str]:
    """Top-level packages of the project that Django or the project code import (tests, bench and
    loadtest are tools beside it)."""
    return {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench", "loadtest", "deploy", "scripts"}
    }


def test_every_package_and_app_has_a_layer():
    layered = layer_packages()
    assert set(layered) == our_packages(), "a package without a layer, or a layer without a package"
    assert set(PYPROJECT["tool"]["importlinter"]["root_packages"]) == our_packages()
    local_apps = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert local_apps <= set(layered)
    assert layered[0] == "mentoring" and layered[-1] == "common"
    assert LAYERS["type"] == "layers" and not LAYERS.get("ignore_imports"), "the layers contract ignores nothing"


def test_the_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout


def test_make_test_runs_the_linters_first():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "lint" in test_target.split("pytest")[0]
    lint_target = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for command in ("ruff check", "ruff format --check", "lint-imports", "mypy"):
        assert command in lint_target


def test_the_type_check_covers_the_access_layer_the_services_and_the_export_contract():
    checked = PYPROJECT["tool"]["mypy"]["files"]
    for module in ("registry/scope.py", "registry/access.py", "registry/services", "jobs/exports.py"):
        assert module in checked
