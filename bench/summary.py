"""Reading a nation's campaign: the summary against its SQL floor, the pages, the campaign file.

With the nation of bench/make_nation.py (about 19,000 reporting units) and 60 days of history
(about 1.1 million reports) in a database of its own, times:

- loading the nation's campaign file with ``manage.py loadcampaign`` (target <= 60 s) and
  loading it again unchanged (<= 30 s, and no INSERT, UPDATE or DELETE);
- ``build_summary`` for the last day, for the whole country and for its largest province,
  beside the same result from one hand-written SQL query (``uptake.reports.sql``, the floor),
  and their ratio (targets for the nation on PostgreSQL: <= 1 s and <= 1.5 x the floor);
- the coordinator's status page for a district, server time through Django's test client
  (<= 50 ms), and its queries;
- #3: the dashboard of a district and of a province, and a province's compilation with its
  PDF, Word and Excel documents (a campaign over one province, its own copy of the units).

    .venv/bin/python bench/summary.py                  # PostgreSQL (uptake_bench_summary)
    .venv/bin/python bench/summary.py --db sqlite      # SQLite (a file in /tmp)
    .venv/bin/python bench/summary.py --days 7         # a quick run
"""

from __future__ import annotations

import argparse
import copy
import io
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402
from make_nation import count_units, fill_history, nation_file, write  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


def compare(label: str, ours, floor, runs: int, limit_s: float | None, limit_ratio: float | None):
    """Time ``ours`` and ``floor`` in alternation (the same noise for both); print the ratio."""
    ours(), floor()  # warm caches
    a, b = [], []
    for _ in range(runs):
        start = time.perf_counter()
        ours()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        floor()
        b.append(time.perf_counter() - start)
    ratio = statistics.median(a) / statistics.median(b)
    targets = []
    if limit_s is not None:
        targets.append(f"<= {limit_s:g} s: {_common.verdict(statistics.median(a) <= limit_s)}")
    if limit_ratio is not None:
        targets.append(f"<= {limit_ratio:g} x floor: {_common.verdict(ratio <= limit_ratio)}")
    print(f"   {label}: build_summary {_common.describe(a)}")
    print(f"   {label}: SQL floor     {_common.describe(b)}")
    print(
        f"   {label}: ratio {ratio:.2f}" + (f" (targets {'; '.join(targets)})" if targets else "")
    )


