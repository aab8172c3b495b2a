"""`manage.py check --deploy` with the production environment of deploy/env.example and docs/deploy.md."""

from __future__ import annotations

import re

import pytest

from tests.deploy.conftest import DEPLOY, ROOT, clean_env, manage, production_env, secret_key, settings_variables

ENV_EXAMPLE = DEPLOY / "env.example"
DOC = ROOT / "docs" / "deploy.md"


def env_example_names() -> set[str]:
    """Variables deploy/env.example sets or shows (a commented `# NAME=` line counts)."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


@pytest.mark.slow
def test_deploy_check_is_clean_with_production_values():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(DATABASE_URL="postgres:///mentoring", SITE_URL="https://mentoring.example.ru"),
    )
    output = result.stdout + result.stderr
    assert "WARNINGS:" not in output, output
    assert "System check identified no issues" in output, output


@pytest.mark.slow
def test_the_example_environment_file_passes_once_the_key_is_set():
    """deploy/env.example, read as the production file (ENV_FILE), with only SECRET_KEY filled in."""
    env = clean_env(ENV_FILE=str(ENV_EXAMPLE), SECRET_KEY=secret_key())
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert "WARNINGS:" not in output, output
    assert "System check identified no issues" in output, output


@pytest.mark.slow
def test_missing_secret_key_stops_the_start_with_a_clear_message():
    env = clean_env(ENV_FILE=str(ENV_EXAMPLE))  # the example leaves SECRET_KEY empty on purpose
    result = manage("check", env=env, check=False)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr, "the message tells how to make a key"


def test_every_setting_is_in_the_example_file_and_the_guide():
    names = settings_variables()
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "MEDIA_ROOT"} <= set(names)
    missing = sorted(set(names) - {"ENV_FILE"} - env_example_names())
    assert not missing, f"add to deploy/env.example: {missing}"
    guide = DOC.read_text(encoding="utf-8")
    undocumented = [name for name in names if f"`{name}`" not in guide]
    assert not undocumented, f"describe in docs/deploy.md: {undocumented}"
