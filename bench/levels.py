"""#14's figures: a province whose districts each compile their own daily report.

A province campaign in which every district's culture office (``"<d>-VHTT"``) coordinates its
district (``coordinator:`` on the district unit, its own ``compile_at`` and ``recipients``) and
the province's Department of Information and Communications the province. For each of the last
``--runs`` days of the history it times the day's whole chain, through the public actions and
as the level's own coordinator:

- every district's draft (``make_draft(..., unit=district)``) and its approval
  (``approve_compilation(..., confirm=True)``), then the province's draft (built on the
  districts' approved reports) and approval, then the PDF, Word and Excel of every one of those
  reports (``render``): target <= 10 s in all;

and then, on the last day, warm, the median of 20 requests through Django's test client (a
logged-in coordinator with the second factor), repeated ``--runs`` times:

- the province's compiled-report page, ``/c/<slug>/compilations/<day>/?unit=<province>``, as
  the province's coordinator: <= 100 ms;
- a district's status page, ``/c/<slug>/status/?root=<district>``, as that district's
  coordinator (the largest district): <= 50 ms.

Two shapes, made two different ways, so that the targets are not held on one generator only:

- ``grid``: 12 districts x 15 reporting units (5 offices, the culture office among them, and
  10 communes), every district with its own coordinator; history written in bulk by
  ``make_nation.fill_history`` (reports and revisions as ``submit_report`` writes them);
- ``uneven``: 10 districts of 3 to 40 reporting units, 8 with their own coordinator and 2
  without (their units are rows of the province's report directly), 2 province offices
  reporting directly, communes with activities; history submitted one report at a time through
  ``submit_report`` (a coordinator on behalf of the units; S-curves, missed days, late
  reports and a few corrections).

    .venv/bin/python bench/levels.py                      # SQLite, both shapes
    .venv/bin/python bench/levels.py --db postgres        # PostgreSQL (uptake_bench_levels)
    .venv/bin/python bench/levels.py --shape uneven --days 7

Without ``--db``: PostgreSQL when DATABASE_URL names a PostgreSQL database, else SQLite. Either
way the benchmark runs in a database of its own (``uptake_bench_levels``, created and dropped
by ``_common.BenchDatabase``), never the one DATABASE_URL names.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common  # noqa: E402

GROUPS = {
    "staff": {"name": "Cán bộ, công chức, viên chức, người lao động", "target_percent": 100},
    "residents": {"name": "Người dân", "target_percent": 60},
}
ACTIVITIES = {
    "broadcasts": {"name": "Phát thanh trên hệ thống loa", "unit": "lượt", "daily_min": 2},
    "leaflets": {"name": "Tờ rơi đã phát", "unit": "tờ"},
}
OFFICES = [
    ("VHTT", "Phòng Văn hóa và Thông tin"),
    ("NV", "Phòng Nội vụ"),
    ("TP", "Phòng Tư pháp"),
    ("YT", "Phòng Y tế"),
    ("GDDT", "Phòng Giáo dục và Đào tạo"),
    ("TCKH", "Phòng Tài chính - Kế hoạch"),
]
# The uneven shape's districts: reporting units each, and whether the district has its own
# coordinator (the two without roll their units up into the province's report directly).
UNEVEN = [(3, True), (40, True), (7, True), (25, False), (12, True), (33, True), (5, False),
          (18, True), (9, True), (28, True)]  # fmt: skip
PAGE_REQUESTS = 20


# --- the campaign files ------------------------------------------------------------------


def _document(province_name: str, symbol: str) -> dict:
    return {
        "parent_issuer": f"UBND {province_name.upper()}",
        "issuer": "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "place": province_name.split(" ", 1)[1],
        "symbol": symbol,
        "signer": {"authority": "KT. GIÁM ĐỐC", "capacity": "PHÓ GIÁM ĐỐC", "name": "Trần Văn Thử"},
        "recipients": [{"name": "UBND Tỉnh", "email": "ubnd@example.org"}, {"name": "Lưu: VT"}],
    }


def _campaign(slug: str, province: dict, start, days: int, activities: bool) -> dict:
    data = {
        "slug": slug,
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": start,
        "target_date": start + timedelta(days=days + 2),
        "end": start + timedelta(days=days + 13),
        "report_due": "15:00",
        "compile_at": "17:30",
        "coordinator": f"{province['code']}-STTTT",
        "groups": GROUPS,
        "document": _document(province["name"], "BC-STTTT"),
        "units": [province],
    }
    if activities:
        data["activities"] = ACTIVITIES
    return data


def _district(code: str, name: str, units: list[dict], coordinated: bool) -> dict:
    district = {"code": code, "name": name, "kind": "district", "units": units}
    if coordinated:
        district.update(
            coordinator=f"{code}-VHTT",
            compile_at="16:30",
            recipients=[
                {"name": f"Thường trực UBND {name}", "email": f"ubnd{code}@example.org"},
                {"name": "Sở Thông tin và Truyền thông"},
                {"name": "Lưu: VT"},
            ],
        )
    return district


def grid_file(start, days: int, districts: int = 12, units: int = 15) -> dict:
    """``districts`` x ``units`` reporting units (5 offices, then communes), each district
    coordinated by its culture office; the province office coordinates and does not report."""
    pcode = "81"
    children = [
        {"code": f"{pcode}-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office"}
    ]
    for d in range(districts):
        code = f"{pcode}{d:02d}"
        members = [
            {"code": f"{code}-{suffix}", "name": name, "kind": "office", "reports": ["staff"]}
            for suffix, name in OFFICES[:5]
        ]
        members += [
            {
                "code": f"{code}-X{c:02d}",
                "name": f"Xã Lưới {d}-{c}",
                "kind": "commune",
                "reports": ["staff", "residents"],
            }
            for c in range(units - len(members))
        ]
        children.append(_district(code, f"Huyện Lưới Số {d + 1}", members, True))
    province = {"code": pcode, "name": "Tỉnh Lưới", "kind": "province", "units": children}
    return _campaign("bench-levels-grid", province, start, days, activities=False)


def uneven_file(start, days: int) -> dict:
    """Districts of 3 to 40 reporting units (UNEVEN), two without a coordinator of their own,
    two province offices reporting directly; communes report two activities."""
    pcode = "82"
    children = [
        {"code": f"{pcode}-STTTT", "name": "Sở Thông tin và Truyền thông", "kind": "office",
         "reports": ["staff"]},
        {"code": f"{pcode}-SYT", "name": "Sở Y tế", "kind": "office", "reports": ["staff"]},
    ]  # fmt: skip
    for d, (size, coordinated) in enumerate(UNEVEN):
        code = f"{pcode}{d:02d}"
        offices = min(len(OFFICES), max(1, size // 5))
        members = [
            {"code": f"{code}-{suffix}", "name": name, "kind": "office", "reports": ["staff"]}
            for suffix, name in OFFICES[:offices]
        ]
        members += [
            {
                "code": f"{code}-P{c:02d}",
                "name": f"{'Phường' if c % 4 == 0 else 'Xã'} Lệch {d}-{c}",
                "kind": "ward" if c % 4 == 0 else "commune",
                "reports": ["staff", "residents"],
                "activities": ["broadcasts", "leaflets"],
            }
            for c in range(size - offices)
        ]
        children.append(_district(code, f"Huyện Lệch Số {d + 1}", members, coordinated))
    province = {"code": pcode, "name": "Tỉnh Lệch", "kind": "province", "units": children}
    return _campaign("bench-levels-uneven", province, start, days, activities=True)


# --- history -----------------------------------------------------------------------------


def submit_history(campaign, days: int, user, *, seed: int = 14) -> int:
    """Every unit's reports of the first ``days`` days through ``submit_report``, one at a
    time, as a coordinator entering them on behalf: logistic growth with noise, about 5 % of
    the days missed, 10 % late, 2 % corrected once. Today: only what has arrived by now."""
    from django.utils import timezone

    from uptake.reports.actions import submit_report

    rng = random.Random(seed)
    now = timezone.now()
    participations = list(campaign.participations.select_related("unit").order_by("unit__path"))
    people = {}
    for p in participations:
        residents = "residents" in p.groups
        people[p.pk] = {
            "staff": rng.randint(10, 70),
            "residents": rng.randint(800, 20000) if residents else None,
            "mid": rng.uniform(-1, days + 3),  # the S-curve's middle day
            "pace": rng.uniform(0.4, 1.2),
            "staff_done": rng.uniform(0.0, 3.0),  # days after start when staff reach 100 %
            "ceiling": rng.uniform(0.4, 0.8),
            "installed": {"staff": 0, "residents": 0},
        }
    count = 0
    for n in range(days):
        day = campaign.start + timedelta(days=n)
        due = datetime.combine(day, campaign.report_due, tzinfo=campaign.tz)
        for p in participations:
            if rng.random() < 0.05:
                continue
            person = people[p.pk]
            late = rng.random() < 0.10
            minutes = rng.randint(1, 100) if late else -rng.randint(5, 400)
            at = due + timedelta(minutes=minutes)
            if at > now:
                continue
            share = min(1.0, 0.3 + 0.7 * n / max(person["staff_done"], 0.5))
            staff = max(person["installed"]["staff"], int(person["staff"] * share))
            person["installed"]["staff"] = staff
            figures = {"staff": {"with_smartphone": person["staff"], "installed": staff}}
            activities = None
            if person["residents"] is not None:
                logistic = person["ceiling"] / (1 + math.exp(-(n - person["mid"]) * person["pace"]))
                residents = int(person["residents"] * logistic * rng.gammavariate(20, 1 / 20))
                residents = min(
                    person["residents"], max(person["installed"]["residents"], residents)
                )
                person["installed"]["residents"] = residents
                figures["residents"] = {
                    "with_smartphone": person["residents"],
                    "installed": residents,
                }
                activities = {
                    "broadcasts": rng.choice([0, 1, 2, 2, 3]),
                    "leaflets": rng.randint(0, 500),
                }
            submit_report(
                campaign=campaign, unit=p.unit, day=day, figures=figures, activities=activities,
                user=user, on_behalf=True, source="Điện thoại", at=at,
            )  # fmt: skip
            count += 1
            if rng.random() < 0.02 and at + timedelta(minutes=30) <= now:
                figures["staff"]["installed"] = min(person["staff"], staff + 1)
                person["installed"]["staff"] = figures["staff"]["installed"]
                submit_report(
                    campaign=campaign, unit=p.unit, day=day, figures=figures, user=user,
                    on_behalf=True, source="Điện thoại", note="Sửa số liệu nhập nhầm",
                    at=at + timedelta(minutes=30),
                )  # fmt: skip
    return count


# --- people ------------------------------------------------------------------------------


def user_for(role: str, code: str):
    from django.contrib.auth import get_user_model

    from uptake.accounts.models import Profile
    from uptake.units.models import Unit

    user = get_user_model().objects.create(username=f"bench-{role}-{code}")
    Profile.objects.create(user=user, role=role).units.set(Unit.objects.filter(code=code))
    return user


def client_for(user):
    from uptake.test import VerifiedClient  # logs coordinators in with their second factor

    client = VerifiedClient()
    client.force_login(user)
    return client


# --- measuring ---------------------------------------------------------------------------


class QueryCount:
    """Counts the database's statements (a wrapper, not Django's query log: DEBUG is off)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def load() -> float:
    return os.getloadavg()[0]


