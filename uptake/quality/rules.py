"""The data-quality rules: where a coordinator should look, and why.

Each rule reads a unit's reports of one group, oldest first (a ``Series`` of ``Point``), and
yields ``Finding`` objects: the unit, the date, the group, the rule's key and severity, and the
evidence (the figures behind the finding, stored as JSON on the ``Flag``). ``describe()`` turns
a finding's evidence into the sentence a coordinator reads, in the active language.

The rules are plain functions without database access, so that they are tested on hand-made
histories and timed on a generated province (bench/quality.py). ``check_quality()`` in
actions.py loads the reports, calls ``evaluate()`` and stores the findings as flags.

Thresholds, tuned on bench/quality.py's first generator and held on its second, made
differently (both plant every kind of anomaly at known units and days, and report what is
found and what clean data trips):

- ``decrease``: installed below the unit's previous report. Medium, or low when the report's
  note explains the correction (#2 accepts it then). Only installed: it is a cumulative count
  (a person who installed the app stays counted). The number with a smartphone is a stock, an
  estimate that door-to-door counting revises up and down a little every day; flagging every
  revision flagged 25% of the clean unit-days of bench/quality.py's second generator
  (counts that wobble by up to ±0.5% a day). ``smartphones_jump`` alone watches it.
- ``stale``: the same (with a smartphone, installed) on ``STALE_RUN`` = 3 or more consecutive
  reports while the group is below target by at least ``STALE_MIN_SHORT`` = 3 people. An
  office one or two people short of 100% for days is common and genuine (a phone too old for
  the app, a refusal); on the generator, counting those as stale flagged 23% of the clean
  unit-days. A copy while three or more people are still to go is what it is after.
- ``spike``: the rise of installed in a day, in points of the unit's smartphones per day (so
  a commune of 10,000 and an office of 30 compare; a gap of days is spread over its days), is
  an outlier by Iglewicz and Hoaglin's modified z-score, M = 0.6745 (x − median) / MAD > 3.5,
  against both the unit's other days (its own pace) and its peers' rises on the same day
  (the other units under the same parent reporting the group: the district's push that day).
  Both, because a district-wide push day is an outlier against a unit's own days only, and a
  unit that is always fast against its peers only. The MAD is floored at half a point and at
  3 people's worth of the unit's smartphones: an office of 30 moves in steps of 3.3 points
  and installs all at once when its head says so, which is no anomaly (on the generator, a
  one-person floor doubled the clean unit-days flagged as spikes, all offices' first days).
- ``target_snap``: on the target date or up to ``SNAP_WINDOW_DAYS`` = 2 days before, the rate
  lands within 0.5 points of the target with a jump of at least 5 points and 3 people, and a
  daily rise at least 3 times the unit's median daily pace before it (slow growth, then
  exactly the target).
- ``smartphones_jump``: the smartphone count changes by more than 20% and more than 5 phones
  from one report to the next (a recount that shrinks the base lifts the rate for free; a
  staff list that grows by a third overnight needs a word). With more than 10 phones, a quarter
  of the jumps planted in offices of 10 to 40 staff went unseen; clean data never changes so.
- ``verified_gap``: an inspection's 95% Wilson interval lies entirely below the rate the unit
  reported (its latest report on or before the inspection date, in the inspected group).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from uptake.quality.models import Rule, Severity
from uptake.quality.stats import modified_z, wilson_interval
from uptake.reports.templatetags.uptake_extras import num

STALE_RUN = 3
STALE_MIN_SHORT = 3  # people short of the target
SPIKE_THRESHOLD = 3.5
SPIKE_MIN_SPREAD = 0.5  # points per day
SPIKE_FLOOR_PEOPLE = 3  # the spread is at least this many people's worth of the unit
SNAP_WINDOW_DAYS = 2
SNAP_TOLERANCE = 0.5  # points
SNAP_MIN_JUMP = 5.0  # points
SNAP_MIN_PEOPLE = 3
SNAP_PACE_FACTOR = 3.0
PHONES_SHARE = 0.20
PHONES_MIN = 5


@dataclass(frozen=True)
class Point:
    """A unit's figures for one group on one day (its report's latest revision)."""

    date: date
    with_smartphone: int
    installed: int
    note: str = ""

    @property
    def rate(self) -> float | None:
        """Installed per 100 with a smartphone, unrounded; None without smartphones."""
        if not self.with_smartphone:
            return None
        return 100 * self.installed / self.with_smartphone


@dataclass
class Series:
    """One unit's reports of one group, oldest first."""

    unit_id: int
    group: str
    points: list[Point]

    def on_or_before(self, day: date) -> Point | None:
        found = None
        for point in self.points:
            if point.date > day:
                break
            found = point
        return found


