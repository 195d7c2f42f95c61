"""#16's figures: a day's workbook previewed and stored, for a district and for a province.

For a district's coordinator (25 rows) and a province's (1,500 rows), through the same actions
as the page and the API (``uptake.imports``): the day's template (``workbook.make``), filled
with every unit's figures as a spreadsheet would save it, then checked (``import_file``,
``dry_run=True``) and stored (``dry_run=False``); targets: a district previewed and stored in
<= 1 s, a province in <= 30 s. Then a district's message of 25 lines read and checked.

Two shapes, made two different ways, so that the targets are not held on one generator only:

- ``grid``: 60 districts x 25 communes (every unit both groups and three activities), no
  history: every row is a first report;
- ``uneven``: 40 districts of 8 to 67 units (offices reporting staff only, communes both
  groups), yesterday's figures submitted for two thirds of the units through
  ``submit_report`` (so that rows are revisions, equal-to-yesterday rows and decreases with a
  note), and a tenth of the rows left empty.

    .venv/bin/python bench/imports.py                 # SQLite, both shapes
    .venv/bin/python bench/imports.py --db postgres   # PostgreSQL (uptake_bench_imports)
    .venv/bin/python bench/imports.py --shape uneven
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import timedelta
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
    "meetings": {"name": "Cuộc họp, buổi tuyên truyền", "unit": "buổi"},
}
COMMUNE = {"reports": ["staff", "residents"], "activities": ["broadcasts", "leaflets", "meetings"]}
OFFICE = {"reports": ["staff"], "activities": ["meetings"]}


def campaign_file(shape: str, today, rng: random.Random) -> dict:
    districts = []
    if shape == "grid":
        for d in range(60):
            code = f"80{d:02d}"
            units = [
                {
                    "code": f"{code}-X{c:02d}",
                    "name": f"Xã Thử {d} Số {c}",
                    "kind": "commune",
                    **COMMUNE,
                }
                for c in range(25)
            ]
            districts.append(
                {"code": code, "name": f"Huyện Thử {d}", "kind": "district", "units": units}
            )
    else:
        sizes = [rng.randint(8, 67) for _d in range(40)]
        scale = 1500 / sum(sizes)
        sizes = [max(8, round(s * scale)) for s in sizes]
        sizes[-1] += 1500 - sum(sizes)
        for d, size in enumerate(sizes):
            code = f"81{d:02d}"
            units = []
            for c in range(size):
                office = c < size // 4
                units.append(
                    {
                        "code": f"{code}-{'P' if office else 'X'}{c:02d}",
                        "name": f"{'Phòng' if office else 'Xã'} Khác {d} Số {c}",
                        "kind": "office" if office else "commune",
                        **(OFFICE if office else COMMUNE),
                    }
                )
            districts.append(
                {"code": code, "name": f"Huyện Khác {d}", "kind": "district", "units": units}
            )
    return {
        "slug": f"bench-imports-{shape}",
        "app": "Bluezone",
        "title": "Cài đặt, sử dụng ứng dụng Bluezone",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": today - timedelta(days=3),
        "target_date": today + timedelta(days=3),
        "end": today + timedelta(days=10),
        "report_due": "23:59",
        "compile_at": "23:59",
        "coordinator": districts[0]["units"][0]["code"],
        "groups": GROUPS,
        "activities": ACTIVITIES,
        "units": [
            {
                "code": "80" if shape == "grid" else "81",
                "name": "Tỉnh Thử",
                "kind": "province",
                "units": districts,
            }
        ],
    }


def figures_for(participation, rng, base=None) -> dict:
    out = {}
    for key in participation.groups:
        if base and key in base:
            phones = base[key]["with_smartphone"]
            installed = min(phones, base[key]["installed"] + rng.randint(0, 40))
        else:
            phones = rng.randint(20, 9000) if key == "residents" else rng.randint(10, 200)
            installed = rng.randint(0, phones)
        out[key] = {"with_smartphone": phones, "installed": installed}
    return out


def coordinator(username, code):
    from django.contrib.auth import get_user_model

    from uptake.accounts.models import Profile
    from uptake.units.models import Unit

    user = get_user_model().objects.create_user(username, password="bench-imports-2020")
    profile = Profile.objects.create(user=user, role="coordinator")
    profile.units.set(Unit.objects.filter(code=code))
    return user


def filled_workbook(user, campaign, day, code, rng, history) -> tuple[bytes, int]:
    """The day's template for ``code`` with every row filled (a tenth left empty in uneven)."""
    from openpyxl import load_workbook

    from uptake.imports import workbook

    made = workbook.make(user, campaign, day, code)
    wb = load_workbook(io.BytesIO(made.data))
    ws = wb.worksheets[0]
    keys = [c.value for c in ws[4]]
    parts = {p.unit.code: p for p in campaign.participations.select_related("unit")}
    rows = 0
    for row in ws.iter_rows(min_row=5):
        code_cell = row[0].value
        if not code_cell:
            continue
        if history and rng.random() < 0.1:
            continue  # not reported: skipped
        p = parts[code_cell]
        before = history.get(code_cell)
        if before is not None and rng.random() < 0.2:
            figures = before  # the same as yesterday: today's report all the same
        else:
            figures = figures_for(p, rng, before)
        if before is not None and rng.random() < 0.03:
            key = p.groups[0]
            figures = {
                **figures,
                key: {**figures[key], "installed": max(0, before[key]["installed"] - 1)},
            }
            row[keys.index("note")].value = "Một người chuyển công tác"
        for key, values in figures.items():
            for name, value in values.items():
                row[keys.index(f"figures.{key}.{name}")].value = value
        for key in p.activities:
            row[keys.index(f"activities.{key}")].value = rng.randint(0, 5)
        rows += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), rows


