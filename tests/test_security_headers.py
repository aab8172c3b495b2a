"""Security headers and cookies: what a browser is told on every page, in development and in production.

The production case runs Django in a subprocess with DEBUG off, as gunicorn would, so that the
settings' production branch (HSTS, Secure cookies, the HTTPS redirect) is what is checked.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parent.parent

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def directives(header: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("name", ["home", "person_list", "roadmap_list", "job_list"])
def test_pages_carry_the_policy_and_frame_denial(world, name):
    response = client_for(world, "methodist_a").get(reverse(name))
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(CSP)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_page_and_health_carry_the_policy_too(client, db):
    for url in (reverse("login"), reverse("health")):
        response = client.get(url)
        assert response.status_code == 200
        assert "script-src 'self'" in response["Content-Security-Policy"]


# Templates served to browsers must satisfy the policy: no inline script, handler or style.
# (PDF templates are rendered by WeasyPrint on the server and never reach a browser.)
SERVER_ONLY = {
    "monitoring/report_pdf.html",
    "influence/results/results_pdf.html",
    "practices/portfolio_pdf.html",
    "registration/password_reset_email.html",
}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if relative in SERVER_ONLY:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{relative}:{line}: {what}")
    assert not problems, "the Content-Security-Policy would block:\n" + "\n".join(problems)


PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from django.test import Client
from registry.models import User
User.objects.create_user("probe", password="a-long-probe-password-2026")
c = Client(HTTP_HOST="mentoring.example.ru")

def cookies(response):
    return {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]), "samesite": m["samesite"]}
            for name, m in response.cookies.items()}

out = {}
r = c.get("/accounts/login/")
out["http_login"] = {"status": r.status_code, "location": r.get("Location", "")}
r = c.get("/health/")
out["http_health"] = {"status": r.status_code}
r = c.get("/accounts/login/", secure=True)
out["login"] = {"status": r.status_code, "headers": dict(r.headers), "cookies": cookies(r)}
r = c.post("/accounts/login/", {"username": "probe", "password": "a-long-probe-password-2026"}, secure=True)
out["logged_in"] = {"status": r.status_code, "headers": dict(r.headers), "cookies": cookies(r)}
print("PROBE" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    database = folder / "db.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x7Vq-3mN9pLr2TzW8yKc4bHf6JdS1aEuGoQiXvYnMwPtRsZlCe5-probe",
        "ALLOWED_HOSTS": "mentoring.example.ru",
        "DATABASE_URL": f"sqlite:///{database}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return json.loads(line[len("PROBE") :])


def test_production_redirects_plain_http_but_not_the_health_probe(production):
    assert production["http_login"]["status"] == 301
    assert production["http_login"]["location"] == "https://mentoring.example.ru/accounts/login/"
    assert production["http_health"]["status"] == 200


def test_production_headers(production):
    headers = production["login"]["headers"]
    assert production["login"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert directives(headers["Content-Security-Policy"]) == directives(CSP)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_production_cookies_are_secure_httponly_samesite(production):
    csrf = production["login"]["cookies"]["csrftoken"]
    assert csrf == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert production["logged_in"]["status"] == 302, "the probe user logs in"
    session = production["logged_in"]["cookies"]["sessionid"]
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}
