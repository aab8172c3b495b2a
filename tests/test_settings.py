"""Settings come from the environment and fail loudly on malformed values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x7Vq-3mN9pLr2TzW8yKc4bHf6JdS1aEuGoQiXvYnMwPtRsZlCe5",
    "ALLOWED_HOSTS": "mentoring.example.ru",
    "DATABASE_URL": "postgres://mentoring@127.0.0.1:5432/mentoring",
    "TIME_ZONE": "Asia/Yakutsk",
}


def run_django(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    # Only the outside environment: no project variable, and no DJANGO_* flag a test fixture set.
    project = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "TIME_ZONE"}
    env = {k: v for k, v in os.environ.items() if k not in project and not k.startswith("DJANGO_")}
    env["ENV_FILE"] = ""  # the developer's .env must not mask what is tested here
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe'"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "only PostgreSQL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL="),
        ({"TIME_ZONE": "Europe/Gotham"}, "TIME_ZONE='Europe/Gotham'"),
        ({"SESSION_IDLE_MINUTES": "полчаса"}, "SESSION_IDLE_MINUTES='полчаса': expected a whole number"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS"),
        ({"PG_RANDOM_PAGE_COST": "дёшево"}, "PG_RANDOM_PAGE_COST='дёшево': a positive number"),
    ],
    ids=[
        "debug",
        "database-engine",
        "database-garbage",
        "time-zone",
        "idle-minutes",
        "secret-key",
        "allowed-hosts",
        "random-page-cost",
    ],
)
def test_malformed_value_stops_the_start_with_a_clear_message(overrides, message):
    result = run_django({**PRODUCTION, **overrides}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_values_pass_the_deployment_check():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_defaults_start_without_any_environment():
    result = run_django({}, "check")
    assert result.returncode != 0, "without DEBUG the key is required"
    result = run_django({"DEBUG": "1"}, "check")
    assert result.returncode == 0, result.stderr


def test_defaults(settings):
    assert settings.LANGUAGE_CODE == "ru"
    assert settings.TIME_ZONE == "Europe/Moscow"
    assert "registry.sessions.SessionMiddleware" in settings.MIDDLEWARE, "activity renews the session (idle timeout)"
    assert settings.SESSION_COOKIE_AGE == 60 * 60


@pytest.mark.django_db
def test_postgresql_connections_price_random_reads_for_an_ssd():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
