"""15:00 in the whole country: every unit sends its report at once, through the API (#7).

Starts the app under gunicorn as in production (DEBUG=false, 2 x cores + 1 workers, bound to
127.0.0.1 on a free port) with the nation loaded (bench/make_nation.py) and one API token per
unit, then submits one report for every unit (about 19,000) through POST /api/v1/reports
from many concurrent clients (asyncio + aiohttp, one connection and one token each), in a
random order. Then checks in the database that every report is stored exactly once.

As on the 7th day of a real campaign, the units' reports of the six days before are in the
database (make_nation.fill_history, about 115,000) and each unit sends figures a little above
its latest ones (a lower figure needs a note and would be refused).

In the same run it measures two FLOORS, served by gunicorn the same way, on the next day
(their rows deleted after each phase): #7's (bench/floor.py: the product's middleware, the
ORM's INSERT, no checks) and #20's stricter one (bench/floor_bare.py: no middleware, no ORM
model, parse the body, one INSERT on the kept connection). The three servers run side by
side, each warmed first (a burst of --warm reports, then deleted), and the phases alternate
(bare floor, #7 floor, uptake) for --rounds rounds, so that floors and product see the same
load; between rounds the day's reports, revisions and audit entries are deleted and the
tokens' last use forgotten, so that each round does a 15:00's work. Prints reports/s, p50
and p99 latency, errors, lost and duplicated reports (and revisions, audit entries) for each
phase, the load average beside each, and uptake's throughput as a share of each floor's.

    .venv/bin/python bench/burst.py                    # PostgreSQL (uptake_bench_burst)
    .venv/bin/python bench/burst.py --db sqlite        # SQLite (a file in /tmp)
    .venv/bin/python bench/burst.py --units 2000       # a quick run on the first 2,000 units
    .venv/bin/python bench/burst.py --units 2000 --rounds 3   # #20's figure: three rounds

Only loopback traffic; every run stops by itself (``--max-seconds`` per phase).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
from make_nation import fill_history, nation_file  # noqa: E402


@dataclass
class Run:
    label: str
    sent: int = 0
    statuses: dict[int | str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    finished: list[float] = field(default_factory=list)  # when each answer came, from the start
    seconds: float = 0.0
    samples: list[str] = field(default_factory=list)  # a few error bodies
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    cpu: str = ""  # where the machine's CPU went (_common.CpuShares)

    @property
    def ok(self) -> int:
        return self.statuses.get(201, 0)

    @property
    def errors(self) -> int:
        return self.sent - self.ok

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def pace(self, parts: int = 5) -> list[float]:
        """Answers a second in each fifth of the run: a pace that falls shows a cost that grows
        with the number of rows stored."""
        width = self.seconds / parts
        counts = [0] * parts
        for at in self.finished:
            counts[min(parts - 1, int(at / width))] += 1
        return [n / width for n in counts]

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def _burst(run: Run, url: str, payloads: list[tuple[str, dict]], args) -> None:
    import aiohttp

    queue: asyncio.Queue = asyncio.Queue()
    for item in payloads:
        queue.put_nowait(item)
    deadline = time.monotonic() + args.max_seconds

    async def client() -> None:
        # As behind the production proxy, which speaks HTTPS to the phones.
        headers = {"X-Forwarded-Proto": "https"}
        timeout = aiohttp.ClientTimeout(total=30)
        # A new connection per request, as an HTTP proxy in front of gunicorn opens by default
        # (nginx's proxy_pass): gunicorn's workers then share the requests. Kept alive, each
        # connection stays with the worker that accepted it.
        connector = aiohttp.TCPConnector(limit=1, force_close=not args.keep_alive)
        async with aiohttp.ClientSession(
            headers=headers, timeout=timeout, connector=connector
        ) as session:
            while time.monotonic() < deadline:
                try:
                    token, payload = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                request_headers = {"Authorization": f"Bearer {token}"}
                if args.idempotency_key:
                    request_headers["Idempotency-Key"] = str(uuid.uuid4())
                run.sent += 1
                start = time.perf_counter()
                try:
                    async with session.post(url, json=payload, headers=request_headers) as response:
                        body = await response.read()
                        status: int | str = response.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status, body = type(exc).__name__, b""
                run.latencies.append(time.perf_counter() - start)
                run.finished.append(time.perf_counter() - began)
                run.statuses[status] = run.statuses.get(status, 0) + 1
                if status != 201 and len(run.samples) < 3:
                    run.samples.append(f"{status}: {body[:300].decode(errors='replace')}")

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(args.clients)))
    run.seconds = time.perf_counter() - began


async def _warm_up(base: str, token: str, n: int) -> None:
    """A few reads, so that every worker has imported its code and opened its connection."""
    import aiohttp

    headers = {"Authorization": f"Bearer {token}", "X-Forwarded-Proto": "https"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def one():
            async with session.get(f"{base}/api/v1/campaigns") as response:
                await response.read()

        await asyncio.gather(*(one() for _ in range(n)))


def gunicorn(db, log: Path, args, settings: str) -> _common.Gunicorn:
    return _common.Gunicorn(
        db,
        log,
        settings=settings,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        # The README's production set-up: each thread keeps its connection for 60 s.
        env={"DB_CONN_MAX_AGE": str(args.conn_max_age)},
    )


def burst(label: str, server: _common.Gunicorn, path: str, payloads, args) -> Run:
    run = Run(label)
    before = os.getloadavg()[0]
    shares = _common.CpuShares(server.proc.pid)  # gunicorn leads its own session
    asyncio.run(_burst(run, server.url + path, payloads, args))
    run.cpu = shares.per(run.sent)
    run.load = (before, os.getloadavg()[0])
    return run


def warm(server: _common.Gunicorn, path: str, payloads, args) -> None:
    """Every worker's code imported, every thread's connection opened and its statements
    prepared (PostgreSQL prepares a statement on its second run): a short burst, whose rows
    the caller deletes."""
    asyncio.run(_warm_up(server.url, payloads[-1][0], 4 * args.workers))
    if args.warm:
        asyncio.run(_burst(Run("warm"), server.url + path, payloads[: args.warm], args))


def forget(campaign, day) -> None:
    """Delete ``day``'s reports with their revisions and audit entries, and forget when each
    token was last used (a phone's first call of the day records it): the next phase does a
    15:00's whole work again."""
    from django.db import connection

    from uptake.accounts.models import ApiToken
    from uptake.audit.models import AuditEntry
    from uptake.reports.models import Report, Revision

    reports = Report.objects.filter(campaign=campaign, date=day)
    ids = [str(pk) for pk in reports.values_list("pk", flat=True)]
    for start in range(0, len(ids), 5000):
        AuditEntry.objects.filter(
            object_type="report", object_id__in=ids[start : start + 5000]
        ).delete()
    Revision.objects.filter(report__campaign=campaign, report__date=day).delete()
    reports.delete()
    ApiToken.objects.update(last_used_at=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def dated(payloads: list[tuple[str, dict]], day) -> list[tuple[str, dict]]:
    return [(token, {**payload, "date": day.isoformat()}) for token, payload in payloads]


def unit_tokens(units) -> dict[str, str]:
    """A reporter and an API token for each unit, as in the field (one phone, one token):
    written in bulk, as ``ApiToken.issue`` and ``adduser`` would make them."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from uptake.accounts.models import ApiToken, Profile, Role

    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"r-{unit.code}", password=make_password(None)) for unit in units],
        batch_size=1000,
    )
    profiles = Profile.objects.bulk_create(
        [Profile(user=user, role=Role.REPORTER) for user in users], batch_size=1000
    )
    Profile.units.through.objects.bulk_create(
        [
            Profile.units.through(profile_id=profile.pk, unit_id=unit.pk)
            for profile, unit in zip(profiles, units, strict=True)
        ],
        batch_size=1000,
    )
    tokens, rows = {}, []
    for user, unit in zip(users, units, strict=True):
        token = "upt_" + secrets.token_urlsafe(32)
        tokens[unit.code] = token
        rows.append(ApiToken(user=user, prefix=token[4:12], key_hash=ApiToken.hash(token)))
    ApiToken.objects.bulk_create(rows, batch_size=1000)
    return tokens


def latest_figures(campaign) -> dict[int, dict]:
    """Each unit's figures in its latest report (a unit may have missed every day)."""
    from uptake.reports.models import Report

    latest = {}
    for unit_id, figures in (
        Report.objects.filter(campaign=campaign).order_by("date").values_list("unit_id", "figures")
    ):
        latest[unit_id] = figures
    return latest


def raised(figures: dict, rng: random.Random) -> dict:
    """The day's figures: as many phones, up to 3% more of them with the app installed."""
    return {
        key: {
            "with_smartphone": group["with_smartphone"],
            "installed": min(
                group["with_smartphone"],
                group["installed"] + rng.randint(0, max(1, group["with_smartphone"] // 33)),
            ),
        }
        for key, group in figures.items()
    }


def fresh(participation, rng: random.Random) -> dict:
    """First figures, for a unit with no report yet."""
    staff = rng.randint(10, 60)
    figures = {"staff": {"with_smartphone": staff, "installed": rng.randint(0, staff)}}
    if "residents" in participation.groups:
        residents = rng.randint(1000, 15000)
        figures["residents"] = {"with_smartphone": residents, "installed": rng.randint(0, 500)}
    return figures


def stored(campaign, day, units: int) -> dict[str, int]:
    """Reports of ``day`` in the database: stored, lost (no report) and duplicated (extra
    revisions of one unit's report)."""
    from django.db.models import Count

    from uptake.audit.models import AuditEntry
    from uptake.reports.models import Report, Revision

    reports = Report.objects.filter(campaign=campaign, date=day)
    n = reports.count()
    ids = [str(pk) for pk in reports.values_list("pk", flat=True)]
    audited = sum(
        AuditEntry.objects.filter(
            object_type="report", action="report.submit", object_id__in=ids[start : start + 5000]
        ).count()
        for start in range(0, len(ids), 5000)
    )
    distinct = reports.values("unit").distinct().count()
    revisions = Revision.objects.filter(report__campaign=campaign, report__date=day).count()
    beyond_first = reports.filter(revision__gt=1).count()
    per_report = (
        Revision.objects.filter(report__campaign=campaign, report__date=day)
        .values("report")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "stored": n,
        "lost": units - distinct,
        "duplicated": (n - distinct) + beyond_first + per_report,
        "revisions": revisions,
        "audited": audited,
    }


def show(run: Run, check: dict[str, int], units: int) -> None:
    p50, p99 = run.percentile(50), run.percentile(99)
    print(
        f"   {run.label}: {run.ok:,}/{units:,} stored in {run.seconds:.1f} s = {run.rate:,.0f}"
        f" reports/s; latency p50 {p50:,.0f} ms, p99 {p99:,.0f} ms; errors {run.errors:,};"
        f" lost {check['lost']:,}, duplicated {check['duplicated']:,}"
        f" [load {run.load[0]:.2f} -> {run.load[1]:.2f}]"
    )
    pace = ", ".join(f"{rate:,.0f}" for rate in run.pace())
    print(f"   {run.label}: answers/s by fifth of the run: {pace}")
    print(f"   {run.label}: {run.cpu}")
    if run.sent < units:
        print(f"   {run.label}: stopped at --max-seconds with {units - run.sent:,} unsent")
    if run.errors:
        print(f"   {run.label}: statuses {run.statuses}; e.g. {run.samples}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    cores = os.cpu_count() or 1
    parser.add_argument(
        "--workers", type=int, default=2 * cores + 1, help="gunicorn workers (2 x cores + 1)"
    )
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=["sync", "gthread"],
        help="gthread (default: measured faster than sync, see README)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (4)")
    parser.add_argument("--units", type=int, help="only the first N units (a quick run)")
    parser.add_argument("--max-seconds", type=float, default=240, help="per phase (240)")
    parser.add_argument("--no-floor", action="store_true", help="skip both floors")
    parser.add_argument(
        "--floors",
        default="bare,django",
        help="which floors: bare (#20: no middleware, one INSERT), django (#7), or both (default)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds (1)")
    parser.add_argument(
        "--warm", type=int, default=400, help="reports sent (then deleted) to warm a server (400)"
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DB_CONN_MAX_AGE of the servers (60)"
    )
    parser.add_argument(
        "--compare",
        metavar="SETTINGS",
        help="a settings module (on PYTHONPATH) served as a second uptake, in the same rounds:"
        " an A/B of a change (e.g. the MIDDLEWARE before #20)",
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="keep each client's connection open between its requests",
    )
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="PostgreSQL: synchronous_commit=off for the bench database (see README's tradeoff)",
    )
    parser.add_argument(
        "--idempotency-key",
        action="store_true",
        help="send an Idempotency-Key with each report, as a retrying phone does",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    log = Path(tempfile.gettempdir()) / "uptake-bench-burst-gunicorn.log"
    log.unlink(missing_ok=True)
    with _common.BenchDatabase(args.db, "burst") as db:
        from uptake.campaigns.loader import load_campaign

        today = _common.campaign_today()
        campaign, _stats = load_campaign(nation_file(today - timedelta(days=6), 7))
        history = fill_history(campaign, 6)
        participations = list(campaign.participations.select_related("unit").order_by("unit__path"))
        if args.units:
            participations = participations[: args.units]
        tokens = unit_tokens([p.unit for p in participations])
        rng = random.Random(15)
        latest = latest_figures(campaign)
        payloads = []
        for p in participations:
            figures = raised(latest[p.unit_id], rng) if p.unit_id in latest else fresh(p, rng)
            payload = {"campaign": campaign.slug, "unit": p.unit.code, "figures": figures}
            payloads.append((tokens[p.unit.code], payload))
        rng.shuffle(payloads)
        units = len(payloads)
        db.vacuum()
        if args.async_commit and args.db == "postgres":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f'ALTER DATABASE "{db.name}" SET synchronous_commit = off')

        threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
        _common.print_facts(
            f"burst: {units:,} units ({history:,} reports of 6 days before),"
            f" {args.clients} clients, gunicorn {args.workers} x {args.worker_class}{threads},"
            f" {args.db}" + (", synchronous_commit=off" if args.async_commit else "")
        )
        floors = [] if args.no_floor else [f.strip() for f in args.floors.split(",") if f]
        servers = {
            "bare floor": ("floor_bare_settings", "/bench/floor/bare"),
            "#7 floor": ("floor_settings", "/bench/floor/reports"),
            "uptake": ("uptake.settings", "/api/v1/reports"),
        }
        if args.compare:
            servers[f"uptake ({args.compare})"] = (args.compare, "/api/v1/reports")
        phases = [
            label
            for label in servers
            if label.startswith("uptake")
            or {"bare floor": "bare", "#7 floor": "django"}[label] in floors
        ]
        floor_day = today + timedelta(days=1)
        results: dict[str, list[Run]] = {label: [] for label in phases}
        checks: list[dict[str, int]] = []
        with contextlib.ExitStack() as stack:
            running = {
                label: stack.enter_context(gunicorn(db, log, args, servers[label][0]))
                for label in phases
            }
            for label in phases:
                day = today if label.startswith("uptake") else floor_day
                warm(running[label], servers[label][1], dated(payloads, day), args)
                forget(campaign, day)
            for n in range(1, args.rounds + 1):
                print(f"-- round {n} of {args.rounds}")
                for label in phases:
                    day = today if label.startswith("uptake") else floor_day
                    run = burst(
                        label, running[label], servers[label][1], dated(payloads, day), args
                    )
                    check = stored(campaign, day, units)
                    show(run, check, units)
                    results[label].append(run)
                    if label.startswith("uptake"):
                        checks.append(check)
                        if (
                            check["audited"] != check["stored"]
                            or check["revisions"] != check["stored"]
                        ):
                            print(
                                f"   uptake: {check['revisions']:,} revisions and"
                                f" {check['audited']:,} audit entries for"
                                f" {check['stored']:,} reports"
                            )
                    forget(campaign, day)
                for ours_label in [label for label in phases if label.startswith("uptake")]:
                    for label in phases:
                        if not label.startswith("uptake") and results[label][-1].rate:
                            share = results[ours_label][-1].rate / results[label][-1].rate
                            print(f"   {ours_label} / {label}: {share:.0%}")

        ours = results["uptake"]
        print("-- summary (each round: uptake's reports/s over the floor's, in the same round)")
        for label in phases:
            rates = ", ".join(f"{r.rate:,.0f}" for r in results[label])
            p99s = ", ".join(f"{r.percentile(99):,.0f}" for r in results[label])
            loads = ", ".join(f"{r.load[0]:.1f}-{r.load[1]:.1f}" for r in results[label])
            print(f"   {label}: reports/s {rates}; p99 {p99s} ms; load {loads}")
        for ours_label, label in [
            (o, f) for o in phases if o.startswith("uptake") for f in phases if f not in o
        ]:
            if label.startswith("uptake"):
                continue
            pairs = zip(results[ours_label], results[label], strict=True)
            shares = [o.rate / f.rate for o, f in pairs if f.rate]
            if shares:
                print(
                    f"   {ours_label} / {label}: {', '.join(f'{x:.0%}' for x in shares)}"
                    f" (median {statistics.median(shares):.0%}; target >= 60%:"
                    f" {_common.verdict(statistics.median(shares) >= 0.6)})"
                )
        worst = max(r.percentile(99) for r in ours)
        slowest = max(r.seconds for r in ours)
        all_in = all(r.ok == units for r in ours)
        exact = all(
            c["lost"] == c["duplicated"] == 0 and c["audited"] == c["revisions"] == c["stored"]
            for c in checks
        )
        nation = (
            "" if args.units else f"; the nation's in <= 30 s: {_common.verdict(slowest <= 30)}"
        )
        print(
            f"   targets: all stored: {_common.verdict(all_in)} ({slowest:.1f} s at the slowest"
            f"{nation});"
            f" each once with its revision and audit entry: {_common.verdict(exact)};"
            f" p99 <= 200 ms: {_common.verdict(worst <= 200)} (worst {worst:,.0f} ms)"
        )
    if log.exists() and log.stat().st_size:
        print(f"   (gunicorn's errors: {log})")
    print(f"   (the benchmark ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
