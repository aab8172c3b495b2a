"""A private PostgreSQL cluster for the operations proofs and the replica test: initdb into a directory of
ours, a port of its own, run as the `postgres` OS user when started as root — the shared server on 5432 is
never touched. `standby_of` makes a streaming replica of a running primary (pg_basebackup -R).

Used by loadtest/faults.py (`make faults`) and tests/replica (the read replica's router).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import psycopg2

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"no free port near {preferred}")


class Cluster:
    def __init__(self, directory: Path, port: int, database: str = "postgres") -> None:
        self.dir = directory
        self.data = directory / "pg"
        self.logfile = directory / "pglog" / "postgres.log"
        self.port = port
        self.database = database
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_postgres, *args], check=check, capture_output=True, text=True)

    def _chown(self, path: Path) -> None:
        if self.as_postgres:
            shutil.chown(path, "postgres", "postgres")

    def _fresh_directories(self) -> None:
        self.stop_leftover()
        if self.data.exists():
            shutil.rmtree(self.data)
        for path in (self.data, self.logfile.parent):
            path.mkdir(parents=True, exist_ok=True)
            self._chown(path)
        os.chmod(self.data, 0o700)

    def create(self) -> None:
        self._fresh_directories()
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        )

    def standby_of(self, primary: Cluster) -> None:
        """A copy of the running `primary` that follows it by streaming replication once started (a hot
        standby: it answers reads)."""
        self._fresh_directories()
        self._run(
            str(PG_BIN / "pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data),
            "-R",  # standby.signal and primary_conninfo
            "-X",
            "stream",
            "-c",
            "fast",
        )

    def stop_leftover(self) -> None:
        """A cluster left running by an interrupted run (ours, by its data dir)."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "stop", "-m", "fast", "-w", check=False)

    def options(self) -> str:
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.logfile.parent} "
            "-c max_connections=60 -c shared_buffers=64MB"
        )

    def _pg_ctl(self, action: str, *extra: str) -> None:
        """pg_ctl `action` on this cluster with its options and log, waiting up to a minute."""
        data = ("-D", str(self.data), "-l", str(self.logfile), "-o", self.options())
        self._run(str(PG_BIN / "pg_ctl"), *data, *extra, "-w", "-t", "60", action)

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self, mode: str) -> None:
        self._pg_ctl("restart", "-m", mode)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "stop", "-m", "fast", "-w", "-t", "60", check=False)

    def url(self, db: str | None = None) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db or self.database}"

    def connect(self, db: str | None = None, timeout: float = 2):
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=db or self.database, connect_timeout=timeout
        )

    def query(self, sql: str, params=()):
        with self.connect() as conn, conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
