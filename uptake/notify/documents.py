"""The scheduler's side of #3 (uptake.documents): make the day's draft, send what was approved.

The work is #3's actions (``make_draft``, ``send_compilation``, as the system: ``user=None``);
this module only calls them at the right moment and never touches a compilation that has moved
on (an approved compilation is never refreshed, a sent one never sent again), so a job run that
is repeated after a crash changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef

from uptake.campaigns.models import Campaign, Coordination
from uptake.campaigns.scope import Scope
from uptake.documents import actions
from uptake.documents.models import Compilation, Dispatch, State
from uptake.notify.links import link


def approved_unsent():
    """Approved compilations not sent yet and without a send run, of the campaigns whose file
    says ``auto_send: true``: each gets one. The others wait for their coordinator."""
    from uptake.notify.models import Job, JobRun

    planned = JobRun.objects.filter(
        campaign=OuterRef("campaign_id"),
        day=OuterRef("date"),
        job=Job.SEND,
        level=OuterRef("unit__code"),
    )
    sends = Coordination.objects.filter(
        campaign=OuterRef("campaign_id"), unit=OuterRef("unit_id"), auto_send=True
    )
    return (
        Compilation.objects.filter(state=State.APPROVED, sent_at__isnull=True)
        .filter(Exists(sends))
        .exclude(Exists(planned))
        .select_related("campaign", "unit")
    )


def send_due_at(compilation: Compilation) -> datetime:
    """When the scheduler sends an approved compilation: its level's ``compile_at`` of its day,
    or its approval when that is later."""
    campaign = compilation.campaign
    at = compilation.level.compile_time()
    compile_at = datetime.combine(compilation.date, at, tzinfo=campaign.tz)
    return max(compile_at, compilation.approved_at or compile_at)


def make_draft(
    campaign: Campaign, day: date, level: Coordination | None = None
) -> tuple[Compilation, bool]:
    """A level's draft of the day (the top level's by default), made or refreshed, and whether
    it was made now. A compilation that was approved (or sent) meanwhile is left as it is."""
    level = level or Scope.system(campaign).top
    found = Compilation.objects.filter(campaign=campaign, unit=level.unit, date=day)
    existing = found.first()
    if existing is not None and not existing.is_draft:
        return existing, False
    try:
        return actions.make_draft(campaign, day, user=None, unit=level)
    except actions.CompilationLocked:  # approved between our look and the action's lock
        return found.get(), False


class NothingToSend(Exception):
    """Sending cannot succeed by trying again (no recipient has an address): not retried."""


def send_approved(
    campaign: Campaign, day: date, level: Coordination | None = None
) -> tuple[Compilation | None, Dispatch | None]:
    """Send the day's approved compilation; (compilation, None) when there is nothing to send,
    or when the campaign no longer sends automatically (``auto_send`` turned off meanwhile).

    An SMTP failure raises (the job is retried with backoff); a compilation without any
    e-mail recipient raises NothingToSend.
    """
    level = level or Scope.system(campaign).top
    compilation = (
        Compilation.objects.select_related("campaign")
        .filter(campaign=campaign, unit=level.unit, date=day)
        .first()
    )
    if compilation is None or compilation.state != State.APPROVED or compilation.sent_at:
        return compilation, None
    compilation.level = level
    if not actions.auto_send(compilation):
        return compilation, None
    try:
        dispatch = actions.send_compilation(compilation, user=None)
    except actions.SendingFailed:
        raise
    except actions.CompilationError as exc:
        raise NothingToSend(exc.message) from exc
    compilation.refresh_from_db()
    return compilation, dispatch


def compilation_url(compilation: Compilation) -> str:
    query = (
        ""
        if compilation.unit_id == compilation.campaign.root_id
        else ("?" + urlencode({"unit": compilation.unit.code}))
    )
    return link(
        "documents-compilation",
        compilation.campaign.slug,
        compilation.date.isoformat(),
        query=query,
    )
