"""Nothing lost, nothing twice: the server killed, then the database restarted, mid-burst (#8).

Starts uptake under gunicorn as in production (DEBUG=false, bound to 127.0.0.1 on a free
port) on a database of its own (PostgreSQL ``uptake_bench_killtest``, created and dropped
here; or a SQLite file in /tmp with ``--db sqlite``), loads a campaign of a few hundred units
with one reporter and API token each, and sends every unit's report from concurrent clients.
Each client retries its report with the same ``Idempotency-Key`` on a connection error, a 5xx
(503 while the database is away) or a 429, with a growing pause, as a phone does.

1. **server killed**: when a third of the reports have been sent, gunicorn (master and
   workers) gets SIGKILL, in the middle of requests; it is started again on the same port
   and the clients finish their retries.
2. **database restarted** (PostgreSQL only): a second day's reports; mid-burst the cluster is
   restarted (``pg_ctlcluster ... restart``) and waited for; the clients retry through it.

After each, the database is checked: every unit has exactly one report of the day, with one
revision and one audit entry. Prints what was sent, stored, lost and duplicated, and the time.

    .venv/bin/python bench/killtest.py                 # PostgreSQL (uptake_bench_killtest)
    .venv/bin/python bench/killtest.py --db sqlite     # SQLite: the database phase is skipped

Loopback only; bounded by ``--max-seconds`` per phase. Never part of `make test`. The database
restart stops every connection to the local PostgreSQL for a few seconds: do not run it while
a test suite runs against the same server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

RETRY = {429, 500, 502, 503, 504}


@dataclass
class Tally:
    """What the clients saw."""

    units: int = 0
    requests: int = 0
    stored: int = 0  # 201 answers
    replayed: int = 0  # of which the first answer again (Idempotent-Replayed)
    connection_errors: int = 0
    statuses: dict = field(default_factory=dict)
    gave_up: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # 4xx other than 429: a bug of the test
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, what, n: int = 1) -> None:
        with self.lock:
            self.statuses[what] = self.statuses.get(what, 0) + n


def send_all(port: int, reports: list[tuple[str, dict]], clients: int, tally: Tally, deadline):
    """Each client takes a report and sends it until it is answered 201 (or time runs out)."""
    todo = list(reports)
    lock = threading.Lock()

    def client():
        while True:
            with lock:
                if not todo:
                    return
                token, payload = todo.pop()
            key = str(uuid.uuid4())  # one key per report, kept through every retry
            body = json.dumps(payload)
            headers = {
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
                "Content-Type": "application/json",
                "X-Forwarded-Proto": "https",  # as behind the production proxy
            }
            pause = 0.1
            while True:
                if time.monotonic() > deadline:
                    with tally.lock:
                        tally.gave_up.append(payload["unit"])
                    break
                with tally.lock:
                    tally.requests += 1
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                    conn.request("POST", "/api/v1/reports", body, headers)
                    response = conn.getresponse()
                    answer = response.read()
                    status = response.status
                    replayed = response.getheader("Idempotent-Replayed") == "true"
                    conn.close()
                except (OSError, http.client.HTTPException):
                    tally.count("connection error")
                    with tally.lock:
                        tally.connection_errors += 1
                    time.sleep(pause)
                    pause = min(pause * 2, 2.0)
                    continue
                tally.count(status)
                if status == 201:
                    with tally.lock:
                        tally.stored += 1
                        tally.replayed += replayed
                    break
                if status in RETRY:
                    time.sleep(pause)
                    pause = min(pause * 2, 2.0)
                    continue
                with tally.lock:
                    tally.refused.append(f"{payload['unit']}: {status} {answer[:200]!r}")
                break

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def check(campaign, day, codes: list[str]) -> dict[str, int]:
    """In the database: reports of ``day`` stored, lost and duplicated."""
    from django.db import connections
    from django.db.models import Count

    from uptake.api.models import IdempotencyKey
    from uptake.audit.models import AuditEntry
    from uptake.reports.models import Report

    connections.close_all()  # this process's connection may predate a database restart
    reports = Report.objects.filter(campaign=campaign, date=day, unit__code__in=codes)
    per_unit = reports.annotate(n=Count("revisions"))
    pks = [str(pk) for pk in reports.values_list("pk", flat=True)]
    audits = AuditEntry.objects.filter(object_type="report", object_id__in=pks).count()
    stored = reports.count()
    return {
        "stored": stored,
        "lost": len(codes) - stored,
        "duplicated": sum(r.n - 1 for r in per_unit) + (audits - stored if audits > stored else 0),
        "revisions": sum(r.n for r in per_unit),
        "keys": IdempotencyKey.objects.filter(path="/api/v1/reports").count(),
    }


def report_line(name: str, tally: Tally, result: dict, seconds: float, extra: str) -> None:
    other = {k: v for k, v in tally.statuses.items() if k != 201}
    print(f"-- {name}: {extra}")
    print(
        f"   sent {tally.units} reports in {tally.requests} requests "
        f"({tally.connection_errors} connection errors, other answers {other or 'none'})"
    )
    print(
        f"   answered 201: {tally.stored} (of which {tally.replayed} replayed first answers); "
        f"gave up: {len(tally.gave_up)}; refused: {len(tally.refused)}"
    )
    print(
        f"   in the database: stored {result['stored']}, lost {result['lost']}, "
        f"duplicated {result['duplicated']} (revisions {result['revisions']}, "
        f"idempotency keys {result['keys']}); {seconds:.1f} s"
    )
    ok = result["lost"] == 0 and result["duplicated"] == 0 and result["stored"] == tally.units
    print(f"   every report stored exactly once: {_common.verdict(ok)}")
    for line in tally.refused[:3]:
        print(f"   refused: {line}")


def campaign_file(today, units: int) -> dict:
    communes = [
        {
            "code": f"KT-{i:03d}",
            "name": f"Xã Thử Nghiệm {i}",
            "kind": "commune",
            "reports": ["staff", "residents"],
        }
        for i in range(1, units)
    ]
    return {
        "slug": "killtest",
        "app": "Bluezone",
        "title": "Kiểm tra: máy chủ bị tắt giữa chừng",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": today - timedelta(days=3),
        "target_date": today + timedelta(days=3),
        "end": today + timedelta(days=3),
        "report_due": "23:59",
        "compile_at": "23:59",
        "coordinator": "KT-VHTT",
        "groups": {
            "staff": {"name": "Cán bộ", "target_percent": 100},
            "residents": {"name": "Người dân", "target_percent": 60},
        },
        "units": [
            {
                "code": "KT",
                "name": "Huyện Thử Nghiệm",
                "kind": "district",
                "units": [
                    {
                        "code": "KT-VHTT",
                        "name": "Phòng Văn hóa và Thông tin",
                        "kind": "office",
                        "reports": ["staff"],
                    },
                    *communes,
                ],
            }
        ],
    }


def payloads(participations, tokens, day, seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    out = []
    for p in participations:
        figures = {"staff": {"with_smartphone": (w := rng.randint(10, 60)), "installed": w // 2}}
        if "residents" in p.groups:
            w = rng.randint(1000, 9000)
            figures["residents"] = {"with_smartphone": w, "installed": rng.randint(0, w // 2)}
        payload = {
            "campaign": "killtest",
            "unit": p.unit.code,
            "date": day.isoformat(),
            "figures": figures,
            "note": "kill test",
        }
        out.append((tokens[p.unit.code], payload))
    rng.shuffle(out)
    return out


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def postgres_is_up() -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{_common.PG_SERVER}/postgres", connect_timeout=2) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def restart_postgres() -> float:
    """Restart the local cluster and wait until it answers again; the seconds it took."""
    started = time.monotonic()
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    subprocess.run(command, check=False, capture_output=True, timeout=120)
    if not wait_for(postgres_is_up, 60):
        start = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
        subprocess.run(start, check=False, capture_output=True, timeout=120)
        if not wait_for(postgres_is_up, 60):
            raise RuntimeError("PostgreSQL did not come back after its restart")
    return time.monotonic() - started


def phase(name, server_port, reports, args, fault, done_fraction=1 / 3):
    """Send ``reports``; when ``done_fraction`` of them have been sent, run ``fault()``."""
    tally = Tally(units=len(reports))
    started = time.monotonic()
    deadline = started + args.max_seconds
    threads = send_all(server_port, reports, args.clients, tally, deadline)
    wait_for(lambda: tally.requests >= len(reports) * done_fraction, args.max_seconds)
    what = fault()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + 5)
    return tally, time.monotonic() - started, what


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--units", type=int, default=300, help="reporting units (300)")
    parser.add_argument("--clients", type=int, default=24, help="concurrent clients (24)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (3)")
    parser.add_argument("--max-seconds", type=float, default=180, help="per phase (180)")
    args = parser.parse_args()

    started = time.monotonic()
    log = Path(tempfile.gettempdir()) / "uptake-killtest-gunicorn.log"
    log.unlink(missing_ok=True)
    with _common.BenchDatabase(args.db, "killtest") as db:
        from burst import unit_tokens

        from uptake.campaigns.loader import load_campaign

        today = _common.campaign_today()
        campaign, _stats = load_campaign(campaign_file(today, args.units))
        participations = list(campaign.participations.select_related("unit"))
        tokens = unit_tokens([p.unit for p in participations])
        codes = [p.unit.code for p in participations]
        _common.print_facts(
            f"killtest: {len(codes)} units, {args.clients} clients, gunicorn {args.workers} x "
            f"gthread 4, {args.db}"
        )
        server = _common.Gunicorn(db, log, workers=args.workers, timeout=30)
        port = server.port
        server.start()
        try:
            # 1. The server is killed with SIGKILL mid-burst, then started again.
            def kill_and_restart() -> str:
                at = time.monotonic()
                server.kill()
                time.sleep(0.5)  # the clients meet a closed port meanwhile
                server.start()
                return f"gunicorn killed (SIGKILL) mid-burst, back in {time.monotonic() - at:.1f} s"

            reports = payloads(participations, tokens, today, seed=1)
            tally, seconds, what = phase("server", port, reports, args, kill_and_restart)
            report_line("server killed", tally, check(campaign, today, codes), seconds, what)

            # 2. The database is restarted mid-burst.
            day = today - timedelta(days=1)
            if args.db == "postgres":

                def restart() -> str:
                    took = restart_postgres()
                    return f"PostgreSQL restarted mid-burst, answering again after {took:.1f} s"

                reports = payloads(participations, tokens, day, seed=2)
                tally, seconds, what = phase("database", port, reports, args, restart)
                report_line("database restarted", tally, check(campaign, day, codes), seconds, what)
            else:
                print(
                    "-- database restarted: skipped on SQLite (the database is a file in the "
                    "server's own processes: killing the server above is its restart)"
                )
        finally:
            server.stop()
    if log.exists() and log.stat().st_size:
        print(f"   (gunicorn's errors: {log})")
    print(f"   (the kill test ran in {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
