"""How well the data-quality rules find planted anomalies, and how fast they run.

    .venv/bin/python bench/quality.py [--seed 2020] [--units 200] [--province 1000]

Standalone: it makes its own campaigns in a throwaway SQLite file (/tmp, removed first), never
touches var/ and is never part of `make test`. It prints:

1. the share of planted anomalies flagged by their own rule (required ≥ 95%), per kind;
2. the share of clean unit-days flagged by any rule (required ≤ 5%), per rule;
   both on each of two generators of clean data made differently (below), so that a
   threshold tuned on one is held on the other;
3. the time to check one district's whole campaign (required ≤ 1 s) and a province of
   1,000 units (required ≤ 10 s).

The generator: a province of districts, each with 8 offices (staff only) and 12 communes
(staff and residents), 20 reporting days, the target date on day 15. Staff install person by
person (a binomial draw each day among those left; some units keep one or two holdouts who
never install). Residents grow by a unit's own pace in points a day, with log-normal day to
day noise, slowing as they near the unit's ceiling; the number with a smartphone grows as the
counting goes on. Every unit feels the campaign's rhythm (the first days, the days before the
target date, the slower days after it) and its district's own push day; about 4% of the
unit-days are not reported.

The second generator ("wobble", a district code starting with W) makes the same units another
way: the number with a smartphone is an estimate revised by up to ±0.5% either way every day
(residents) or by one person now and then (staff); staff reach 100% in one of three shapes
(a staff meeting where a third to two thirds of those left install at once, a fixed number a
day, a share of those left a day with nothing on Sundays) and stay there; residents follow a
logistic curve toward the unit's ceiling (one commune in six levels off below the target) with
gamma-distributed daily noise and Sundays at half pace; no district push day; days are missed
in runs of 1 to 3, and one unit in ten starts reporting 1 to 3 days late.

On both, one anomaly is then planted in some units:

- decrease: one day's installed typed lower than the day before (half with a note);
- stale: yesterday's figures copied on 2 or 3 more days while below target, then caught up;
- spike: 12 to 25 points of the unit's smartphones added in one day (and kept);
- target_snap: a slow unit's rate set to the target (±0.4 points) on the target date or the
  day before (and kept);
- smartphones_jump: the number with a smartphone cut to 55–78% or raised to 125–150%;
- verified_gap: an inspection whose sample comes from a rate 25 to 40 points below the one
  reported; other units get truthful inspections (their sample drawn at the reported rate).

A planted anomaly is found when its own rule flags that unit and group on one of its days:
the day itself, plus for a typed-low decrease the next day (whose increase is measured from
the wrong figure), and for a copied run the days copied and the catch-up day. Those days are
not counted as clean; every other reported unit-day is.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = Path("/tmp/uptake-bench-quality.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "uptake.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

DAYS = 20
START = date(2020, 8, 1)
TARGET_INDEX = 14  # 15/08
TARGETS = {"staff": 100.0, "residents": 60.0}
OFFICES, COMMUNES = 8, 12
VN = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("decrease", "stale", "spike", "target_snap", "smartphones_jump", "verified_gap")


def day(i: int) -> date:
    return START + timedelta(days=i)


@dataclass
class UnitPlan:
    code: str
    name: str
    kind: str  # office | commune
    district: int
    groups: list[str]
    true: dict[str, list[list[int]]] = field(default_factory=dict)  # group -> [[ws, inst]] per day
    reported: dict[str, list[list[int]]] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)
    missing: set[int] = field(default_factory=set)
    keep: set[int] = field(default_factory=set)  # days an anomaly needs reported


@dataclass
class Planted:
    kind: str
    code: str
    group: str
    days: set[int]


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


def rhythm(i: int, push_day: int) -> float:
    """The campaign's intensity on day ``i``: the first days, the run-up, the district's push."""
    f = {1: 1.6, 2: 1.3}.get(i, 1.0)
    if TARGET_INDEX - 2 <= i <= TARGET_INDEX:
        f *= 1.3
    if i > TARGET_INDEX:
        f *= 0.6
    if i == push_day:
        f *= 2.2
    return f


def staff_series(rng: random.Random, push_day: int, q: float | None = None) -> list[list[int]]:
    size = rng.randint(12, 70)
    ws = round(size * rng.uniform(0.85, 1.0))
    holdouts = rng.choices([0, 1, 2], [0.7, 0.2, 0.1])[0]
    q = q if q is not None else rng.uniform(0.35, 0.7)
    inst = round(ws * rng.uniform(0.05, 0.5))
    cap = ws - holdouts
    out = [[ws, inst]]
    for i in range(1, DAYS):
        inst += binomial(rng, max(cap - inst, 0), min(0.95, q * rhythm(i, push_day)))
        if rng.random() < 0.03:
            ws += 1
            cap += 1
        out.append([ws, inst])
    return out


def residents_series(rng: random.Random, push_day: int, pace: float | None = None):
    ws = rng.randint(1500, 12000)
    pace = pace if pace is not None else rng.uniform(1.5, 5.0)
    ceiling = rng.uniform(62, 90)
    inst = round(ws * rng.uniform(3, 20) / 100)
    out = [[ws, inst]]
    for i in range(1, DAYS):
        if rng.random() < 0.5:
            ws += round(ws * rng.uniform(0, 0.01))
        rate = 100 * inst / ws
        gain = pace * rhythm(i, push_day) * rng.lognormvariate(0, 0.35)
        gain *= max(0.05, 1 - rate / ceiling)
        inst = min(ws, inst + max(0, round(ws * gain / 100)))
        out.append([ws, inst])
    return out


# --- the second generator: made differently ---------------------------------------------------


def wobble_staff_series(
    rng: random.Random, push_day: int, q: float | None = None
) -> list[list[int]]:
    """Staff, the second way: a unit reaches 100% in one of three shapes and stays there.

    ``meeting``: a few a day until the head gathers the staff, when a third to two thirds of
    those left install at once, then the rest; ``steady``: a fixed number a day until all have;
    ``share``: a share of those left each day, never on Sundays. Slow units (given ``q``)
    install a small share of those left each day. The number with a smartphone moves by one
    person now and then, either way (a transfer, a new phone, a phone that broke), never below
    those who installed; installed never goes down.
    """
    size = rng.randint(8, 120)
    ws = max(4, round(size * rng.uniform(0.8, 1.0)))
    shape = "slow" if q is not None else rng.choice(["meeting", "steady", "share"])
    inst = round(ws * rng.uniform(0.0, 0.3))
    meeting = rng.randint(1, 8)
    per_day = max(1, round(ws * rng.uniform(0.08, 0.25)))
    share = rng.uniform(0.25, 0.5)
    out = [[ws, inst]]
    for i in range(1, DAYS):
        if rng.random() < 0.08:
            ws = max(inst, ws + rng.choice([-1, 1]), 1)
        left = ws - inst
        if shape == "meeting":
            p = rng.uniform(0.33, 0.67) if i == meeting else 0.1 if i < meeting else 0.4
            inst += binomial(rng, left, p)
        elif shape == "steady":
            inst += min(left, per_day)
        elif shape == "share":
            inst += binomial(rng, left, share) if i % 7 else 0
        else:
            inst += binomial(rng, left, q)
        out.append([ws, inst])
    return out


def wobble_residents_series(
    rng: random.Random, push_day: int, pace: float | None = None
) -> list[list[int]]:
    """Residents, the second way: an S-curve toward the unit's ceiling, not a decaying pace.

    The number with a smartphone is re-estimated every day by up to ±0.5% either way (the
    door-to-door count revises the estimate), with a slow drift; installed follows a logistic
    curve (its own midpoint and steepness), each day's rise drawn from a gamma distribution
    (shape 3: heavier tails than the first generator's log-normal), Sundays at half pace, and
    about one commune in six levelling off below the target for good (the ceiling).
    """
    ws = rng.randint(800, 15000)
    drift = rng.uniform(-0.001, 0.003)
    ceiling = rng.uniform(40, 58) if rng.random() < 0.17 else rng.uniform(65, 92)
    if pace is not None:  # slow: a late, flat curve
        mid, steep = rng.uniform(14, 22), rng.uniform(4, 7)
    else:
        mid, steep = rng.uniform(2, 11), rng.uniform(2.5, 5)
    start = rng.uniform(2, 15)

    def curve(t: float) -> float:
        return start + (ceiling - start) / (1 + math.exp(-(t - mid) / steep))

    share = min(start, curve(0))
    inst = round(ws * share / 100)
    out = [[ws, inst]]
    for i in range(1, DAYS):
        ws = max(inst, round(ws * (1 + drift + rng.uniform(-0.005, 0.005))))
        rise = max(0.0, curve(i) - curve(i - 1))
        rise *= rng.gammavariate(3, 1 / 3) * (0.5 if i % 7 == 0 else 1.0)
        share = min(ceiling, share + rise)
        inst = min(ws, max(inst, round(ws * share / 100)))
        out.append([ws, inst])
    return out


def growth_missing(rng: random.Random, p: UnitPlan) -> None:
    """About 4% of the unit-days, one here and there."""
    for i in range(1, DAYS):
        if i not in p.keep and rng.random() < 0.04:
            p.missing.add(i)


def wobble_missing(rng: random.Random, p: UnitPlan) -> None:
    """Runs of 1 to 3 days (about 4% of the unit-days), and one unit in ten starting 1 to 3
    days late (its first report on day 2 to 4)."""
    if rng.random() < 0.1:
        late = rng.randint(1, 3)
        first_kept = min(p.keep, default=DAYS)
        p.missing |= set(range(min(late, first_kept)))
    i = 1
    while i < DAYS:
        if rng.random() < 0.02:
            run = rng.randint(1, 3)
            p.missing |= {j for j in range(i, min(DAYS, i + run)) if j not in p.keep}
            i += run
        i += 1


@dataclass(frozen=True)
class Generator:
    name: str
    staff: object
    residents: object
    missing: object


GENERATORS = {
    "growth": Generator("growth", staff_series, residents_series, growth_missing),
    "wobble": Generator("wobble", wobble_staff_series, wobble_residents_series, wobble_missing),
}


def generate(
    rng: random.Random, units: int, prefix: str, plant: bool, make: Generator = GENERATORS["growth"]
):
    """The campaign file, the units' figures and the planted anomalies."""
    districts = max(1, units // (OFFICES + COMMUNES))
    plans: list[UnitPlan] = []
    tree = []
    for d in range(districts):
        code = f"{prefix}{d:03d}"
        children = []
        for k in range(OFFICES + COMMUNES):
            office = k < OFFICES
            ucode = f"{code}-{'P' if office else 'X'}{k:02d}"
            groups = ["staff"] if office else ["staff", "residents"]
            plans.append(
                UnitPlan(
                    ucode,
                    f"{'Phòng' if office else 'Xã'} {ucode}",
                    "office" if office else "commune",
                    d,
                    groups,
                )
            )
            children.append(
                {"code": ucode, "name": plans[-1].name, "kind": plans[-1].kind, "reports": groups}
            )
        tree.append({"code": code, "name": f"Huyện {code}", "kind": "district", "units": children})
    data = {
        "slug": f"bench-{prefix.lower()}",
        "app": "Bluezone",
        "title": "Bench",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": START,
        "target_date": day(TARGET_INDEX),
        "end": day(DAYS - 1),
        "coordinator": tree[0]["units"][0]["code"],
        "groups": {
            "staff": {"name": "Cán bộ", "target_percent": TARGETS["staff"]},
            "residents": {"name": "Người dân", "target_percent": TARGETS["residents"]},
        },
        "units": [{"code": prefix, "name": f"Tỉnh {prefix}", "kind": "province", "units": tree}],
    }

    push_days = [rng.randint(3, 12) for _ in range(districts)]
    offices = [p for p in plans if p.kind == "office"]
    communes = [p for p in plans if p.kind == "commune"]
    rng.shuffle(offices)
    rng.shuffle(communes)
    per = max(1, len(plans) * 16 // 200)
    quota = {  # (communes, offices) per kind
        "target_snap": (per * 2 // 3, per - per * 2 // 3),
        "spike": (per, 0),
        "smartphones_jump": (per * 3 // 4, per - per * 3 // 4),
        "decrease": (per // 2, per - per // 2),
        "stale": (per * 5 // 8, per - per * 5 // 8),
        "verified_gap": (per * 3 // 4, per - per * 3 // 4),
    }
    # Slow units, for the target snaps (the rule is about a jump after slow growth).
    slow = set()
    if plant:
        nc, no = quota["target_snap"]
        slow = {p.code for p in communes[: nc + 2] + offices[: no + 2]}
    for p in plans:
        push = push_days[p.district]
        is_slow = p.code in slow
        p.true["staff"] = make.staff(
            rng, push, q=rng.uniform(0.03, 0.08) if is_slow and p.kind == "office" else None
        )
        if "residents" in p.groups:
            p.true["residents"] = make.residents(
                rng, push, pace=rng.uniform(0.6, 1.5) if is_slow else None
            )
        p.reported = {g: [list(x) for x in s] for g, s in p.true.items()}

    planted: list[Planted] = []
    inspections = []
    if plant:
        for kind, (nc, no) in quota.items():
            for pool, need in ((communes, nc), (offices, no)):
                candidates = [p for p in pool if (p.code in slow) == (kind == "target_snap")]
                got = 0
                for p in candidates:
                    if got == need:
                        break
                    found = PLANTERS[kind](rng, p)
                    if found is None:
                        continue
                    pool.remove(p)
                    got += 1
                    if kind == "verified_gap":
                        planted.append(found[0])
                        inspections.append(found[1])
                    else:
                        planted.append(found)
        clean_inspected = [p for p in communes if p.code not in slow][:per]
        clean_inspected += [p for p in offices if p.code not in slow][: per // 2]
        for p in clean_inspected:
            group = "residents" if p.kind == "commune" else "staff"
            i = rng.randint(7, DAYS - 1)
            p.keep.add(i)
            ws, inst = p.reported[group][i]
            n = min(ws, rng.randint(30, 60)) if group == "residents" else min(ws, 20)
            inspections.append((p.code, group, i, n, binomial(rng, n, inst / ws)))

    for p in plans:
        make.missing(rng, p)
    return data, plans, planted, inspections


# --- planting ----------------------------------------------------------------------------------


def _group(p: UnitPlan) -> str:
    return "residents" if "residents" in p.groups else "staff"


def _cumulative(s: list[list[int]], i: int) -> None:
    """After a planted change from day ``i``: installed never goes down again on later days and
    the number with a smartphone is never below it (a planted change capped by a smartphone
    count that wobbles down would otherwise plant a decrease too)."""
    for j in range(i + 1, len(s)):
        s[j][1] = max(s[j][1], s[j - 1][1])
        s[j][0] = max(s[j][0], s[j][1])


def plant_decrease(rng, p: UnitPlan):
    g = _group(p)
    s = p.reported[g]
    for i in rng.sample(range(3, DAYS - 1), DAYS - 4):
        prev = s[i - 1][1]
        if prev < 5:
            continue
        k = rng.randint(1, 3) if g == "staff" else max(1, round(prev * rng.uniform(0.005, 0.03)))
        s[i][1] = prev - k
        if rng.random() < 0.5:
            p.notes[i] = "Sửa số liệu: đếm trùng"
        p.keep |= {i - 1, i, i + 1}
        return Planted("decrease", p.code, g, {i, i + 1})
    return None


def plant_stale(rng, p: UnitPlan):
    g = _group(p)
    s = p.reported[g]
    copies = rng.choice([2, 3])
    for i in rng.sample(range(3, 11), 8):
        ws, inst = s[i - 1]
        if 100 * inst / ws >= TARGETS[g] or any(
            x[1] * 100 / x[0] >= TARGETS[g] for x in s[i : i + copies]
        ):
            continue
        if all(x == [ws, inst] for x in s[i : i + copies]):
            continue  # the figures did not move anyway: copying them plants nothing
        for j in range(i, i + copies):
            s[j] = [ws, inst]
        p.keep |= set(range(i - 1, i + copies + 1))
        return Planted("stale", p.code, g, set(range(i, i + copies + 1)))
    return None


def plant_spike(rng, p: UnitPlan):
    s = p.reported["residents"]
    i = rng.randint(4, DAYS - 2)
    jump = rng.uniform(12, 25)
    for j in range(i, DAYS):
        ws, inst = s[j]
        s[j][1] = min(ws, inst + round(ws * jump / 100))
    _cumulative(s, i)
    p.keep |= {i - 1, i}
    return Planted("spike", p.code, "residents", {i})


def plant_target_snap(rng, p: UnitPlan):
    g = _group(p)
    s = p.reported[g]
    i = rng.choice([TARGET_INDEX - 1, TARGET_INDEX])
    ws, inst = s[i]
    if 100 * s[i - 1][1] / ws >= TARGETS[g] - 8:
        return None
    offset = rng.uniform(-0.4, 0.4) if g == "residents" else 0
    snapped = min(ws, round(ws * (TARGETS[g] + offset) / 100))
    delta = snapped - inst
    for j in range(i, DAYS):
        s[j][1] = min(s[j][0], s[j][1] + delta)
    _cumulative(s, i)
    p.keep |= {i - 1, i}
    return Planted("target_snap", p.code, g, {i})


def plant_smartphones_jump(rng, p: UnitPlan):
    g = _group(p)
    s = p.reported[g]
    i = rng.randint(3, DAYS - 2)
    if g == "staff" and s[i - 1][0] < 40:
        factor = rng.uniform(1.35, 1.6)  # a small office found many more phones
    else:
        factor = rng.uniform(0.55, 0.78) if rng.random() < 0.7 else rng.uniform(1.25, 1.5)
    for j in range(i, DAYS):
        ws = round(s[j][0] * factor)
        s[j] = [ws, min(ws, s[j][1])]
    _cumulative(s, i)
    p.keep |= {i - 1, i}
    return Planted("smartphones_jump", p.code, g, {i})


def plant_verified_gap(rng, p: UnitPlan):
    g = _group(p)
    s = p.reported[g]
    i = rng.randint(7, DAYS - 1)
    ws, inst = s[i]
    reported = 100 * inst / ws
    true = max(3.0, reported - rng.uniform(25, 40))
    n = min(ws, rng.randint(30, 60)) if g == "residents" else min(ws, 20)
    p.keep.add(i)
    return (
        Planted("verified_gap", p.code, g, {i}),
        (p.code, g, i, n, binomial(rng, n, true / 100)),
    )


PLANTERS = {
    "decrease": plant_decrease,
    "stale": plant_stale,
    "spike": plant_spike,
    "target_snap": plant_target_snap,
    "smartphones_jump": plant_smartphones_jump,
    "verified_gap": plant_verified_gap,
}


# --- storing -------------------------------------------------------------------------------------


def store(data, plans, inspections):
    from uptake.campaigns.loader import load_campaign
    from uptake.quality.models import Inspection, Method
    from uptake.reports.models import Report
    from uptake.units.models import Unit

    campaign, _stats = load_campaign(data)
    ids = dict(Unit.objects.filter(code__in=[p.code for p in plans]).values_list("code", "id"))
    rows = []
    for p in plans:
        for i in range(DAYS):
            if i in p.missing:
                continue
            at = datetime.combine(day(i), clock(10, 0), tzinfo=VN)
            rows.append(
                Report(
                    campaign=campaign,
                    unit_id=ids[p.code],
                    date=day(i),
                    status="on_time",
                    first_submitted_at=at,
                    submitted_at=at,
                    figures={
                        g: {"with_smartphone": s[i][0], "installed": s[i][1]}
                        for g, s in p.reported.items()
                    },
                    note=p.notes.get(i, ""),
                )
            )
    Report.objects.bulk_create(rows, batch_size=2000)
    Inspection.objects.bulk_create(
        [
            Inspection(
                campaign=campaign,
                unit_id=ids[code],
                date=day(i),
                inspector="Bench",
                method=Method.VISITING if g == "residents" else Method.STAFF_PHONES,
                group=g,
                sample_size=n,
                with_app=x,
            )
            for code, g, i, n, x in inspections
        ]
    )
    return campaign, len(rows)


def found_and_tripped(campaign, plans, planted) -> tuple[float, float]:
    """Print and return the share of planted anomalies found by their own rule and the share of
    clean unit-days flagged by any rule."""
    from uptake.quality.models import Flag

    flags = list(
        Flag.objects.filter(campaign=campaign).values_list("unit__code", "date", "group", "rule")
    )
    by_key = defaultdict(set)
    by_unit_day = defaultdict(set)
    for code, d, group, rule in flags:
        by_key[(code, group, rule)].add((d - START).days)
        by_unit_day[(code, (d - START).days)].add(rule)

    print("\nplanted anomalies flagged by their own rule")
    found_total = 0
    for kind in KINDS:
        mine = [a for a in planted if a.kind == kind]
        found = [a for a in mine if by_key[(a.code, a.group, kind)] & a.days]
        found_total += len(found)
        missed = ", ".join(f"{a.code}/{a.group}/d{min(a.days) + 1}" for a in mine if a not in found)
        print(
            f"  {kind:17} {len(found):3} of {len(mine):3}"
            + (f"   missed: {missed}" if missed else "")
        )
    planted_share = found_total / len(planted)
    print(
        f"  {'all':17} {found_total:3} of {len(planted):3} = {100 * planted_share:.1f}%"
        "  (≥ 95% required)"
    )

    anomalous = {(a.code, i) for a in planted for i in a.days}
    clean = [
        (p.code, i)
        for p in plans
        for i in range(DAYS)
        if i not in p.missing and (p.code, i) not in anomalous
    ]
    flagged = [k for k in clean if by_unit_day.get(k)]
    per_rule = Counter(rule for k in flagged for rule in by_unit_day[k])
    clean_share = len(flagged) / len(clean)
    print("\nclean unit-days flagged by any rule")
    for rule, n in sorted(per_rule.items()):
        print(f"  {rule:17} {n:4}")
    print(
        f"  {'all':17} {len(flagged):4} of {len(clean)} = {100 * clean_share:.2f}%  (≤ 5% required)"
    )
    return planted_share, clean_share


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--province", type=int, default=1000)
    args = parser.parse_args()

    DB.unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from uptake.quality.actions import check_quality, refresh_flags
    from uptake.quality.models import Flag
    from uptake.units.models import Unit

    ok = True
    first = None
    for n, (prefix, make) in enumerate((("B", GENERATORS["growth"]), ("W", GENERATORS["wobble"]))):
        rng = random.Random(args.seed + 10 * n)
        data, plans, planted, inspections = generate(rng, args.units, prefix, True, make)
        campaign, nreports = store(data, plans, inspections)
        print(
            f"\n=== generator {make.name!r}: campaign {campaign.slug}: {len(plans)} units, "
            f"{DAYS} days, {nreports} reports, {len(inspections)} inspections, "
            f"{len(planted)} planted anomalies (seed {args.seed + 10 * n})"
        )
        started = time.perf_counter()
        check_quality(campaign)
        whole = time.perf_counter() - started
        print(f"checked in {whole:.2f} s: {Flag.objects.filter(campaign=campaign).count()} flags")
        planted_share, clean_share = found_and_tripped(campaign, plans, planted)
        ok = ok and planted_share >= 0.95 and clean_share <= 0.05
        first = first or (campaign, data)

    print("\n=== timing (the first generator's campaign, then a province)")
    campaign, data = first
    district = Unit.objects.get(code=data["units"][0]["units"][0]["code"])
    Flag.objects.filter(campaign=campaign, unit__path__startswith=district.path).delete()
    started = time.perf_counter()
    check_quality(campaign, district)
    t_district = time.perf_counter() - started
    started = time.perf_counter()
    refresh_flags(campaign, district)
    t_fresh = time.perf_counter() - started
    print(
        f"one district ({OFFICES + COMMUNES} units), whole campaign: {t_district * 1000:.0f} ms"
        f"  (≤ 1 s required); already fresh: {t_fresh * 1000:.0f} ms"
    )

    rng = random.Random(args.seed + 1)
    data, plans, _planted, inspections = generate(rng, args.province, "Q", plant=False)
    province, nreports = store(data, plans, inspections)
    started = time.perf_counter()
    result = check_quality(province)
    t_province = time.perf_counter() - started
    print(
        f"a province of {result.units} units, {nreports} reports: {t_province:.2f} s "
        f"(≤ 10 s required), {result.flags} flags"
    )
    started = time.perf_counter()
    refresh_flags(province)
    print(f"  already fresh: {1000 * (time.perf_counter() - started):.0f} ms")

    ok = ok and t_district <= 1 and t_province <= 10
    print("\nOK" if ok else "\nNOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
