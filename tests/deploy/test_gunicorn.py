"""gunicorn with deploy/gunicorn.conf.py serves the application with the production settings.

One gunicorn for the module: SQLite in a temporary folder (migrated), static files collected into a
temporary STATIC_ROOT, DEBUG off and SECURE_SSL_REDIRECT at its production default (on). Requests
carry what nginx adds (Host, X-Forwarded-Proto: https, X-Real-IP) unless a test says otherwise.
"""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import time

import pytest

from tests.deploy.conftest import DEPLOY, ROOT, VENV_BIN, production_env

HOST = "mentoring.example.ru"
NGINX_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Real-IP": "203.0.113.7"}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port: int, log) -> None:
        self.port, self.log = port, log

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=NGINX_HEADERS if headers is None else headers)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    env = production_env(
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        GUNICORN_WORKERS="2",
    )
    # Migrate and collect static files side by side (each takes seconds).
    # The collectstatic settings skip only the pre-compression (tests/deploy/collectstatic_settings.py).
    steps = [
        subprocess.Popen(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
        subprocess.Popen(
            [
                str(VENV_BIN / "python"),
                "manage.py",
                "collectstatic",
                "--noinput",
                "--skip-checks",
                "--settings=tests.deploy.collectstatic_settings",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ),
    ]
    for step in steps:
        output, _ = step.communicate(timeout=180)
        assert step.returncode == 0, output
    assert (folder / "static" / "staticfiles.json").exists()

    port = free_port()
    log_path = folder / "gunicorn.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, log_path)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited ({process.returncode}):\n{log_path.read_text()}"
            try:
                if server.get("/health/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"gunicorn did not answer in 60 s:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the master stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_health_answers_without_login_and_over_plain_http(server):
    """The local probe (curl on the server) speaks plain HTTP; /health/ is exempt from the redirect."""
    status, headers, body = server.get("/health/", {"Host": HOST})
    assert (status, body) == (200, b"ok\n")
    assert "no-cache" in headers["cache-control"]


def test_login_page_behind_nginx(server):
    status, headers, body = server.get("/accounts/login/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    # Django saw HTTPS through X-Forwarded-Proto (gunicorn and SECURE_PROXY_SSL_HEADER agree).
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["content-security-policy"]
    assert re.search(rb'href="/static/css/app\.[0-9a-f]{12}\.css"', body), "hashed static names in production"


def test_plain_http_is_sent_to_https(server):
    status, headers, _ = server.get("/accounts/login/", {"Host": HOST})
    assert status == 301
    assert headers["location"] == f"https://{HOST}/accounts/login/"


def test_unknown_host_is_refused(server):
    status, _, _ = server.get("/accounts/login/", {**NGINX_HEADERS, "Host": "evil.example.com"})
    assert status == 400


def test_static_files_come_from_whitenoise(server):
    status, headers, body = server.get("/static/css/app.css")
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert body == (ROOT / "static" / "css" / "app.css").read_bytes()
    _, _, page = server.get("/accounts/login/")
    hashed = re.search(rb'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    status, headers, _ = server.get(hashed)
    assert status == 200
    assert "immutable" in headers["cache-control"], "hashed names are cached for good"


def test_media_is_never_served_by_path(server):
    status, _, _ = server.get("/media/exchange/2026/11/export.xlsx")
    assert status == 404


def test_access_log_leaves_out_query_strings(server):
    """Searches carry names: the access log has the path, the client address from nginx, no query."""
    server.get("/accounts/login/?next=/people/%3Fq%3D%D0%95%D0%BB%D0%BA%D0%B8%D0%BD%D0%B0")
    deadline = time.monotonic() + 5
    while "/accounts/login/" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = server.log.read_text()
    lines = [line for line in log.splitlines() if '"GET /accounts/login/ HTTP/1.1" 200' in line]
    assert lines, log
    assert lines[-1].startswith("203.0.113.7 "), lines[-1]
    assert "q%3D" not in log and "next=" not in log and "%D0%95" not in log
