"""15:00 in the whole country: every unit sends its report at once, through the API (#7).

Starts the app under gunicorn as in production (DEBUG=false, 2 x cores + 1 workers, bound to
127.0.0.1 on a free port) with the nation loaded (bench/make_nation.py) and one API token per
unit, then submits one report for every unit (about 19,000) through POST /api/v1/reports
from many concurrent clients (asyncio + aiohttp, one connection and one token each), in a
random order. Then checks in the database that every report is stored exactly once.

As on the 7th day of a real campaign, the units' reports of the six days before are in the
database (make_nation.fill_history, about 115,000) and each unit sends figures a little above
its latest ones (a lower figure needs a note and would be refused).

In the same run it measures the FLOOR: a bare Django view that inserts the same row with no
checks (bench/floor.py), served the same way by gunicorn, on the next day; its rows are
deleted before the product's run. Prints reports/s, p50 and p99 latency, errors, lost and
duplicated reports for both, and the product's throughput as a share of the floor's.

    .venv/bin/python bench/burst.py                    # PostgreSQL (uptake_bench_burst)
    .venv/bin/python bench/burst.py --db sqlite        # SQLite (a file in /tmp)
    .venv/bin/python bench/burst.py --units 2000       # a quick run on the first 2,000 units

Only loopback traffic; every run stops by itself (``--max-seconds`` per phase).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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
    )


def burst(label: str, server: _common.Gunicorn, path: str, payloads, args) -> Run:
    asyncio.run(_warm_up(server.url, payloads[-1][0], 4 * args.workers))
    run = Run(label)
    asyncio.run(_burst(run, server.url + path, payloads, args))
    return run


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

    from uptake.reports.models import Report, Revision

    reports = Report.objects.filter(campaign=campaign, date=day)
    n = reports.count()
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
    }


def show(run: Run, check: dict[str, int], units: int) -> None:
    p50, p99 = run.percentile(50), run.percentile(99)
    print(
        f"   {run.label}: {run.ok:,}/{units:,} stored in {run.seconds:.1f} s = {run.rate:,.0f}"
        f" reports/s; latency p50 {p50:,.0f} ms, p99 {p99:,.0f} ms; errors {run.errors:,};"
        f" lost {check['lost']:,}, duplicated {check['duplicated']:,}"
    )
    pace = ", ".join(f"{rate:,.0f}" for rate in run.pace())
    print(f"   {run.label}: answers/s by fifth of the run: {pace}")
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
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
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
        from uptake.reports.models import Report

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
        floor = None
        if not args.no_floor:
            day = today + timedelta(days=1)
            with gunicorn(db, log, args, "floor_settings") as server:
                floor = burst("floor", server, "/bench/floor/reports", dated(payloads, day), args)
            show(floor, stored(campaign, day, units), units)
            Report.objects.filter(campaign=campaign, date=day).delete()
            db.vacuum()

        with gunicorn(db, log, args, "uptake.settings") as server:
            ours = burst("uptake", server, "/api/v1/reports", dated(payloads, today), args)
        check = stored(campaign, today, units)
        show(ours, check, units)
        if floor is not None and floor.rate:
            share = ours.rate / floor.rate
            print(
                f"   uptake's throughput is {share:.0%} of the floor's (target >= 60%:"
                f" {_common.verdict(share >= 0.6)})"
            )
        in_time = ours.ok == units and ours.seconds < 60
        print(
            f"   targets: all stored in < 60 s: {_common.verdict(in_time)};"
            f" 0 lost, 0 duplicated: {_common.verdict(check['lost'] == check['duplicated'] == 0)};"
            f" p99 < 500 ms: {_common.verdict(ours.percentile(99) < 500)}"
        )
    if log.exists() and log.stat().st_size:
        print(f"   (gunicorn's errors: {log})")
    print(f"   (the benchmark ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
