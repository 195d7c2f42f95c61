"""What a compilation freezes: the #2 summary of its day and what the documents need besides.

``build_snapshot(campaign, day)`` returns plain JSON: the summary's ``as_dict()`` (the API's
format) plus the campaign's letterhead, its groups, the units furthest from target, the
activities with the units below their daily minimum, the history by day (for the chart and the
per-group sheets), the projection, the corrections made since the previous report and the
data-quality annex (the open flags, the inspections that do not bear the figures out).
Its queries do not grow with the number of units.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation

from uptake.campaigns.models import Campaign, Coordination
from uptake.campaigns.scope import Scope
from uptake.documents.progress import Progress
from uptake.documents.projection import project
from uptake.reports.models import Revision, percent
from uptake.reports.summary import Summary, build_summary
from uptake.units.models import Unit

VERSION = 1
FURTHEST = 5  # units listed per group as the furthest from target


PLACE_PREFIXES = ("Thành phố", "Thị xã", "Thị trấn", "Huyện", "Tỉnh", "Quận", "Phường", "Xã")


def place_name(unit: Unit) -> str:
    """ "Huyện Tân Hồng" → "Tân Hồng", as in "Tân Hồng, ngày 17 tháng 8 năm 2020"."""
    for prefix in PLACE_PREFIXES:
        if unit.name.startswith(prefix + " "):
            return unit.name[len(prefix) + 1 :]
    return unit.name


def document_settings(campaign: Campaign, level: Coordination | None = None) -> dict:
    """The level's ``document`` from the campaign file (the top level's is the file's top-level
    ``document``), its gaps filled with a plain letterhead made from its units: the office's
    name, the People's Committee of its unit, the top level's symbol."""
    top = (campaign.source or {}).get("document") or {}
    if level is None or level.unit_id == campaign.root_id:
        if top:
            return top
        found: dict = {}
        unit, office = campaign.root, campaign.coordinator
    else:
        found = dict(level.document or {})
        unit, office = level.unit, level.office
        if "issuer" in found:
            return found
    return {
        "parent_issuer": f"UBND {unit.name.upper()}" if level is not None else "",
        "issuer": office.name.upper(),
        "place": place_name(unit),
        "symbol": top.get("symbol") or "BC",
        "signer": {"authority": "", "capacity": "", "title": "", "name": ""},
        "recipients": found.get("recipients", []),
    }


def build_snapshot(campaign: Campaign, day: date, level: Coordination | None = None) -> dict:
    """The summary of ``level``'s subtree (the campaign's top level by default) and what its
    documents need. A level with levels below it builds on them (#14): one row per level
    directly below, with its figures as its approved report of the day gave them, or today's
    figures marked not approved; its totals add those rows up."""
    if level is None:
        level = Scope.system(campaign).top
    root = level.unit
    office = level.office
    summary = build_summary(campaign, day, root)
    progress = Progress.build(campaign, day, root)
    data = summary.as_dict()
    names = {row.unit.code: row.unit.name for row in summary.rows}
    data.update(
        {
            "version": VERSION,
            "made_at": timezone.now().astimezone(campaign.tz).isoformat(),
            "campaign_info": {
                "slug": campaign.slug,
                "app": campaign.app,
                "title": campaign.title,
                "timezone": campaign.timezone,
                "start": campaign.start.isoformat(),
                "target_date": campaign.target_date.isoformat(),
                "end": campaign.end.isoformat(),
                "report_due": campaign.report_due.strftime("%H:%M"),
                "compile_at": level.compile_time().strftime("%H:%M"),
                "root": root.code,
                "root_name": root.name,
                "root_kind": root.kind,
                "coordinator": office.code,
                "coordinator_name": office.name,
            },
            "document": document_settings(campaign, level),
            "groups": [
                {"key": g.key, "name": g.name, "target_percent": float(g.target_percent)}
                for g in summary.groups
            ],
            "furthest": furthest(summary),
            "areas": areas(summary),
            "history": history(progress),
            "projection": projection(progress, day),
            "corrections": corrections(campaign, day, root, names),
            "quality": quality(campaign, day, root, {g.key: g.name for g in summary.groups}),
        }
    )
    for key, total in summary.activities.items():
        entry = data["activities"][key]
        entry["key"] = key
        entry["below_minimum_units"] = [
            {"code": row.unit.code, "name": row.unit.name, "count": row.activities.get(key)}
            for row in summary.rows
            if row.below_minimum(total.activity)
        ]
    units_projection = unit_projections(progress, day)
    for unit, row in zip(data["units"], summary.rows, strict=True):
        unit["projection"] = units_projection.get(unit["code"], {})
        unit["area"] = area_of(row.unit, root)
        unit["note"] = row.note
    below = Scope.system(campaign).below(level)
    data["below"] = []
    if below:
        build_on_levels_below(data, summary, campaign, day, below)
    return data


def build_on_levels_below(
    data: dict, summary: Summary, campaign: Campaign, day: date, below: list[Coordination]
) -> None:
    """Rows, totals and reporting counts from the levels directly below (#14): an approved (or
    sent) report of the day gives its row as approved; otherwise the row takes today's figures
    and says it is not approved. Units outside those levels keep a row each."""
    from uptake.documents.models import Compilation, State

    reports = {
        c.unit_id: c
        for c in Compilation.objects.filter(
            campaign=campaign, date=day, unit__in=[lv.unit for lv in below]
        )
    }
    targets = {g.key: float(g.target_percent) for g in summary.groups}
    rows: list[dict] = []
    for level in below:
        compilation = reports.get(level.unit_id)
        approved = compilation is not None and compilation.state != State.DRAFT
        if approved:
            frozen = compilation.snapshot
            totals = {
                key: {k: t[k] for k in ("with_smartphone", "installed")}
                for key, t in frozen.get("totals", {}).items()
            }
            reporting = dict(frozen.get("reporting", {}))
        else:
            totals, reporting = _live(summary, level.unit)
        rows.append(
            {
                "code": level.unit.code,
                "name": level.unit.name,
                "office": level.office.code,
                "state": compilation.state if compilation else None,
                "approved": approved,
                "reference": compilation.reference if approved else None,
                "approved_at": (
                    compilation.approved_at.astimezone(campaign.tz).isoformat()
                    if approved
                    else None
                ),
                "reporting": reporting,
                "totals": totals,
            }
        )
    inside = [lv.unit for lv in below]
    for row in summary.rows:
        if any(row.unit.is_within(u) for u in inside):
            continue
        totals, reporting = _live(summary, row.unit)
        rows.append(
            {
                "code": row.unit.code,
                "name": row.unit.name,
                "office": None,
                "state": None,
                "approved": None,  # a unit reporting directly: no report of its own
                "reference": None,
                "approved_at": None,
                "reporting": reporting,
                "totals": totals,
            }
        )
    data["below"] = [
        {"unit": r["code"], "state": r["state"], "reference": r["reference"]}
        for r in rows
        if r["office"] is not None
    ]
    totals: dict[str, dict] = {}
    reporting = {"expected": 0, "on_time": 0, "late": 0, "missing": 0}
    for r in rows:
        for key in reporting:
            reporting[key] += r["reporting"].get(key, 0)
        for key, t in r["totals"].items():
            total = totals.setdefault(key, {"with_smartphone": 0, "installed": 0})
            total["with_smartphone"] += t.get("with_smartphone") or 0
            total["installed"] += t.get("installed") or 0
    for r in [*rows, {"totals": totals}]:
        _rate(r["totals"], targets)
    for key, t in totals.items():
        data["totals"].setdefault(key, {}).update(t)
    data["reporting"] = reporting
    data["areas"] = rows


def _live(summary: Summary, unit: Unit) -> tuple[dict, dict]:
    """Today's totals and reporting counts of the summary's rows within ``unit``."""
    totals: dict[str, dict] = {}
    reporting = {"expected": 0, "on_time": 0, "late": 0, "missing": 0}
    for row in summary.rows:
        if row.unit.is_within(unit):
            _count(row, totals, reporting)
    return totals, reporting


def _count(row, totals: dict, reporting: dict) -> None:
    """Add one unit's row to a block's totals per group and its reporting counts."""
    reporting["expected"] += 1
    reporting[row.status] += 1
    for key, g in row.groups.items():
        t = totals.setdefault(key, {"with_smartphone": 0, "installed": 0})
        if g.with_smartphone is not None and g.installed is not None:
            t["with_smartphone"] += g.with_smartphone
            t["installed"] += g.installed


def _rate(totals: dict, targets: dict[str, float]) -> None:
    """Each group's percent, target and whether it is met, from its summed figures."""
    for key, t in totals.items():
        t["percent"] = percent(t["installed"], t["with_smartphone"])
        t["target_percent"] = targets.get(key)
        t["met"] = t["percent"] is not None and t["percent"] >= targets.get(key, 0)


def gap(figures: dict) -> float:
    """How many percentage points a unit's group is below its target (0 when met)."""
    current = figures.get("percent")
    return max(0.0, figures["target_percent"] - (current if current is not None else 0.0))


def furthest(summary: Summary, limit: int = FURTHEST) -> dict[str, list[dict]]:
    """Per group, the units furthest below the target, the furthest first."""
    out = {}
    for g in summary.groups:
        rows = [(row, row.groups[g.key].as_dict()) for row in summary.rows if g.key in row.groups]
        rows = [(row, f) for row, f in rows if not f["met"]]
        rows.sort(key=lambda rf: (-gap(rf[1]), rf[0].unit.path))
        out[g.key] = [
            {
                "code": row.unit.code,
                "name": row.unit.name,
                "percent": f["percent"],
                "target_percent": f["target_percent"],
                "gap": round(gap(f), 1),
            }
            for row, f in rows[:limit]
        ]
    return out


def area_of(unit: Unit, root: Unit) -> str | None:
    """The code of the root's child that ``unit`` lies under (None for the root's own children
    and the root itself): a district of a province campaign."""
    parts = unit.path[len(root.path) :].strip("/").split("/")
    return parts[0] if len(parts) > 1 else None


def areas(summary: Summary) -> list[dict]:
    """A row per district of a province campaign (the root's children with units below them):
    its totals per group and its reporting counts. Empty for a district campaign."""
    by_code: dict[str, dict] = {}
    for row in summary.rows:
        code = area_of(row.unit, summary.root)
        if code is None:
            continue
        area = by_code.setdefault(
            code,
            {
                "code": code,
                "name": "",
                "reporting": {"expected": 0, "on_time": 0, "late": 0, "missing": 0},
                "totals": {},
            },
        )
        _count(row, area["totals"], area["reporting"])
    if by_code:
        for unit in Unit.objects.filter(code__in=list(by_code)).only("code", "name"):
            by_code[unit.code]["name"] = unit.name
    targets = {g.key: float(g.target_percent) for g in summary.groups}
    for area in by_code.values():
        _rate(area["totals"], targets)
    return list(by_code.values())


def history(progress: Progress) -> dict:
    totals = progress.totals()
    return {
        "days": [d.isoformat() for d in progress.days],
        "groups": {
            key: [
                {
                    "date": t.date.isoformat(),
                    "with_smartphone": t.with_smartphone,
                    "installed": t.installed,
                    "percent": t.percent,
                    "expected": t.expected,
                    "on_time": t.on_time,
                    "late": t.late,
                    "missing": t.missing,
                }
                for t in days
            ]
            for key, days in totals.items()
        },
    }


def projection(progress: Progress, day: date) -> dict:
    target_date = progress.campaign.target_date
    percents = progress.percents()
    return {
        g.key: project(percents[g.key], day, target_date, float(g.target_percent)).as_dict()
        for g in progress.groups
    }


def unit_projections(progress: Progress, day: date) -> dict[str, dict]:
    target_date = progress.campaign.target_date
    targets = {g.key: float(g.target_percent) for g in progress.groups}
    return {
        up.unit.code: {
            key: project(up.percents(key), day, target_date, targets[key]).as_dict()
            for key in up.groups
            if key in targets
        }
        for up in progress.units
    }


def corrections(campaign: Campaign, day: date, root: Unit, names: dict[str, str]) -> list[dict]:
    """Figures of already-reported days that changed after the approved report of that day was
    compiled, not yet shown by an approved report: "corrected after the report of dd/mm".

    A revision of day D counts when it arrived after the snapshot of D's approved compilation
    (its last refresh: what the approved report showed) and after the snapshot of the latest
    approved compilation before ``day`` (an earlier report already showed it). A unit's first
    report of a day it had missed counts too: it completes the figures of that report.
    """
    from uptake.documents.models import Compilation, State

    approved = dict(
        Compilation.objects.filter(
            campaign=campaign, date__lt=day, state__in=[State.APPROVED, State.SENT]
        ).values_list("date", "refreshed_at")
    )
    if not approved:
        return []
    previous = approved[max(approved)]  # the previous report: what it showed is not repeated
    revisions = (
        Revision.objects.filter(
            report__campaign=campaign,
            report__date__in=list(approved),
            report__unit__path__startswith=root.path,
            submitted_at__gt=previous,
        )
        .select_related("report__unit")
        .order_by("report__unit__path", "report__date", "number")
    )
    latest: dict[tuple[str, date], Revision] = {}
    for rev in revisions:
        compiled_at = approved[rev.report.date]
        if rev.submitted_at > compiled_at and rev.submitted_at > previous:
            latest[(rev.report.unit.code, rev.report.date)] = rev
    if not latest:
        return []
    # What the approved report of that day showed: the revision current at its approval.
    before = {}
    shown = (
        Revision.objects.filter(
            report__campaign=campaign,
            report__date__in=list({d for _c, d in latest}),
            report__unit__code__in=list({c for c, _d in latest}),
        )
        .select_related("report__unit")
        .order_by("number")
    )
    for rev in shown:
        key = (rev.report.unit.code, rev.report.date)
        if key in latest and rev.submitted_at <= approved[rev.report.date]:
            before[key] = rev
    tz = campaign.tz
    out = []
    for (code, d), rev in latest.items():
        old = before.get((code, d))
        out.append(
            {
                "code": code,
                "name": names.get(code) or rev.report.unit.name,
                "date": d.isoformat(),
                "revision": rev.number,
                "submitted_at": rev.submitted_at.astimezone(tz).isoformat(),
                "figures": rev.figures,
                "activities": rev.activities,
                "before": old.figures if old else None,
                "note": rev.note,
            }
        )
    return out


def quality(campaign: Campaign, day: date, root: Unit, group_names: dict[str, str]) -> dict:
    """The annex on data quality (#5): the open flags dated from the campaign's first day to
    ``day`` (a flag stays in the annex until a coordinator dismisses it), and the inspections
    among them whose verified rate lies below the rate reported (``verified_gap``).

    Taken fresh (``flags_for`` checks again the peer groups whose data changed) and frozen
    here with the rest. Messages and labels in Vietnamese, the documents' language; the
    evidence is kept too, so that the page can say it in the reader's language. A fixed
    number of queries: the check's, the flags', and one for the inspections if any.
    """
    from uptake.quality.actions import flags_for
    from uptake.quality.models import Inspection, Rule

    with translation.override("vi"):
        flags = flags_for(campaign, campaign.start, day, root)
        rows = [
            {
                "code": f.unit.code,
                "name": f.unit.name,
                "date": f.date.isoformat(),
                "group": f.group,
                "group_name": group_names.get(f.group, f.group),
                "rule": f.rule,
                "rule_name": f.get_rule_display(),
                "severity": f.severity,
                "severity_name": f.get_severity_display(),
                "message": f.message,
                "evidence": f.evidence,
            }
            for f in flags
        ]
        gaps = [r for r in rows if r["rule"] == Rule.VERIFIED_GAP]
        found = {}
        ids = [r["evidence"].get("inspection") for r in gaps]
        if ids:
            found = {i.pk: i for i in Inspection.objects.filter(pk__in=[i for i in ids if i])}
        inspections = []
        for r in gaps:
            e = r["evidence"]
            inspection = found.get(e.get("inspection"))
            inspections.append(
                {
                    "code": r["code"],
                    "name": r["name"],
                    "date": r["date"],
                    "group": r["group"],
                    "group_name": r["group_name"],
                    "method": inspection.method if inspection else "",
                    "method_name": inspection.get_method_display() if inspection else "",
                    "inspector": inspection.inspector if inspection else "",
                    "sample_size": e.get("sample_size"),
                    "with_app": e.get("with_app"),
                    "verified": e.get("verified"),
                    "low": e.get("low"),
                    "high": e.get("high"),
                    "reported": e.get("reported"),
                    "reported_date": e.get("reported_date"),
                }
            )
    return {
        "from": campaign.start.isoformat(),
        "to": day.isoformat(),
        "flags": rows,
        "inspections": inspections,
    }
