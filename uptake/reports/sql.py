"""The summary as one hand-written SQL query: the floor ``build_summary`` is measured against.

``bench/summary.py`` times it beside ``build_summary`` (#7), and the summary's test compares
the two on generated data (``reports/tests/test_summary_sql.py``), on SQLite and PostgreSQL.
It computes what the summary says, with nothing else: every unit expected on the day under the
root, the latest report dated on or before the day (its status and time count only when it is
the day's own), the counts of on time, late and missing units and the totals per group.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from django.db import connection

# Every participation expected on the day under the root, with the latest report dated on or
# before the day. PostgreSQL: a lateral join, one backward scan of the report's unique
# (campaign, unit, date) index per unit. SQLite has no lateral join: the unit's latest date,
# then its row, two lookups in the same index.
SUMMARY_SQL = {
    "postgresql": """
SELECT u.code, u.name, u.kind, p.groups, r.date, r.status, r.first_submitted_at,
       r.revision, r.figures
FROM campaigns_participation p
JOIN units_unit u ON u.id = p.unit_id
LEFT JOIN LATERAL (
    SELECT r.date, r.status, r.first_submitted_at, r.revision, r.figures
    FROM reports_report r
    WHERE r.campaign_id = p.campaign_id AND r.unit_id = p.unit_id AND r.date <= %(day)s
    ORDER BY r.date DESC LIMIT 1
) r ON true
WHERE p.campaign_id = %(campaign)s
  AND p.active_from <= %(day)s AND (p.active_until IS NULL OR p.active_until >= %(day)s)
  AND u.path LIKE %(prefix)s ESCAPE '\\'
ORDER BY u.path
""",
    "sqlite": """
SELECT u.code, u.name, u.kind, p.groups, r.date, r.status, r.first_submitted_at,
       r.revision, r.figures
FROM campaigns_participation p
JOIN units_unit u ON u.id = p.unit_id
LEFT JOIN reports_report r ON r.campaign_id = p.campaign_id AND r.unit_id = p.unit_id
    AND r.date = (
        SELECT MAX(r2.date) FROM reports_report r2
        WHERE r2.campaign_id = p.campaign_id AND r2.unit_id = p.unit_id AND r2.date <= %(day)s
    )
WHERE p.campaign_id = %(campaign)s
  AND p.active_from <= %(day)s AND (p.active_until IS NULL OR p.active_until >= %(day)s)
  AND u.path LIKE %(prefix)s ESCAPE '\\'
ORDER BY u.path
""",
}


def _like_prefix(path: str) -> str:
    return path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _datetime(value) -> datetime | None:
    if isinstance(value, str):  # SQLite: text in UTC
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def summary_floor(campaign_id: int, day: date, root_path: str, group_keys: list[str]) -> dict:
    """The summary of ``day`` under the unit at ``root_path``, from one query of ``SUMMARY_SQL``.

    ``{"reporting": {"expected", "on_time", "late", "missing"},
    "totals": {group: {"with_smartphone", "installed"}},
    "units": [{"code", "status", "submitted_at", "revision", "figures_date",
    "groups": {group: {"with_smartphone", "installed"}}}]}``; times are aware datetimes.
    """
    with connection.cursor() as cursor:
        params = {"day": day, "campaign": campaign_id, "prefix": _like_prefix(root_path)}
        cursor.execute(SUMMARY_SQL[connection.vendor], params)
        rows = cursor.fetchall()
    counts = {"expected": len(rows), "on_time": 0, "late": 0, "missing": 0}
    totals = {key: {"with_smartphone": 0, "installed": 0} for key in group_keys}
    units = []
    for code, _name, _kind, groups, r_date, status, first_at, revision, figures in rows:
        r_date = _date(r_date)
        today = r_date == day
        status = status if today else "missing"
        counts[status] += 1
        figures = _json(figures) or {}
        row_groups = {}
        for key in _json(groups):
            numbers = figures.get(key) or {}
            w, i = numbers.get("with_smartphone"), numbers.get("installed")
            row_groups[key] = {"with_smartphone": w, "installed": i}
            if w is not None and i is not None and key in totals:
                totals[key]["with_smartphone"] += w
                totals[key]["installed"] += i
        units.append(
            {
                "code": code,
                "status": status,
                "submitted_at": _datetime(first_at) if today else None,
                "revision": revision if today else None,
                "figures_date": r_date,
                "groups": row_groups,
            }
        )
    return {"reporting": counts, "totals": totals, "units": units}
