"""The texts of notifications, rendered from a kind and its parameters in the active language.

A notification stores what happened (``kind``, ``params``), not a sentence: the app shows it in
the reader's language; e-mails, Zalo, SMS and webhooks render it in Vietnamese
(``LANGUAGE_CODE``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from uptake.notify.models import Kind

# A notification names at most this many units; the rest are counted ("and 12 more").
MAX_NAMES = 30


def short_list(names: list[str]) -> dict:
    """The first MAX_NAMES names and how many there are in all: what params store."""
    return {"names": names[:MAX_NAMES], "count": len(names)}


def _date(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


def _names(listed: dict) -> str:
    names = ", ".join(listed.get("names", []))
    more = listed.get("count", 0) - len(listed.get("names", []))
    if more > 0:
        names += " " + _("and %(count)s more") % {"count": more}
    return names


def _percent(value: float | None) -> str:
    """45,3% in Vietnamese, 45.3% in English; a whole number without decimals: 100%."""
    if value is None:
        return "–"
    decimals = 0 if float(value).is_integer() else 1
    return formats.number_format(value, decimals, use_l10n=True) + "%"


def render(kind: str, params: dict) -> tuple[str, str]:
    """The title and the body of a notification."""
    p = dict(params)
    if "date" in p:
        p["date"] = _date(p["date"])
    if kind == Kind.MORNING_REMINDER:
        title = _("Today's report is due at %(due)s") % p
        body = _("%(campaign)s, %(date)s: please report the figures of %(units)s before %(due)s.")
        return title, body % {**p, "units": _names(p["units"])}
    if kind == Kind.AFTERNOON_REMINDER:
        title = _("Not reported yet: the deadline is %(due)s today") % p
        body = _(
            "%(campaign)s, %(date)s: %(units)s has not reported yet. Please report before %(due)s."
        )
        return title, body % {**p, "units": _names(p["units"])}
    if kind == Kind.OVERDUE:
        title = _("Report overdue: the %(due)s deadline of %(date)s has passed") % p
        body = _(
            "%(campaign)s, %(date)s: %(units)s did not report before %(due)s. "
            "Please report as soon as possible; the report will be marked late."
        )
        return title, body % {**p, "units": _names(p["units"])}
    if kind == Kind.STATUS_LIST:
        counts = {key: p[key]["count"] for key in ("missing", "late", "on_time")}
        title = _(
            "%(date)s at %(due)s: %(missing)s missing, %(late)s late, %(on_time)s on time"
        ) % {
            **p,
            **counts,
        }
        lines = [_("%(campaign)s, %(scope)s, %(date)s at %(due)s.") % p]
        for key, label in (
            ("missing", _("Missing")),
            ("late", _("Late")),
            ("on_time", _("On time so far")),
        ):
            if p[key]["count"]:
                lines.append(f"{label} ({p[key]['count']}): {_names(p[key])}")
        return title, "\n".join(lines)
    if kind == Kind.DRAFT_READY:
        title = _("The draft compilation of %(date)s is ready") % p
        body = _(
            "%(campaign)s: the draft report of %(date)s has been compiled (%(reported)s of "
            "%(expected)s units reported). Review it, write the situation, approve and send it."
        )
        return title, body % p
    if kind == Kind.SENT:
        title = _("The report of %(date)s has been sent") % p
        body = _("%(campaign)s: report %(number)s of %(date)s was sent to %(recipients)s.")
        return title, body % {**p, "recipients": _names(p["recipients"])}
    if kind == Kind.LEADERS_SUMMARY:
        title = _("%(campaign)s: results of %(date)s") % p
        counts = p["counts"]
        lines = [
            _(
                "%(scope)s, %(date)s: %(reported)s of %(expected)s units reported "
                "(%(late)s late), %(missing)s missing."
            )
            % {**p, **counts, "reported": counts["on_time"] + counts["late"]}
        ]
        for group in p["groups"]:
            met = _("target met") if group["met"] else _("target not met")
            lines.append(
                _("%(name)s: %(percent)s installed, target %(target)s (%(met)s)")
                % {
                    "name": group["name"],
                    "percent": _percent(group["percent"]),
                    "target": _percent(group["target"]),
                    "met": met,
                }
            )
        return title, "\n".join(lines)
    if kind == Kind.TEST:
        title = _("Test message from uptake")
        moment = datetime.fromisoformat(p["time"]) if p.get("time") else None
        when = timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""
        body = _(
            "You asked for this test by %(channel)s at %(time)s. If you read it, uptake's "
            "notifications reach you here."
        ) % {"channel": p.get("channel", ""), "time": when}
        return title, body
    return kind, ""