@dataclass(frozen=True)
class InspectionResult:
    id: int
    unit_id: int
    group: str
    date: date
    sample_size: int
    with_app: int


@dataclass
class Finding:
    unit_id: int
    date: date
    group: str
    rule: str
    severity: str
    evidence: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.unit_id, self.date, self.group, self.rule)


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _pairs(series: Series) -> Iterator[tuple[Point, Point]]:
    points = series.points
    return zip(points, points[1:], strict=False)


def daily_rate(prev: Point, cur: Point) -> float:
    """The rise of installed per day, in points of the unit's smartphones (its size)."""
    days = max((cur.date - prev.date).days, 1)
    size = max(prev.with_smartphone, cur.with_smartphone, 1)
    return 100 * (cur.installed - prev.installed) / size / days


# --- the rules -------------------------------------------------------------------------------


CUMULATIVE = ("installed",)  # the figures that never go down; with_smartphone is a stock


def decrease(series: Series) -> Iterator[Finding]:
    for prev, cur in _pairs(series):
        fields = {
            name: [getattr(prev, name), getattr(cur, name)]
            for name in CUMULATIVE
            if getattr(cur, name) < getattr(prev, name)
        }
        if fields:
            yield Finding(
                series.unit_id,
                cur.date,
                series.group,
                Rule.DECREASE,
                Severity.LOW if cur.note.strip() else Severity.MEDIUM,
                {"previous_date": prev.date.isoformat(), "fields": fields, "note": cur.note},
            )


def stale(series: Series, target: float) -> Iterator[Finding]:
    run_start = 0
    points = series.points
    for i, cur in enumerate(points):
        if i and (cur.with_smartphone, cur.installed) != (
            points[i - 1].with_smartphone,
            points[i - 1].installed,
        ):
            run_start = i
        run = i - run_start + 1
        short = cur.with_smartphone * target / 100 - cur.installed
        below = cur.rate is None or (cur.rate < target and short >= STALE_MIN_SHORT)
        if run >= STALE_RUN and below:
            yield Finding(
                series.unit_id,
                cur.date,
                series.group,
                Rule.STALE,
                Severity.MEDIUM,
                {
                    "since": points[run_start].date.isoformat(),
                    "reports": run,
                    "with_smartphone": cur.with_smartphone,
                    "installed": cur.installed,
                    "percent": _r(cur.rate),
                    "target": target,
                },
            )


def smartphones_jump(series: Series) -> Iterator[Finding]:
    for prev, cur in _pairs(series):
        change = cur.with_smartphone - prev.with_smartphone
        if prev.with_smartphone and abs(change) > PHONES_MIN:
            share = change / prev.with_smartphone
            if abs(share) > PHONES_SHARE:
                yield Finding(
                    series.unit_id,
                    cur.date,
                    series.group,
                    Rule.SMARTPHONES_JUMP,
                    Severity.MEDIUM,
                    {
                        "previous_date": prev.date.isoformat(),
                        "before": prev.with_smartphone,
                        "after": cur.with_smartphone,
                        "share": _r(100 * share),
                    },
                )