def spread(values: list[float], unit: str = "s", scale: float = 1.0, digits: int = 2) -> str:
    v = [x * scale for x in values]
    return (
        f"min {min(v):.{digits}f} / median {statistics.median(v):.{digits}f} /"
        f" max {max(v):.{digits}f} {unit}"
    )


def chain(campaign, day, levels, province_level, coordinators) -> tuple[dict, dict, object]:
    """The day's chain, timed part by part: seconds and statements of each."""
    from django.db import connection

    from uptake.documents.actions import approve_compilation, make_draft
    from uptake.documents.report import SENT_FORMATS, render

    parts: dict[str, float] = {}
    queries: dict[str, int] = {}

    def timed(name, fn):
        counter = QueryCount()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            out = fn()
            parts[name] = time.perf_counter() - start
        queries[name] = counter.n
        return out

    drafts = timed(
        "districts' drafts",
        lambda: [
            make_draft(campaign, day, coordinators[lv.unit.code], unit=lv.unit.code)[0]
            for lv in levels
        ],
    )
    approved = timed(
        "districts' approvals",
        lambda: [
            approve_compilation(c, coordinators[lv.unit.code], confirm=True)
            for c, lv in zip(drafts, levels, strict=True)
        ],
    )
    top = coordinators[province_level.unit.code]
    draft = timed(
        "province's draft",
        lambda: make_draft(campaign, day, top, unit=province_level.unit.code)[0],
    )
    province = timed("province's approval", lambda: approve_compilation(draft, top, confirm=True))
    sizes: dict[str, int] = {}

    def documents(compilations):
        for c in compilations:
            for fmt in SENT_FORMATS:
                sizes[fmt] = sizes.get(fmt, 0) + len(render(c, fmt).content)

    timed("districts' documents", lambda: documents(approved))
    timed("province's documents", lambda: documents([province]))
    return parts, queries, province


