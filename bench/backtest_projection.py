"""Backtest of the dashboard's projection: how far its forecast falls from what was reached.

    .venv/bin/python bench/backtest_projection.py [--seed 2020]

Two histories:

1. the demo's (``manage.py demo`` into a throwaway SQLite file in /tmp): its units and its
   district's total;
2. a generated one, in memory: 40 districts of 8 offices (staff) and 12 communes (staff and
   residents) over 12 days, the target date on the 10th. A third of the units start reporting
   1 to 5 days late (the total's denominator grows as they do, as in the field), staff grow along
   a logistic curve to 100% (some stall a few short), residents along one to the unit's own
   ceiling (a quarter of the communes level off below 60%), the number with a smartphone
   revised by up to ±0.5% a day; 5% of the unit-days are not reported (the latest figures are
   carried forward).

For every unit (demo) and group, and for every day d with at least two days of history, the
projection made from the days up to d (uptake.documents.projection: a least-squares line through
the last four days' percent, capped at 0-100%) is compared with the percent the unit actually
had h days later, for every h the history covers, against a naive forecast (no more growth).

For every total (the demo's district; each generated district) it compares two methods:

- old: the same line fitted to the total's percent by day;
- units: the total projected from its units' own projections (``project_total``: each unit's
  projected percent times its number with a smartphone, summed, over their numbers with a
  smartphone), the method the dashboard and the compiled report use;

printing both methods' mean absolute error and bias per horizon, and (generated history) how
often each method's call on the target date ("met or on track" against "at risk") was right,
a total being right on target when it and every one of its units reached the target (each unit
must), and when the total alone did.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path(tempfile.gettempdir()) / "uptake-bench-backtest.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uptake.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from uptake.campaigns.models import Campaign, Status  # noqa: E402
from uptake.documents.progress import Progress  # noqa: E402
from uptake.documents.projection import (  # noqa: E402
    AT_RISK,
    WINDOW,
    extrapolate,
    project,
    project_total,
)
from uptake.reports.models import percent  # noqa: E402

Figures = tuple[int, int]  # (with_smartphone, installed)
D0 = date(2020, 8, 10)


def total_percent(members: list[list[Figures | None]], i: int) -> float | None:
    known = [m[i] for m in members if m[i] is not None]
    return percent(sum(f[1] for f in known), sum(f[0] for f in known))


def compare_totals(totals, last: int, errors, signed) -> None:
    """``totals``: (members, target) per total; each member's figures by day up to ``last``.
    Fills ``errors[method][h]`` and ``signed[method]``."""
    for members, target in totals:
        percents = [total_percent(members, i) for i in range(last + 1)]
        for cutoff in range(1, last):
            if sum(p is not None for p in percents[: cutoff + 1]) < 2:
                continue
            day = D0 + timedelta(cutoff)
            for later in range(cutoff + 1, last + 1):
                actual = percents[later]
                if actual is None:
                    continue
                h = later - cutoff
                old = extrapolate(percents[: cutoff + 1], h)
                new = project_total(
                    [m[: cutoff + 1] for m in members], day, day + timedelta(h), target
                ).expected
                for method, forecast in (("old", old), ("units", new)):
                    if forecast is None:
                        continue
                    errors[method][h].append(abs(forecast - actual))
                    signed[method].append(forecast - actual)


def print_totals(errors, signed) -> None:
    print(f"{'ahead':>6} {'cases':>6} {'old MAE':>8} {'max':>6} {'units MAE':>10} {'max':>6}")
    for h in sorted(errors["old"]):
        o, u = errors["old"][h], errors["units"][h]
        print(
            f"{h:>5}d {len(o):>6} {statistics.mean(o):>8.2f} {max(o):>6.1f} "
            f"{statistics.mean(u):>10.2f} {max(u):>6.1f}"
        )
    o = [x for e in errors["old"].values() for x in e]
    u = [x for e in errors["units"].values() for x in e]
    print(
        f"all    {len(o):>6} {statistics.mean(o):>8.2f} {max(o):>6.1f} "
        f"{statistics.mean(u):>10.2f} {max(u):>6.1f}"
    )
    print(
        f"bias (forecast − actual): old {statistics.mean(signed['old']):+.2f}, "
        f"units {statistics.mean(signed['units']):+.2f} points"
    )


# --- 1. the demo ------------------------------------------------------------------------------


def demo() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    campaign = Campaign.objects.select_related("root").get(slug="bluezone-demo")
    today = campaign.today()
    progress = Progress.build(campaign, today)
    targets = {g.key: float(g.target_percent) for g in progress.groups}
    last = len(progress.days) - 1  # today's index

    errors: dict[int, list[float]] = defaultdict(list)
    naive: dict[int, list[float]] = defaultdict(list)
    signed: list[float] = []
    calls = right = 0
    for up in progress.units:
        for key in up.groups:
            percents = up.percents(key)
            for cutoff in range(1, last):
                known = percents[: cutoff + 1]
                if sum(p is not None for p in known) < 2 or known[-1] is None:
                    continue
                for later in range(cutoff + 1, last + 1):
                    actual = percents[later]
                    if actual is None:
                        continue
                    if later == last and up.statuses[last] == Status.MISSING:
                        continue  # today's figures are yesterday's carried forward: not a result
                    h = later - cutoff
                    forecast = extrapolate(known, h)
                    errors[h].append(abs(forecast - actual))
                    naive[h].append(abs(known[-1] - actual))
                    signed.append(forecast - actual)
                    target = targets[key]
                    if known[-1] < target:  # a call to make: will it reach the target?
                        calls += 1
                        right += (forecast >= target) == (actual >= target)

    units = len(progress.units)
    print(
        f"1. The demo: {units} units, days {progress.days[0]:%d/%m} to {today:%d/%m} (today "
        f"partly reported).\n\nUnits (least-squares line through the last {WINDOW} days, "
        "capped 0-100%):"
    )
    print(f"{'ahead':>6} {'cases':>6} {'MAE (pts)':>10} {'max':>6} {'no-growth MAE':>14}")
    for h in sorted(errors):
        e, n = errors[h], naive[h]
        print(
            f"{h:>5}d {len(e):>6} {statistics.mean(e):>10.2f} {max(e):>6.1f} "
            f"{statistics.mean(n):>14.2f}"
        )
    every = [x for e in errors.values() for x in e]
    every_naive = [x for n in naive.values() for x in n]
    print(
        f"all    {len(every):>6} {statistics.mean(every):>10.2f} {max(every):>6.1f} "
        f"{statistics.mean(every_naive):>14.2f}"
    )
    print(f"bias (forecast − actual): {statistics.mean(signed):+.2f} points")
    if calls:
        print(
            f"reaches the target by then, or not: right in {right} of {calls} calls "
            f"({100 * right / calls:.0f}%)"
        )

    # The district's total, per group, on the complete days (today is partly reported).
    complete = last - 1
    totals = []
    for key, target in targets.items():
        members = [up.series[key][: complete + 1] for up in progress.units if key in up.series]
        totals.append((members, target))
    terrors = {"old": defaultdict(list), "units": defaultdict(list)}
    tsigned = {"old": [], "units": []}
    compare_totals(totals, complete, terrors, tsigned)
    print(f"\nThe district's total ({', '.join(targets)}), up to yesterday, old method vs units:")
    print_totals(terrors, tsigned)


# --- 2. a generated history -------------------------------------------------------------------

DAYS, TARGET_INDEX = 12, 9
TARGETS = {"staff": 100.0, "residents": 60.0}


def logistic(rng: random.Random, ceiling: float) -> list[float]:
    start = rng.uniform(0, 30)
    mid, steep = rng.uniform(1, 9), rng.uniform(1, 3.5)
    return [
        start
        + (ceiling - start) / (1 + math.exp(-(t - mid) / steep))
        - (ceiling - start) / (1 + math.exp(mid / steep))
        for t in range(DAYS)
    ]


def unit_history(rng: random.Random, key: str, first: int) -> list[Figures | None]:
    if key == "staff":
        ws = rng.randint(10, 80)
        ceiling = 100.0 if rng.random() < 0.8 else 100 * (1 - rng.randint(1, 4) / ws)
        wobble = 0.0
    else:
        ws = rng.randint(1000, 12000)
        ceiling = rng.uniform(35, 58) if rng.random() < 0.25 else rng.uniform(62, 92)
        wobble = 0.005
    curve = logistic(rng, ceiling)
    out: list[Figures | None] = []
    installed = 0
    for t in range(DAYS):
        ws = max(1, round(ws * (1 + rng.uniform(-wobble, wobble))))
        share = max(0.0, curve[t] + rng.gauss(0, 1.0 if key == "residents" else 0.0))
        installed = min(ws, max(installed, round(ws * share / 100)))
        if t < first:
            out.append(None)
        elif t > first and rng.random() < 0.05:
            out.append(out[-1])  # not reported: the latest figures carried forward
        else:
            out.append((ws, installed))
    return out


def generated(seed: int) -> None:
    rng = random.Random(seed)
    districts = []
    for _d in range(40):
        members: dict[str, list[list[Figures | None]]] = {"staff": [], "residents": []}
        for k in range(20):
            first = rng.randint(1, 5) if rng.random() < 1 / 3 else 0
            for key in ("staff", "residents") if k >= 8 else ("staff",):
                members[key].append(unit_history(rng, key, first))
        districts.append(members)

    last = DAYS - 1
    terrors = {"old": defaultdict(list), "units": defaultdict(list)}
    tsigned = {"old": [], "units": []}
    totals = [(d[key], TARGETS[key]) for d in districts for key in TARGETS]
    compare_totals(totals, last, terrors, tsigned)
    print(
        f"\n2. A generated history (seed {seed}): 40 districts of 20 units, {DAYS} days, the "
        f"target date on day {TARGET_INDEX + 1}; each district's total per group, "
        "old method vs units:"
    )
    print_totals(terrors, tsigned)

    # The call made on each day before the target date: met or on track, or at risk?
    tally = {m: {"all": [0, 0], "total": [0, 0]} for m in ("old", "units")}
    base = {"all": 0, "total": 0}
    for members, target in totals:
        percents = [total_percent(members, i) for i in range(DAYS)]
        final = percents[TARGET_INDEX]
        units_final = [m[TARGET_INDEX] for m in members]
        every_unit = all(f is not None and percent(f[1], f[0]) >= target for f in units_final)
        reached = {"all": final >= target and every_unit, "total": final >= target}
        for meaning, yes in reached.items():
            base[meaning] += yes
        target_date = D0 + timedelta(TARGET_INDEX)
        for cutoff in range(1, TARGET_INDEX):
            if sum(p is not None for p in percents[: cutoff + 1]) < 2:
                continue
            day = D0 + timedelta(cutoff)
            calls = {
                "old": project(percents[: cutoff + 1], day, target_date, target).status,
                "units": project_total(
                    [m[: cutoff + 1] for m in members], day, target_date, target
                ).status,
            }
            for method, status in calls.items():
                for meaning, yes in reached.items():
                    tally[method][meaning][0] += 1
                    tally[method][meaning][1] += (status != AT_RISK) == yes
    for meaning, text in (
        ("all", "the total and every unit reached the target"),
        ("total", "the total reached the target"),
    ):
        o, u = tally["old"][meaning], tally["units"][meaning]
        print(
            f"calls right, against “{text}”: old {o[1]} of {o[0]} ({100 * o[1] / o[0]:.0f}%), "
            f"units {u[1]} of {u[0]} ({100 * u[1] / u[0]:.0f}%); reached by "
            f"{base[meaning]} of the {len(totals)} totals"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    demo()
    generated(args.seed)
    print(f"\n(demo history in {DB})")


if __name__ == "__main__":
    main()
