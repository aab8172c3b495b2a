"""The read replica (common/replica.py) against PostgreSQL's own streaming replication.

A private primary (a copy of this run's test database, migrations and reference data included) and a hot
standby made from it by pg_basebackup, each on a port of its own in var/ (loadtest/pgcluster.py, as
`make faults` makes its cluster); tests/replica/scenario.py then runs against the pair in a process of its
own, with DATABASE_REPLICA_URL set, and this test judges what it saw. PostgreSQL only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "loadtest"))

from pgcluster import PG_BIN, Cluster, free_port  # noqa: E402

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="streaming replication is PostgreSQL's: on SQLite there is no replica to read",
    ),
    pytest.mark.django_db,  # the test database exists, to be copied (only committed rows are)
]


@pytest.fixture
def primary_and_replica(db):
    if not (PG_BIN / "pg_basebackup").exists():
        pytest.fail(f"PostgreSQL's server programs are not in {PG_BIN} (scripts/system-deps.sh installs them)")
    where = ROOT / "var" / "replica-test" / str(os.getpid())
    primary = Cluster(where / "primary", free_port(54400 + os.getpid() % 50), database="mentoring")
    standby = Cluster(where / "replica", free_port(54460 + os.getpid() % 50), database="mentoring")
    test_database = connections["default"].settings_dict
    try:
        primary.create()
        primary.start()
        conn = primary.connect("postgres")
        conn.autocommit = True
        conn.cursor().execute("CREATE DATABASE mentoring")
        conn.close()
        dump = subprocess.run(
            [
                "pg_dump",
                "-h",
                test_database["HOST"] or "127.0.0.1",
                "-p",
                str(test_database["PORT"] or 5432),
                "-U",
                test_database["USER"] or "postgres",
                "--no-owner",
                test_database["NAME"],
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", primary.url()], input=dump.stdout, check=True, capture_output=True
        )
        standby.standby_of(primary)
        standby.start()
        yield primary, standby
    finally:
        standby.stop()
        primary.stop()
        shutil.rmtree(where, ignore_errors=True)


def test_heavy_pages_read_the_replica_and_a_page_after_a_write_reads_the_write(primary_and_replica):
    primary, standby = primary_and_replica
    env = {
        **os.environ,
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": standby.url(),
        "CONN_MAX_AGE": "0",
    }
    run = subprocess.run(
        [sys.executable, "-m", "tests.replica.scenario"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    assert seen["caught_up_at_start"]
    assert seen["caught_up"]["status"] == 200 and seen["caught_up"]["replica"] > 0, seen
    assert seen["caught_up"]["shows_first"]
    assert seen["export"]["status"] == 200 and seen["export"]["replica"] > 0, seen
    assert seen["export_job"]["status"] == "done" and seen["export_job"]["replica"] > 0, seen

    # replay paused, the methodist renames a mentor: the replica lacks the name, their next page reads the
    # primary and shows it; another session reads the replica's copy as it stood
    assert seen["rename"] == {"status": 302, "cookie": True}, seen
    assert seen["replica_has_rename"] is False
    after = seen["after_write"]
    assert after["status"] == 200 and after["replay_checks"] == 1 and after["replica"] == 0, seen
    assert after["shows_rename"]
    assert seen["someone_else"]["replica"] > 0 and seen["someone_else"]["shows_old_name"], seen

    # replay resumed: the replica again, with the new name
    assert seen["caught_up_after_resume"]
    assert seen["replayed"]["replica"] > 0 and seen["replayed"]["shows_rename"], seen

    # a unit of work that wrote reads the primary from then on
    assert seen["block_uses_replica"] is True
    assert seen["read_before_write"] == "replica" and seen["read_after_write"] == "default"
    assert seen["reads_own_write"]
