"""Sample, every 2 s until stopped, the machine's load average and the CPU time of the processes of
a load run: gunicorn's workers, the task worker, the PostgreSQL backends of the run's database and
the load generator. On a machine shared with other work, this says how much CPU the application
itself spent per request, whatever the others did.

    python loadtest/cpusample.py --out RUN/cpu.jsonl --gunicorn PID --worker PID --locust PID --db NAME

One JSON line per sample: {"t": epoch, "load": [1, 5, 15 min], "busy": CPU seconds the whole machine
has been busy since boot, "cpu": {"pid": [kind, seconds]}}.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used so far: user + system)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def processes(gunicorn: int, worker: int, locust: int, db: str) -> dict[int, str]:
    found = {gunicorn: "web", worker: "task worker", locust: "load generator"}
    title = f" {db} "
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        info = stat(pid)
        if info is None:
            continue
        if info[0] in (gunicorn, locust):  # gunicorn's workers; locust's own children, if any
            found[pid] = found[info[0]]
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if cmdline.startswith("postgres: ") and title in cmdline:
            found[pid] = "database"
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--gunicorn", type=int, required=True)
    parser.add_argument("--worker", type=int, required=True)
    parser.add_argument("--locust", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--every", type=float, default=2.0)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with args.out.open("a") as out:
        while True:
            cpu = {}
            for pid, kind in processes(args.gunicorn, args.worker, args.locust, args.db).items():
                info = stat(pid)
                if info is not None:
                    cpu[str(pid)] = [kind, round(info[1], 2)]
            load = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
            # The whole machine's busy time (all CPUs): user, nice, system, irq, softirq, steal.
            ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            busy = (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]) / TICK
            out.write(json.dumps({"t": round(time.time(), 2), "load": load, "busy": round(busy, 2), "cpu": cpu}) + "\n")
            out.flush()
            time.sleep(args.every)


if __name__ == "__main__":
    main()