def target_snap(series: Series, target: float, target_date: date) -> Iterator[Finding]:
    window_start = target_date - timedelta(days=SNAP_WINDOW_DAYS)
    rates: list[float] = []  # the unit's daily rates so far, for its pace
    for prev, cur in _pairs(series):
        rate = daily_rate(prev, cur)
        if (
            window_start <= cur.date <= target_date
            and cur.rate is not None
            and prev.rate is not None
            and abs(cur.rate - target) <= SNAP_TOLERANCE
        ):
            jump = cur.rate - prev.rate
            pace = median(rates) if rates else 0.0
            person = 100 / max(cur.with_smartphone, 1)
            if (
                jump >= SNAP_MIN_JUMP
                and jump >= SNAP_MIN_PEOPLE * person
                and rate >= SNAP_PACE_FACTOR * max(pace, person)
            ):
                yield Finding(
                    series.unit_id,
                    cur.date,
                    series.group,
                    Rule.TARGET_SNAP,
                    Severity.HIGH,
                    {
                        "previous_date": prev.date.isoformat(),
                        "previous_percent": _r(prev.rate),
                        "percent": _r(cur.rate, 2),
                        "target": target,
                        "jump": _r(jump),
                        "pace": _r(pace),
                    },
                )
        rates.append(rate)


def spike(peers: list[Series]) -> Iterator[Finding]:
    """Outlying daily increases among ``peers``: the series of one group under one parent."""
    rates: dict[int, dict[date, tuple[float, Point, Point]]] = {}
    by_day: dict[date, dict[int, float]] = defaultdict(dict)
    for s in peers:
        mine = rates[s.unit_id] = {}
        for prev, cur in _pairs(s):
            r = daily_rate(prev, cur)
            mine[cur.date] = (r, prev, cur)
            by_day[cur.date][s.unit_id] = r
    for s in peers:
        mine = rates[s.unit_id]
        for day, (r, prev, cur) in mine.items():
            if r <= 0:
                continue
            floor = max(SPIKE_MIN_SPREAD, SPIKE_FLOOR_PEOPLE * 100 / max(cur.with_smartphone, 1))
            own = [x for d, (x, _p, _c) in mine.items() if d != day]
            z_own = modified_z(r, own, floor)
            if z_own is None or z_own <= SPIKE_THRESHOLD:
                continue
            others = [x for unit, x in by_day[day].items() if unit != s.unit_id]
            z_peer = modified_z(r, others, floor)
            if z_peer is not None and z_peer <= SPIKE_THRESHOLD:
                continue
            yield Finding(
                s.unit_id,
                day,
                s.group,
                Rule.SPIKE,
                Severity.MEDIUM,
                {
                    "previous_date": prev.date.isoformat(),
                    "increase": cur.installed - prev.installed,
                    "rate": _r(r),
                    "own_median": _r(median(own)),
                    "peer_median": _r(median(others)) if z_peer is not None else None,
                    "z_own": _r(z_own),
                    "z_peer": _r(z_peer),
                },
            )


def verified_gap(
    inspections: Iterable[InspectionResult], series: dict[tuple[int, str], Series]
) -> Iterator[Finding]:
    worst: dict[tuple, Finding] = {}
    for insp in inspections:
        s = series.get((insp.unit_id, insp.group))
        point = s.on_or_before(insp.date) if s else None
        if point is None or point.rate is None or insp.sample_size <= 0:
            continue
        low, high = wilson_interval(insp.with_app, insp.sample_size)
        reported = point.rate / 100
        if reported <= high:
            continue
        finding = Finding(
            insp.unit_id,
            insp.date,
            insp.group,
            Rule.VERIFIED_GAP,
            Severity.HIGH,
            {
                "inspection": insp.id,
                "sample_size": insp.sample_size,
                "with_app": insp.with_app,
                "verified": _r(100 * insp.with_app / insp.sample_size),
                "low": _r(100 * low),
                "high": _r(100 * high),
                "reported": _r(point.rate),
                "reported_date": point.date.isoformat(),
            },
        )
        gap = reported - high
        previous = worst.get(finding.key)
        if (
            previous is None
            or gap > (previous.evidence["reported"] - previous.evidence["high"]) / 100
        ):
            worst[finding.key] = finding
    yield from worst.values()


def evaluate(
    peer_groups: Iterable[list[Series]],
    targets: dict[str, float],
    target_date: date,
    inspections: Iterable[InspectionResult] = (),
) -> list[Finding]:
    """Every finding of every rule. ``peer_groups``: the series of one group under one parent."""
    found: list[Finding] = []
    index: dict[tuple[int, str], Series] = {}
    for peers in peer_groups:
        for s in peers:
            index[(s.unit_id, s.group)] = s
            target = targets.get(s.group, 100.0)
            found += decrease(s)
            found += stale(s, target)
            found += smartphones_jump(s)
            found += target_snap(s, target, target_date)
        found += spike(peers)
    found += verified_gap(inspections, index)
    return found


