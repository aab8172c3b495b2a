"""scripts/backup.sh and scripts/restore.sh: the round trip on PostgreSQL, and their refusals.

The round trip is the restore drill of docs/deploy.md: a migrated database with rows in it and some
uploaded files is backed up, restored into a new database and folder, and compared table by table.
It needs PostgreSQL (DATABASE_URL=postgres://…, the user may create databases); on SQLite it is skipped.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.deploy.conftest import ROOT, clean_env, manage, production_env

BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"

# A few rows of every kind, through the project's factories and services (so the audit trail,
# versions and the pair's copied columns are written as the application writes them).
POPULATE = """
from tests import factories as f
dep = f.EducationDepartmentFactory(code="bk", name="Управление образования (проверка копии)")
org = f.OrganisationFactory(department=dep, code="s1", short_name="МБОУ СОШ № 1")
f.methodist(dep, user__username="bk.methodist")
f.curator(org, user__username="bk.curator")
mentor = f.student(org, last_name="Ёлкина", first_name="Дарья", birth_year=2009)
mentees = [f.student(org, last_name=f"Иванов{i}") for i in range(3)]
f.ConsentFactory(person=mentees[0])
f.ProgramFactory(organisation=org)
f.pair(mentor, mentees[:2])
"""

MEDIA = {
    "exchange/2026/11/baza-nastavlyaemyh.xlsx": b"PK\x03\x04 not really a workbook",
    "roadmap/evidence/1/Приказ № 12 о наставничестве.pdf": b"%PDF-1.7 evidence",
}


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def run(command: list, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def snapshot(url: str) -> dict:
    """Every table's row count and a checksum of its rows, and every sequence's position."""
    import psycopg2

    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("""SELECT table_name FROM information_schema.tables
                          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1""")
        tables = [row[0] for row in cursor.fetchall()]
        state = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM public."{table}" t'
            )
            state[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        state["sequences"] = dict(cursor.fetchall())
    connection.close()
    return state


@pytest.fixture
def scratch_databases():
    """Two unique, not yet existing database names on the test server; dropped at the end."""
    import psycopg2

    base = postgres_url()
    if base is None:
        pytest.skip("the backup/restore round trip needs PostgreSQL: run with DATABASE_URL=postgres://…")
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    names = [f"mentoring_deploy_src_{tag}", f"mentoring_deploy_dst_{tag}"]
    yield base, names

    admin = psycopg2.connect(with_database(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.mark.slow
def test_backup_and_restore_round_trip(scratch_databases, tmp_path):
    import psycopg2

    base, (source, target) = scratch_databases
    admin = psycopg2.connect(with_database(base, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{source}"')
    admin.close()
    source_url, target_url = with_database(base, source), with_database(base, target)

    media = tmp_path / "media"
    for relative, content in MEDIA.items():
        (media / relative).parent.mkdir(parents=True, exist_ok=True)
        (media / relative).write_bytes(content)
    env = production_env(DATABASE_URL=source_url, MEDIA_ROOT=str(media))
    manage("migrate", "--noinput", env=env)
    manage("shell", "-c", POPULATE, env=env)
    before = snapshot(source_url)
    assert before["registry_person"][0] == 4 and before["registry_pairmentee"][0] == 2
    assert before["auditlog_logentry"][0] > 0

    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "mentoring-db-20200101-023000.dump"  # a backup past the retention period
    recent = backups / "mentoring-db-20990101-023000.dump"  # within it (by its time, not its name)
    for path, age_days in ((old, 15), (recent, 13)):
        path.write_bytes(b"old")
        stamp = time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))
    result = run(
        [BACKUP],
        clean_env(DATABASE_URL=source_url, MEDIA_ROOT=str(media), BACKUP_DIR=str(backups), BACKUP_KEEP_DAYS="14"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not old.exists() and recent.exists(), "files older than BACKUP_KEEP_DAYS go, younger stay"
    dumps = sorted(set(backups.glob("mentoring-db-*.dump")) - {recent})
    archives = sorted(backups.glob("mentoring-media-*.tar.gz"))
    assert len(dumps) == 1 and len(archives) == 1, sorted(p.name for p in backups.iterdir())
    assert list(backups.glob("mentoring-*.sha256")) and not list(backups.glob("*.partial"))
    assert oct(dumps[0].stat().st_mode & 0o777) == "0o600", "a backup holds personal data"

    restored_media = tmp_path / "restored-media"
    env = clean_env()
    result = run(
        [RESTORE, "--create", "--media", archives[0], "--media-root", restored_media, dumps[0], target_url], env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checksums match" in result.stdout

    after = snapshot(target_url)
    assert after == before
    for relative, content in MEDIA.items():
        assert (restored_media / relative).read_bytes() == content
    # The restored database is the application's: nothing left to migrate.
    manage("migrate", "--check", env=production_env(DATABASE_URL=target_url))

    # Not over a database with tables in it, unless asked to.
    result = run([RESTORE, dumps[0], target_url], env)
    assert result.returncode != 0
    assert "is not empty" in result.stderr and "--force" in result.stderr
    result = run([RESTORE, "--force", dumps[0], target_url], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(target_url) == before


def test_backup_refuses_without_a_postgres_database(tmp_path):
    result = run([BACKUP], clean_env(BACKUP_DIR=str(tmp_path)))
    assert result.returncode != 0 and "DATABASE_URL is not set" in result.stderr
    result = run([BACKUP], clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", BACKUP_DIR=str(tmp_path)))
    assert result.returncode != 0 and "only PostgreSQL" in result.stderr
    assert not list(tmp_path.iterdir()), "nothing is written when the backup cannot be made"


def test_restore_checks_its_arguments_before_touching_a_database(tmp_path):
    if not all(shutil.which(tool) for tool in ("pg_restore", "psql", "createdb")):
        pytest.skip("PostgreSQL's client programs are not installed (apt-get install postgresql-client-15)")
    env = clean_env()
    result = run([RESTORE], env)
    assert result.returncode == 2 and "DUMP TARGET_URL" in result.stderr
    result = run([RESTORE, tmp_path / "missing.dump", "postgres://mentoring@127.0.0.1:1/restored"], env)
    assert result.returncode != 0 and "cannot read the dump" in result.stderr
    not_a_dump = tmp_path / "mentoring-db-20260101-000000.dump"
    not_a_dump.write_text("hello")
    result = run([RESTORE, not_a_dump, "postgres://mentoring@127.0.0.1:1/restored"], env)
    assert result.returncode != 0 and "not a pg_dump custom-format file" in result.stderr
    result = run([RESTORE, not_a_dump, f"sqlite:///{tmp_path}/db.sqlite3"], env)
    assert result.returncode != 0 and "must be a PostgreSQL URL" in result.stderr