def check_province(compilation, levels) -> str:
    """The province's report builds on every district's approved report (and adds up)."""
    snapshot = compilation.snapshot
    below = {b["unit"]: b for b in snapshot["below"]}
    missing = [
        lv.unit.code for lv in levels if not (below.get(lv.unit.code) or {}).get("reference")
    ]
    assert not missing, f"districts without an approved report in the province's: {missing}"
    return f"{len(below)} districts' approved reports, {snapshot['reporting']}"


def page_medians(client, url: str, runs: int) -> tuple[list[float], list[float], int, int]:
    """``runs`` medians of PAGE_REQUESTS warm requests, each beside the load average."""
    from django.db import connection

    response = client.get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    medians, loads = [], []
    for _ in range(runs):
        samples = []
        counter = QueryCount()
        for _ in range(PAGE_REQUESTS):
            counter.n = 0
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                response = client.get(url, secure=True)
                samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        medians.append(statistics.median(samples))
        loads.append(load())
    return medians, loads, counter.n, len(response.content)


def measure(shape: str, args, db) -> dict:
    from django.contrib.auth import get_user_model

    from uptake.accounts.models import Profile, Role
    from uptake.campaigns.loader import load_campaign
    from uptake.campaigns.models import Coordination

    today = _common.campaign_today()
    start = today - timedelta(days=args.days - 1)
    data = grid_file(start, args.days) if shape == "grid" else uneven_file(start, args.days)
    t = time.perf_counter()
    campaign, _stats = load_campaign(data)
    loaded = time.perf_counter() - t
    levels = list(
        Coordination.objects.filter(campaign=campaign)
        .select_related("unit", "office")
        .order_by("unit__path")
    )
    province_level = next(lv for lv in levels if lv.unit_id == campaign.root_id)
    levels = [lv for lv in levels if lv is not province_level]
    coordinators = {lv.unit.code: user_for(Role.COORDINATOR, lv.unit.code) for lv in levels}
    coordinators[province_level.unit.code] = user_for(Role.COORDINATOR, province_level.unit.code)

    t = time.perf_counter()
    if shape == "grid":
        from make_nation import fill_history

        reports = fill_history(campaign, args.days, seed=14, today_share=0.85)
    else:
        admin = get_user_model().objects.create(username=f"bench-admin-{shape}")
        Profile.objects.create(user=admin, role=Role.ADMIN)
        reports = submit_history(campaign, args.days, admin)
    written = time.perf_counter() - t
    db.vacuum()
    units = campaign.participations.count()
    sizes = {
        lv.unit.code: campaign.participations.filter(unit__path__startswith=lv.unit.path).count()
        for lv in levels
    }
    print(
        f"-- {shape}: {units} reporting units, {len(levels)} districts with their own"
        f" coordinator ({min(sizes.values())}..{max(sizes.values())} units each), {args.days}"
        f" days, {reports:,} reports (file loaded in {loaded:.1f} s, history written in"
        f" {written:.1f} s)"
    )

    runs = []
    for n in range(args.runs):
        day = today - timedelta(days=args.runs - 1 - n)
        before = load()
        parts, queries, province = chain(campaign, day, levels, province_level, coordinators)
        total = sum(parts.values())
        runs.append((day, total, parts, queries, before, load()))
        detail = ", ".join(f"{k} {v:.2f} s ({queries[k]} q)" for k, v in parts.items())
        print(
            f"   chain {day:%d/%m}: {total:.2f} s in all (load {before:.2f} -> {load():.2f});"
            f" {detail}"
        )
    print(f"   province's report of the last day: {check_province(province, levels)}")
    totals = [r[1] for r in runs]
    print(
        f"   chain, {args.runs} runs: {spread(totals)} (target <= 10 s:"
        f" {_common.verdict(statistics.median(totals) <= 10)}; worst"
        f" {_common.verdict(max(totals) <= 10)})"
    )
    for name in runs[0][2]:
        print(f"     {name}: {spread([r[2][name] for r in runs])}")

    url = f"/c/{campaign.slug}/compilations/{today.isoformat()}/?unit={province_level.unit.code}"
    medians, loads, nq, size = page_medians(
        client_for(coordinators[province_level.unit.code]), url, args.runs
    )
    print(
        f"   province's page ({url}): medians of {PAGE_REQUESTS}: "
        f"{spread(medians, 'ms', 1000, 1)} (loads {', '.join(f'{x:.2f}' for x in loads)});"
        f" {nq} queries, {size / 1e3:.0f} kB (target <= 100 ms:"
        f" {_common.verdict(statistics.median(medians) <= 0.1)})"
    )
    district = max(levels, key=lambda lv: sizes[lv.unit.code])
    url_s = f"/c/{campaign.slug}/status/?root={district.unit.code}"
    medians_s, loads_s, nq_s, size_s = page_medians(
        client_for(coordinators[district.unit.code]), url_s, args.runs
    )
    print(
        f"   district {district.unit.code}'s status page ({sizes[district.unit.code]} units,"
        f" {url_s}): medians of {PAGE_REQUESTS}: {spread(medians_s, 'ms', 1000, 1)} (loads"
        f" {', '.join(f'{x:.2f}' for x in loads_s)}); {nq_s} queries, {size_s / 1e3:.0f} kB"
        f" (target <= 50 ms: {_common.verdict(statistics.median(medians_s) <= 0.05)})"
    )
    if args.profile:
        day = today - timedelta(days=args.runs)  # the day before the timed ones
        profile(campaign, day, levels, province_level, coordinators, url, url_s, district)
    return {"chain": totals, "province page": medians, "status page": medians_s}


