"""Backtest of the dashboard's projection on the demo's history: how far its forecast falls
from what the units actually reached.

    DJANGO_SETTINGS_MODULE=uptake.settings .venv/bin/python bench/backtest_projection.py

Runs ``manage.py demo`` into a throwaway SQLite file in /tmp. For every unit and group, and
for every day d with at least two days of history, the projection made from the days up to d
(uptake.documents.projection: a least-squares line through the last four days' percent,
capped at 0-100%) is compared with the percent the unit actually had h days later, for every
h that the history covers (past days, and today for the units that have reported today).
It prints the mean absolute error in percentage points per horizon, against a naive forecast
that assumes no more growth (today's percent), and how often the on-track / at-risk call
against the group's target came out right.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections import defaultdict
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

from uptake.campaigns.models import Campaign  # noqa: E402
from uptake.documents.progress import Progress  # noqa: E402
from uptake.documents.projection import WINDOW, extrapolate  # noqa: E402
from uptake.reports.models import Status  # noqa: E402


def main() -> None:
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
        f"Backtest of the projection (least-squares line through the last {WINDOW} days, "
        f"capped 0-100%) on the demo: {units} units, days {progress.days[0]:%d/%m} to "
        f"{today:%d/%m} (today partly reported)."
    )
    print(f"{'ahead':>6} {'cases':>6} {'MAE (pts)':>10} {'max':>6} {'no-growth MAE':>14}")
    for h in sorted(errors):
        e, n = errors[h], naive[h]
        print(
            f"{h:>5}d {len(e):>6} {statistics.mean(e):>10.2f} {max(e):>6.1f} "
            f"{statistics.mean(n):>14.2f}"
        )
    every, every_naive = (
        [x for e in errors.values() for x in e],
        [x for n in naive.values() for x in n],
    )
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
    print(f"(demo history in {DB})")


if __name__ == "__main__":
    main()