def page(label: str, client, url: str, runs: int, limit_ms: float | None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    median = statistics.median(samples) * 1000
    target = (
        f"; target <= {limit_ms:g} ms: {_common.verdict(median <= limit_ms)}" if limit_ms else ""
    )
    print(f"   {label}: {_common.describe(samples)}, {len(queries)} queries{target}")


def user_for(role: str, *codes: str):
    from django.contrib.auth import get_user_model

    from uptake.accounts.models import Profile
    from uptake.units.models import Unit

    user = get_user_model().objects.create(username=f"{role}-{'-'.join(codes) or 'all'}")
    Profile.objects.create(user=user, role=role).units.set(Unit.objects.filter(code__in=codes))
    return user


def client_for(user):
    from uptake.test import VerifiedClient  # logs coordinators in with their second factor

    client = VerifiedClient()
    client.force_login(user)
    return client


def province_campaign(data: dict, pcode: str) -> dict:
    """A campaign over one province of the nation: its own copy of the units (codes "X...")."""
    province = copy.deepcopy(
        next(
            p
            for p in data["units"][0]["units"]
            if p.get("kind") == "province" and p["code"] == pcode
        )
    )

    def rename(unit):
        unit["code"] = "X" + unit["code"]
        for child in unit.get("units", []):
            rename(child)

    rename(province)
    return {
        **{k: v for k, v in data.items() if k != "units"},
        "slug": f"bluezone-{pcode}",
        "title": f"Cài đặt Bluezone: {province['name']}",
        "coordinator": f"X{pcode}-STTTT",
        "document": {
            "parent_issuer": f"UBND {province['name'].upper()}",
            "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
            "place": province["name"].split(" ", 1)[1],
            "symbol": "BC-STTTT",
            "signer": {
                "authority": "KT. GIÁM ĐỐC",
                "capacity": "PHÓ GIÁM ĐỐC",
                "name": "Trần Văn Thử",
            },
            "recipients": [{"name": "UBND Tỉnh"}, {"name": "Lưu: VT"}],
        },
        "units": [province],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--days", type=int, default=60, help="days of history (60)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each measure (7)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    started = time.perf_counter()

    with _common.BenchDatabase(args.db, "summary", keep=args.keep) as db:
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from uptake.campaigns.models import Campaign
        from uptake.reports.sql import summary_floor
        from uptake.reports.summary import build_summary
        from uptake.units.models import Unit

        today = _common.campaign_today()
        data = nation_file(today - timedelta(days=args.days - 1), args.days)
        path = write(Path(tempfile.gettempdir()) / "uptake-bench-nation.yaml", data)
        counts = count_units(data)
        units = sum(counts.values()) - counts["reporting"]
        _common.print_facts(
            f"summary: {counts['reporting']:,} reporting units of {units:,}, {args.days} days,"
            f" {args.db}"
        )

        out = io.StringIO()
        start = time.perf_counter()
        call_command("loadcampaign", str(path), stdout=out)
        seconds = time.perf_counter() - start
        print(
            f"   loading the nation's file ({path.stat().st_size / 1e6:.1f} MB): {seconds:.1f} s"
            f" (target <= 60 s: {_common.verdict(seconds <= 60)}); {out.getvalue().strip()}"
        )
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call_command("loadcampaign", str(path), stdout=io.StringIO())
            seconds = time.perf_counter() - start
        writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(WRITES)]
        ok = _common.verdict(seconds <= 30 and not writes)
        print(
            f"   reloading it unchanged: {seconds:.1f} s, {len(queries)} queries,"
            f" {len(writes)} writes (target <= 30 s and no writes: {ok})"
        )

        campaign = Campaign.objects.select_related("root").get(slug=data["slug"])
        start = time.perf_counter()
        reports = fill_history(campaign, args.days)
        db.vacuum()
        print(f"   (history: {reports:,} reports in {time.perf_counter() - start:.0f} s)")

        day = campaign.start + timedelta(days=args.days - 1)
        keys = [g.key for g in campaign.groups.all()]
        nation = campaign.root
        province = max(
            Unit.objects.filter(kind="province", parent=nation),
            key=lambda u: campaign.participations.filter(unit__path__startswith=u.path).count(),
        )
        district = Unit.objects.filter(kind="district", parent=province).order_by("code").first()
        in_province = campaign.participations.filter(unit__path__startswith=province.path).count()
        for label, root, runs, limits in (
            (f"nation ({campaign.participations.count():,} units)", nation, args.runs, (1, 1.5)),
            (
                f"province {province.code} ({in_province} units)",
                province,
                args.runs * 3,
                (None,) * 2,
            ),
        ):
            compare(
                label,
                lambda root=root: build_summary(campaign, day, root),
                lambda root=root: summary_floor(campaign.pk, day, root.path, keys),
                runs,
                *limits,
            )
        samples = _common.timings(lambda: build_summary(campaign, day).as_dict(), args.runs)
        print(f"   nation: build_summary + as_dict (the API's body) {_common.describe(samples)}")

        coordinator = client_for(user_for("coordinator", district.code))
        units = campaign.participations.filter(unit__path__startswith=district.path).count()
        page(
            f"status page, district {district.code} ({units} units)",
            coordinator,
            f"/c/{campaign.slug}/status/",
            args.runs * 3,
            50,
        )
        # #3: the dashboard and a province's compilation, where uptake/documents has them.
        try:
            from uptake.documents.actions import make_draft
            from uptake.documents.report import SENT_FORMATS, render
        except ImportError as exc:
            print(f"   #3 (dashboard, compilation) not measured: {exc}")
            return
        page(
            f"dashboard, district {district.code} ({units} units)",
            coordinator,
            f"/c/{campaign.slug}/dashboard/",
            args.runs * 3,
            None,
        )
        leader = client_for(user_for("viewer", province.code))
        page(
            f"dashboard, province {province.code} in the nation's campaign",
            leader,
            f"/c/{campaign.slug}/dashboard/?unit={province.code}",
            args.runs,
            None,
        )

        own, _stats = call_command_load(province_campaign(data, province.code))
        reports = fill_history(own, args.days)
        db.vacuum()
        user = user_for("coordinator", own.root.code)
        units = own.participations.count()
        samples, documents = [], {}
        for _ in range(3):
            start = time.perf_counter()
            compilation, _created = make_draft(own, day, user)
            for fmt in SENT_FORMATS:
                t = time.perf_counter()
                documents[fmt] = (len(render(compilation, fmt).content), time.perf_counter() - t)
            samples.append(time.perf_counter() - start)
        detail = ", ".join(f"{f} {s:.2f} s ({n / 1e3:,.0f} kB)" for f, (n, s) in documents.items())
        print(
            f"   a province's compilation ({units} units, {reports:,} reports) with its documents:"
            f" {_common.describe(samples)} [{detail}]"
        )
        page(
            f"dashboard of the province's own campaign ({units} units)",
            client_for(user),
            f"/c/{own.slug}/dashboard/",
            args.runs,
            None,
        )
    print(f"   (the benchmark ran in {time.perf_counter() - started:.0f} s)")


def call_command_load(data: dict):
    from uptake.campaigns.loader import load_campaign

    return load_campaign(data)


if __name__ == "__main__":
    main()