def profile(campaign, day, levels, province_level, coordinators, url, url_s, district) -> None:
    """pyinstrument over one more chain (``day``: before the timed ones) and both pages."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    chain(campaign, day, levels, province_level, coordinators)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    for who, address in ((province_level, url), (district, url_s)):
        client = client_for(coordinators[who.unit.code])
        client.get(address, secure=True)
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(PAGE_REQUESTS):
            client.get(address, secure=True)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_db = (
        "postgres" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    parser.add_argument("--db", choices=["postgres", "sqlite"], default=default_db)
    parser.add_argument("--shape", choices=["grid", "uneven", "both"], default="both")
    parser.add_argument("--days", type=int, default=5, help="days of history (5)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (3)")
    parser.add_argument("--profile", action="store_true", help="pyinstrument: chain and pages")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.days < args.runs + (1 if args.profile else 0):
        parser.error("--days must cover the --runs days compiled (and one more to --profile)")
    started = time.perf_counter()
    with _common.BenchDatabase(args.db, "levels", keep=args.keep) as db:
        _common.print_facts(f"levels (#14): {args.shape}, {args.days} days, {args.db}")
        for shape in ("grid", "uneven") if args.shape == "both" else (args.shape,):
            measure(shape, args, db)
    print(f"   (the benchmark ran in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
