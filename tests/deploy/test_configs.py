"""The example configurations in deploy/: nginx accepts its file, systemd its units, and the numbers in
them agree with each other and with the application's limits."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.deploy.conftest import DEPLOY, ROOT

NGINX_CONF = DEPLOY / "nginx" / "mentoring.conf"
UNITS = DEPLOY / "systemd"


def nginx_size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]


def directive(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, flags=re.MULTILINE)


def test_nginx_accepts_the_configuration(tmp_path):
    """`nginx -t` on deploy/nginx/mentoring.conf inside a minimal http { } block, with a throwaway
    self-signed certificate and logs in a temporary folder (nothing is listened on or started)."""
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light to run this check)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the check")
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=mentoring.example.ru",
            "-keyout",
            tmp_path / "privkey.pem",
            "-out",
            tmp_path / "fullchain.pem",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    conf = NGINX_CONF.read_text(encoding="utf-8")
    conf = conf.replace("/etc/ssl/mentoring/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "mentoring.conf").write_text(conf, encoding="utf-8")
    temp_paths = "\n".join(
        f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n{temp_paths}\n"
        f"    include {tmp_path}/mentoring.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "[warn]" not in result.stderr, result.stderr


def test_nginx_accepts_the_largest_upload_and_serves_no_files_itself():
    from exchange.reading import MAX_UPLOAD_BYTES
    from roadmap.models import EVIDENCE_MAX_BYTES

    conf = NGINX_CONF.read_text(encoding="utf-8")
    (limit,) = directive(conf, "client_max_body_size")
    assert nginx_size(limit) >= max(MAX_UPLOAD_BYTES, EVIDENCE_MAX_BYTES) + 2**20, "room for the form around the file"
    assert nginx_size(limit) <= 2 * max(MAX_UPLOAD_BYTES, EVIDENCE_MAX_BYTES), "no much bigger than any upload"
    # Media only through the application's views: no alias, and root only for the ACME challenge.
    assert not directive(conf, "alias")
    assert directive(conf, "root") == ["/var/www/letsencrypt"]
    assert re.search(r"location \^~ /media/ \{\s*return 404;", conf)
    assert "gzip off;" in conf


def test_nginx_waits_longer_than_gunicorn_and_the_socket_paths_agree():
    conf = NGINX_CONF.read_text(encoding="utf-8")
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    timeout = int(re.search(r'"GUNICORN_TIMEOUT", (\d+)', gunicorn).group(1))
    (read_timeout,) = directive(conf, "proxy_read_timeout")
    assert int(read_timeout.rstrip("s")) > timeout
    socket_unit = (UNITS / "mentoring-web.socket").read_text(encoding="utf-8")
    (listen,) = re.findall(r"^ListenStream=(.+)$", socket_unit, flags=re.MULTILINE)
    assert f"server unix:{listen} " in conf
    assert f'"unix:{listen}"' in gunicorn
    assert "SocketUser=www-data" in socket_unit and "SocketMode=0600" in socket_unit


def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` on the units, with the install folder pointed at this checkout."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8").replace("/srv/mentoring", str(ROOT))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    units = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if line.strip() and "mentoring" in line]
    assert not complaints, "\n".join(complaints)


def test_units_are_hardened_and_run_as_the_service_user():
    services = sorted(UNITS.glob("*.service"))
    assert {path.name for path in services} == {
        "mentoring-web.service",
        "mentoring-worker.service",
        "mentoring-reminders.service",
        "mentoring-backup.service",
        "mentoring-housekeeping.service",
    }
    for path in services:
        text = path.read_text(encoding="utf-8")
        for line in (
            "User=mentoring",
            "EnvironmentFile=/etc/mentoring/mentoring.env",
            "ProtectSystem=strict",
            "PrivateTmp=yes",
            "NoNewPrivileges=yes",
        ):
            assert f"\n{line}\n" in text, f"{path.name}: {line}"
        assert "\nReadWritePaths=" in text, path.name
    for timer in ("mentoring-reminders", "mentoring-backup", "mentoring-housekeeping"):
        assert (UNITS / f"{timer}.timer").exists()
    worker = (UNITS / "mentoring-worker.service").read_text(encoding="utf-8")
    assert "manage.py db_worker" in worker and "\nRestart=always\n" in worker
    # Background jobs yield the CPU to pages, and the load test runs the worker the same way.
    assert "\nNice=10\n" in worker
    assert 'nice -n 10 "$PY" manage.py db_worker' in (ROOT / "scripts" / "loadtest.sh").read_text(encoding="utf-8")
