"""Filters of the import page, and the status page's "Mẫu tin nhắn" (the message form)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from uptake.campaigns.scope import Scope
from uptake.imports import actions, message
from uptake.reports.templatetags.uptake_extras import num

register = template.Library()

SHORT = {"staff": "CB", "residents": "dân"}


@register.filter
def import_count(outcome, status: str) -> int:
    return outcome.count(status)


@register.filter
def import_status(status: str) -> str:
    return {
        actions.OK: _("to store"),
        actions.UNCHANGED: _("unchanged"),
        actions.SKIPPED: _("empty, skipped"),
        actions.ERROR: _("error"),
    }.get(status, status)


@register.filter
def import_figures(row, campaign) -> str:
    """ "CB 41/39 · dân 5.200/2.950 · loa 2": what a row says, shortly."""
    groups = {g.key: g.name for g in campaign.groups.all()}
    activities = {a.key: a.name for a in campaign.activities.all()}
    parts = []
    for key, values in row.figures.items():
        pair = "/".join(
            num(values[f]) if f in values else "–" for f in ("with_smartphone", "installed")
        )
        parts.append(f"{SHORT.get(key, groups.get(key, key))} {pair}")
    for key, count in row.activities.items():
        parts.append(f"{activities.get(key, key)} {num(count)}")
    return " · ".join(parts)


@register.simple_tag(takes_context=True)
def import_samples(context, campaign, day) -> list[str]:
    """The message form's lines for units the person may import for, or none."""
    user = context["request"].user
    scope = Scope.of(user, campaign)
    if not scope.coordinates or not scope.takes_part:
        return []
    return message.sample_lines(actions.importable(scope, day), campaign)
