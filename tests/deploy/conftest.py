"""Helpers of the deployment tests: the project's commands run as subprocesses with a production-like
environment, exactly as systemd would start them (docs/deploy.md), never with the test settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
SETTINGS_FILE = ROOT / "mentoring" / "settings.py"

# Variables that steer a child process besides the settings' own: gunicorn reads PORT,
# WEB_CONCURRENCY and FORWARDED_ALLOW_IPS; libpq reads PG*; our scripts read BACKUP_* and GUNICORN_*.
_FOREIGN = re.compile(r"^(DJANGO_|GUNICORN_|BACKUP_|PG)|^(PORT|WEB_CONCURRENCY|FORWARDED_ALLOW_IPS)$")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: starts processes or databases of its own (seconds, not milliseconds)")


def settings_variables() -> list[str]:
    """Every environment variable mentoring/settings.py reads, in the order it reads them."""
    text = SETTINGS_FILE.read_text(encoding="utf-8")
    names = re.findall(r'(?:env_\w+|os\.environ\.get)\(\s*"([A-Z][A-Z0-9_]*)"', text)
    return list(dict.fromkeys(names))


def clean_env(**overrides: str) -> dict[str, str]:
    """The outside environment without any project setting, plus `overrides`.

    The pytest process carries the test settings (DEBUG=true, a test key, the immediate task
    backend: pyproject.toml); a child must see only what a production unit would give it. ENV_FILE
    is empty, so a developer's .env is not read either.
    """
    project = set(settings_variables())
    env = {k: v for k, v in os.environ.items() if k not in project and not _FOREIGN.search(k)}
    env["ENV_FILE"] = ""
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(overrides)
    return env


def secret_key() -> str:
    return secrets.token_urlsafe(50)  # 67 characters, as docs/deploy.md tells the admin to make it


def production_env(**overrides: str) -> dict[str, str]:
    values = {
        "DEBUG": "0",
        "SECRET_KEY": secret_key(),
        "ALLOWED_HOSTS": "mentoring.example.ru",
        "TIME_ZONE": "Europe/Moscow",
    }
    return clean_env(**{**values, **overrides})


def manage(
    *args: str, env: dict[str, str], timeout: float = 180, settings: str | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    command = [sys.executable, "manage.py", *args]
    if settings:
        command.append(f"--settings={settings}")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result