def run_shape(shape: str, rng: random.Random) -> list[str]:
    from uptake.campaigns.loader import load_campaign
    from uptake.imports import actions
    from uptake.reports.actions import submit_report

    today = _common.campaign_today()
    campaign, _stats = load_campaign(campaign_file(shape, today, rng))
    province = campaign.root
    from uptake.units.models import Unit

    district = Unit.objects.filter(parent=province).order_by("code").first()
    head = coordinator(f"prov-{shape}", province.code)
    local = coordinator(f"dist-{shape}", district.code)
    history = {}
    if shape == "uneven":
        yesterday = today - timedelta(days=1)
        started = time.perf_counter()
        for p in campaign.participations.select_related("unit"):
            if rng.random() < 2 / 3:
                figures = figures_for(p, rng)
                submit_report(
                    campaign=campaign,
                    unit=p.unit,
                    day=yesterday,
                    figures=figures,
                    user=head,
                    on_behalf=True,
                    source="phone",
                )
                history[p.unit.code] = figures
        print(
            f"  {shape}: yesterday's {len(history)} reports submitted in "
            f"{time.perf_counter() - started:.1f} s"
        )

    lines = []
    for label, user, code, target in (
        ("district", local, district.code, 1.0),
        ("province", head, province.code, 30.0),
    ):
        data, rows = filled_workbook(user, campaign, today, code, rng, history)
        started = time.perf_counter()
        preview = actions.import_file(
            campaign=campaign,
            user=user,
            day=today,
            data=data,
            filename=f"{code}.xlsx",
            dry_run=True,
        )
        checked = time.perf_counter() - started
        started = time.perf_counter()
        stored = actions.import_file(
            campaign=campaign,
            user=user,
            day=today,
            data=data,
            filename=f"{code}.xlsx",
            dry_run=False,
        )
        saved = time.perf_counter() - started
        statuses = {s: preview.count(s) for s in ("ok", "unchanged", "skipped", "error")}
        assert not preview.has_errors, [r for r in preview.rows if r.errors][:3]
        assert stored.stored == statuses["ok"], (stored.stored, statuses)
        total = checked + saved
        lines.append(
            f"{shape:7} {label:8} {len(preview.rows):5} rows ({rows} filled; "
            + ", ".join(f"{n} {s}" for s, n in statuses.items() if n)
            + f"): preview {checked:.2f} s + store {saved:.2f} s = {total:.2f} s "
            f"(target <= {target:g} s) {'OK' if total <= target else 'OVER'}"
        )
    # A district's message, as the status page publishes its format.
    from uptake.campaigns.scope import Scope
    from uptake.imports import message

    parts = actions.importable(Scope.of(local, campaign), today)[:25]

    def item(key, values):
        pair = f"{values['with_smartphone']:,}/{values['installed']:,}".replace(",", ".")
        return f"{'CB' if key == 'staff' else 'dân'} {pair}"

    text = "\n".join(
        f"{p.unit.name}: " + "; ".join(item(k, v) for k, v in figures_for(p, rng).items())
        for p in parts
    )
    started = time.perf_counter()
    read = message.Reader(campaign, actions.importable(Scope.of(local, campaign), today)).read(text)
    took = time.perf_counter() - started
    bad = [p for p in read if p.errors]
    lines.append(
        f"{shape:7} message  {len(read):5} lines: read in {took * 1000:.0f} ms, "
        f"{len(read) - len(bad)} read, {len(bad)} asked"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--shape", choices=("grid", "uneven", "both"), default="both")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    shapes = ("grid", "uneven") if args.shape == "both" else (args.shape,)
    with _common.BenchDatabase(args.db, "uptake_bench_imports"):
        for fact in _common.machine_facts():
            print(fact)
        results = []
        for shape in shapes:
            results += run_shape(shape, random.Random(args.seed))
        print()
        for line in results:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