# --- what a coordinator reads ----------------------------------------------------------------


def _n(value) -> str:
    """5.200 in Vietnamese, 5,200 in English."""
    return num(value) if value is not None else "–"


def _p(value, decimals: int = 1) -> str:
    return num(float(value), decimals) if value is not None else "–"


def _t(target) -> str:
    """A target as written in the campaign file: 60, or 62.5."""
    return _p(target, 0 if float(target).is_integer() else 1)


def _d(iso: str) -> str:
    return date_format(date.fromisoformat(iso), "d/m/Y")


def describe(rule: str, group: str, e: dict) -> str:
    """The finding in a sentence, with its evidence."""
    try:
        return _describe(rule, e)
    except (KeyError, TypeError, ValueError):
        return str(Rule(rule).label) if rule in Rule.values else rule


def _describe(rule: str, e: dict) -> str:
    if rule == Rule.DECREASE:
        parts = []
        for name, (before, after) in e["fields"].items():
            label = _("Installed") if name == "installed" else _("With a smartphone")
            parts.append(
                _("%(field)s fell from %(before)s to %(after)s")
                % {"field": label, "before": _n(before), "after": _n(after)}
            )
        text = _("%(changes)s since the report of %(day)s.") % {
            "changes": "; ".join(parts),
            "day": _d(e["previous_date"]),
        }
        if e.get("note"):
            text += " " + _("Note: %(note)s") % {"note": e["note"]}
        return text
    if rule == Rule.STALE:
        return _(
            "The same figures (%(installed)s of %(phones)s, %(percent)s%%) on %(reports)s "
            "reports in a row since %(since)s, below the %(target)s%% target."
        ) % {
            "installed": _n(e["installed"]),
            "phones": _n(e["with_smartphone"]),
            "percent": _p(e["percent"]),
            "reports": e["reports"],
            "since": _d(e["since"]),
            "target": _t(e["target"]),
        }
    if rule == Rule.SPIKE:
        text = _(
            "Installed rose by %(increase)s since %(since)s: %(rate)s points a day, against "
            "the unit's usual %(own)s"
        ) % {
            "increase": _n(e["increase"]),
            "since": _d(e["previous_date"]),
            "rate": _p(e["rate"]),
            "own": _p(e["own_median"]),
        }
        if e.get("peer_median") is not None:
            text += _(" and its peers' %(peers)s that day") % {"peers": _p(e["peer_median"])}
        return text + "."
    if rule == Rule.TARGET_SNAP:
        return _(
            "Jumped from %(before)s%% to %(after)s%%, at the %(target)s%% target, just before "
            "the target date; it had been rising %(pace)s points a day."
        ) % {
            "before": _p(e["previous_percent"]),
            "after": _p(e["percent"], 2 if e["percent"] % 1 else 1),
            "target": _t(e["target"]),
            "pace": _p(e["pace"]),
        }
    if rule == Rule.SMARTPHONES_JUMP:
        return _(
            "The number with a smartphone went from %(before)s to %(after)s (%(share)s%%) "
            "since %(since)s."
        ) % {
            "before": _n(e["before"]),
            "after": _n(e["after"]),
            "share": ("+" if e["share"] > 0 else "") + _p(e["share"]),
            "since": _d(e["previous_date"]),
        }
    if rule == Rule.VERIFIED_GAP:
        return _(
            "Inspection: %(with_app)s of %(sample)s had the app (%(verified)s%%, 95%% interval "
            "%(low)s–%(high)s%%), but the unit reported %(reported)s%% on %(day)s."
        ) % {
            "with_app": _n(e["with_app"]),
            "sample": _n(e["sample_size"]),
            "verified": _p(e["verified"]),
            "low": _p(e["low"]),
            "high": _p(e["high"]),
            "reported": _p(e["reported"]),
            "day": _d(e["reported_date"]),
        }
    raise ValueError(rule)
