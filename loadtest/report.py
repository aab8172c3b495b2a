"""The verdict of a load run: a table per page, the totals, a JSON file, and the exit code.

    python loadtest/report.py --samples RUN/samples.json [--server-log RUN/gunicorn.log]
                              [--cpu RUN/cpu.jsonl] [--out results.json] [--latest results-latest.json]
                              [--meta key=value …]

Every request the locustfile recorded is one sample (group, name, role, ms, status, error).
Percentiles are exact (nearest rank over all samples), not locust's rounded buckets. The figures
and the p95 limit cover the steady state: from the moment every user has logged in to the end;
the ramp-up (the logins themselves) is shown apart, and its errors still count.

Exit status 1 when any of these holds (each is printed):
- a server error: HTTP 5xx, or no answer at all (connection refused/reset, timeout), at any time;
- a failed flow: any other failure (a 4xx, a form shown again instead of saved, a file that is
  not XLSX, an export job that failed) — the load would not be doing what it claims;
- a page (group `page`, per page and role) or all pages together with p95 above LOAD_P95_MS (300).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

LOGIN = "вход (POST)"
GROUPS = [
    ("page", "Pages (GET)"),
    ("action", "Form posts and login"),
    ("export", "Exports (files, background job)"),
    ("static", "Static files"),
]


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q of the samples at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def is_server_error(sample: dict) -> bool:
    """HTTP 5xx, or a request that got no answer (status 0). A background job that failed is a
    failed flow (its own row), counted under failures, not here."""
    if sample["method"] == "JOB":
        return False
    return sample["status"] >= 500 or (sample["status"] == 0 and bool(sample["error"]))


def summarise(samples: list[dict]) -> dict:
    ms = [s["ms"] for s in samples]
    return {
        "count": len(samples),
        "p50": round(percentile(ms, 0.50)),
        "p95": round(percentile(ms, 0.95)),
        "p99": round(percentile(ms, 0.99)),
        "max": round(max(ms)) if ms else 0,
        "failures": sum(1 for s in samples if s["error"]),
        "server_errors": sum(1 for s in samples if is_server_error(s)),
    }


def server_log_errors(path: Path | None) -> dict:
    """Tracebacks gunicorn's workers logged: how many, and the distinct final lines."""
    if not path or not path.exists():
        return {"count": 0, "kinds": {}}
    text = path.read_text(encoding="utf-8", errors="replace")
    kinds: Counter[str] = Counter()
    for block in re.split(r"\n(?=Internal Server Error: |\[\d{4}-\d\d-\d\d )", text):
        if "Traceback" not in block:
            continue
        url = re.match(r"Internal Server Error: (\S+)", block)
        last = [line for line in block.strip().splitlines() if line and not line.startswith((" ", "\t"))][-1]
        kinds[f"{url.group(1) if url else '(worker)'} — {last[:200]}"] += 1
    return {"count": sum(kinds.values()), "kinds": dict(kinds.most_common(20))}


def machine_figures(path: Path | None, start: float, end: float, requests: int) -> dict | None:
    """Load average and CPU seconds per kind of process between `start` and `end` (cpusample.py)."""
    if not path or not path.exists():
        return None
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    within = [line for line in lines if start <= line["t"] <= end + 3]
    if not within:
        return None
    loads = [line["load"][0] for line in within]
    before = [line for line in lines if line["t"] <= start]
    base = before[-1]["cpu"] if before else {}
    last: dict[str, list] = {}
    for line in within:
        last.update(line["cpu"])
    by_kind: dict[str, float] = defaultdict(float)
    for pid, (kind, seconds) in last.items():
        by_kind[kind] += seconds - (base.get(pid, [kind, 0.0])[1])
    app = by_kind["web"] + by_kind["database"]
    duration = max(1e-9, end - start)
    busy = within[-1].get("busy", 0) - (before[-1].get("busy", 0) if before else within[0].get("busy", 0))
    others = max(0.0, busy - sum(by_kind.values()))
    per_request_ms = 1000 * app / requests if requests else 0
    return {
        "cpus": os.cpu_count(),
        "load_mean": round(sum(loads) / len(loads), 2),
        "load_max": max(loads),
        "cpu_seconds": {kind: round(v, 1) for kind, v in sorted(by_kind.items())},
        "machine_busy_cpu_per_second": round(busy / duration, 2),
        "other_work_cpu_per_second": round(others / duration, 2),
        "app_cpu_per_second": round(app / duration, 2),
        "app_cpu_ms_per_request": round(per_request_ms, 1),
        "capacity_req_per_s": round((os.cpu_count() or 1) * 1000 / per_request_ms, 1) if per_request_ms else None,
    }


def table(rows: list[dict]) -> str:
    head = f"{'page':<58} {'role':<9} {'count':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6} {'fail':>5} {'5xx':>4}"
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            f"{row['name'][:58]:<58} {row['role'][:9]:<9} {row['count']:>6} {row['p50']:>6} {row['p95']:>6} "
            f"{row['p99']:>6} {row['max']:>6} {row['failures']:>5} {row['server_errors']:>4}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=Path, required=True)
    parser.add_argument("--server-log", type=Path)
    parser.add_argument("--cpu", type=Path, help="cpusample.py's lines: load average and CPU time")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--latest", type=Path)
    parser.add_argument("--p95-ms", type=float, default=float(os.environ.get("LOAD_P95_MS", "300")))
    parser.add_argument("--meta", nargs="*", default=[])
    args = parser.parse_args()

    if not args.samples.exists():
        print(f"FAIL: no samples at {args.samples}: locust did not finish (see locust.log next to it)")
        return 1
    data = json.loads(args.samples.read_text(encoding="utf-8"))
    everything = data["samples"]
    meta = dict(item.split("=", 1) for item in args.meta)
    # The steady state starts once every user has been spawned and has logged in: the ramp-up
    # (20 logins in a few seconds, each hashing a password for ~1 CPU-second) is reported apart.
    logins_end = max((s["t"] + s["ms"] / 1000 for s in everything if s["name"] == LOGIN), default=0)
    steady_from = max(data.get("spawned") or data["started"] or 0, logins_end)
    samples = [s for s in everything if s["t"] >= steady_from]
    ramp = [s for s in everything if s["t"] < steady_from]
    stopped = data["stopped"] or time.time()
    duration = max(1e-9, stopped - steady_from)

    by_row: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for sample in samples:
        by_row[(sample["group"], sample["name"], sample["role"])].append(sample)
    rows = []
    for (group, name, role), items in sorted(by_row.items()):
        rows.append({"group": group, "name": name, "role": role, **summarise(items)})

    groups = {}
    for group, title in GROUPS:
        members = [s for s in samples if s["group"] == group]
        groups[group] = {"title": title, **summarise(members), "per_second": round(len(members) / duration, 2)}
    total = {
        **summarise(samples),
        "per_second": round(len(samples) / duration, 2),
        "duration_s": round(duration, 1),
        "ramp_up_s": round(steady_from - (data["started"] or steady_from), 1),
        "ramp_up_requests": len(ramp),
        "ramp_up_server_errors": sum(1 for s in ramp if is_server_error(s)),
        "ramp_up_failures": sum(1 for s in ramp if s["error"]),
    }
    log_errors = server_log_errors(args.server_log)

    machine = machine_figures(args.cpu, steady_from, stopped, len(samples))

    # --- print -----------------------------------------------------------------------------------
    print(
        f"Ramp-up ({len(ramp)} requests in {steady_from - (data['started'] or steady_from):.0f} s, "
        "not in the figures below): every user logs in through the form"
    )
    ramp_rows = []
    for name in sorted({s["name"] for s in ramp}):
        items = [s for s in ramp if s["name"] == name]
        ramp_rows.append({"group": items[0]["group"], "name": name, "role": "", **summarise(items)})
    print(table(ramp_rows))
    print(f"\nSteady state: {duration:.0f} s, from the last login to the end")
    for group, title in GROUPS:
        members = [row for row in rows if row["group"] == group]
        if not members:
            continue
        g = groups[group]
        print(
            f"\n{title}: {g['count']} requests, {g['per_second']}/s; p50 {g['p50']} / p95 {g['p95']} / "
            f"p99 {g['p99']} ms; failures {g['failures']}, server errors {g['server_errors']}"
        )
        print(table(members))
    print(
        f"\nTotal: {total['count']} requests in {total['duration_s']} s = {total['per_second']} req/s; "
        f"failures {total['failures']}, server errors (5xx or no answer) {total['server_errors']}; "
        f"pages {groups['page']['per_second']} req/s, exports {groups['export']['count']} requests"
    )
    if machine:
        shared = machine["other_work_cpu_per_second"] > 0.2
        print(
            f"Machine: {machine['cpus']} CPUs, busy {machine['machine_busy_cpu_per_second']} CPU-s per second, of "
            f"which other work (not this run's processes) {machine['other_work_cpu_per_second']}"
            + (" — the machine was shared" if shared else "")
            + f"; load average (1 min) mean {machine['load_mean']}, max {machine['load_max']}"
        )
        cpu = machine["cpu_seconds"]
        print(
            "CPU seconds in the steady state: "
            + ", ".join(f"{kind} {v}" for kind, v in cpu.items())
            + f"; the application (web + database) {machine['app_cpu_per_second']} CPU-s per second, "
            f"{machine['app_cpu_ms_per_request']} ms per request → at most ≈ {machine['capacity_req_per_s']} "
            f"requests/s of this mix on {machine['cpus']} cores, counting the CPU alone"
        )
    if log_errors["count"]:
        print(f"Server log: {log_errors['count']} tracebacks")
        for kind, n in log_errors["kinds"].items():
            print(f"  {n:>4} × {kind}")

    # --- verdict ---------------------------------------------------------------------------------
    reasons = []
    server_errors = total["server_errors"] + total["ramp_up_server_errors"]
    if server_errors:
        reasons.append(f"{server_errors} server errors (5xx or no answer)")
    other = total["failures"] + total["ramp_up_failures"] - server_errors
    if other:
        reasons.append(f"{other} failed requests without a server error (4xx, a form refused, not a file)")
    slow = [row for row in rows if row["group"] == "page" and row["p95"] > args.p95_ms]
    for row in slow:
        reasons.append(f"page «{row['name']}» ({row['role']}): p95 {row['p95']} ms > {args.p95_ms:.0f} ms")
    if groups["page"]["p95"] > args.p95_ms:
        reasons.append(f"all pages: p95 {groups['page']['p95']} ms > {args.p95_ms:.0f} ms")
    if not samples:
        reasons.append("no requests were made")
    failures = Counter(f"{s['name']}: {s['error']}" for s in everything if s["error"])
    if failures:
        print("\nFailures (most frequent first):")
        for text, n in failures.most_common(15):
            print(f"  {n:>4} × {text[:220]}")

    result = {
        "written": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "meta": meta,
        "p95_limit_ms": args.p95_ms,
        "think_s": data.get("think"),
        "users": data.get("users"),
        "machine": machine,
        "total": total,
        "groups": groups,
        "rows": rows,
        "ramp_up_rows": ramp_rows,
        "server_log": log_errors,
        "failures": dict(failures.most_common(50)),
        "verdict": "FAIL" if reasons else "PASS",
        "reasons": reasons,
    }
    for path in (args.out, args.latest):
        if path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.out:
        print(f"\nResults: {args.out}")
    if reasons:
        print("\nFAIL:")
        for reason in reasons:
            print(f"  - {reason}")
        return 1
    print(f"\nPASS: no server errors, no failed flows, every page p95 ≤ {args.p95_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
