"""Writing messages for the channels, and the one loop that sends what is due on all of them.

A job only writes rows, keyed so that a second run writes nothing new: a ``Notification`` per
(run, person), a ``Delivery`` per notification and channel the person wants, and a
``Delivery`` per channel address of the run's event (a webhook's URL). The scheduler then calls
``send_due``: every due delivery of every channel in ``CHANNELS`` is claimed with a conditional
update (exactly one loop updates the row, and that one sends it), handed to its channel at
the channel's rate, and its outcome recorded: sent; tried again after a backoff; or, after the
channel's last try or a failure not worth another, a dead letter for the admin. A claim that
lapsed (its sender died mid-send) is sent again only by a channel whose service drops repeats
(webhooks, SMS with its request id); for the others it becomes a dead letter.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation

from uptake.accounts.models import Profile
from uptake.notify.channels import CHANNELS, Outcome, sanitise, wanted
from uptake.notify.messages import render
from uptake.notify.models import (
    Delivery,
    DeliveryAttempt,
    JobRun,
    Notification,
    Preference,
    backoff,
)

log = logging.getLogger(__name__)

BATCH = 200  # deliveries taken in one go


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "SCHEDULER_LEASE_SECONDS", 300))


# --- writing (from the jobs) -------------------------------------------------------------


def notify_users(run: JobRun, items: list[tuple]) -> int:
    """One notification per (run, user) for ``items`` of (user, kind, params, url), and its
    deliveries on the channels each user wants.

    Rows that exist already (the run is being redone) are left as they are, and no channel
    carries a notification twice, so nobody is notified twice. Returns how many users
    ``items`` concern.
    """
    if not items:
        return 0
    users = [item[0] for item in items]
    now = timezone.now()
    rows = [
        Notification(
            user=user,
            kind=kind,
            campaign=run.campaign,
            day=run.day,
            job_run=run,
            params=params,
            url=url,
            created_at=now,
        )
        for user, kind, params, url in items
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    made = list(
        Notification.objects.filter(job_run=run, user__in=users)
        .only("pk", "user_id", "kind", "campaign_id", "job_run_id")
        .order_by("pk")
    )
    write_deliveries(made, {u.pk: u for u in users}, now)
    return len(items)


def write_deliveries(notifications: list[Notification], users: dict, now) -> int:
    """A delivery of each notification on each channel its user wants (once: redone, none)."""
    ids = list(users)
    chosen = {p.user_id: p for p in Preference.objects.filter(user__in=ids)}
    profiles = {
        p.user_id: p for p in Profile.objects.filter(user__in=ids).only("user_id", "role", "phone")
    }
    deliveries = []
    for notification in notifications:
        user = users[notification.user_id]
        preference = chosen.get(user.pk)
        wants = preference.chosen(notification.kind) if preference else None
        for channel, address in wanted(user, profiles.get(user.pk), notification.kind, wants):
            on_write = channel.delivered_on_write
            deliveries.append(
                Delivery(
                    channel=channel.key,
                    notification=notification,
                    user_id=user.pk,
                    campaign_id=notification.campaign_id,
                    job_run_id=notification.job_run_id,
                    kind=notification.kind,
                    address=address,
                    state=Delivery.State.SENT if on_write else Delivery.State.PENDING,
                    sent_at=now if on_write else None,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
    return len(deliveries)


def queue_event(run: JobRun, kind: str, params: dict, data: dict) -> int:
    """The run's event to each group address of every channel that wants it (a webhook's URL),
    once per run, channel and address."""
    targets = [
        (channel, target)
        for channel in CHANNELS.values()
        for target in channel.event_addresses(run.campaign, run.job)
    ]
    if not targets:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title, body = render(kind, params)
    payload = {
        "event": run.job,
        "kind": kind,
        "campaign": run.campaign.slug,
        "date": run.day.isoformat(),
        "title": title,
        "text": body,
        "data": data,
    }
    now = timezone.now()
    rows = [
        Delivery(
            channel=channel.key,
            campaign=run.campaign,
            job_run=run,
            event=run.job,
            kind=kind,
            address=target["address"],
            payload=payload,
            next_attempt_at=now,
            created_at=now,
        )
        for channel, target in targets
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- sending (from the scheduler) --------------------------------------------------------


class Pacer:
    """Keeps each channel at its rate: waits (or stops waiting on ``stopping``) between sends."""

    def __init__(self, stopping=None):
        self.stopping = stopping
        self.next_at: dict[str, float] = {}

    def wait(self, channel) -> None:
        rate = channel.rate()
        if not rate:
            return
        now = time.monotonic()
        at = self.next_at.get(channel.key, now)
        if at > now:
            if self.stopping is not None:
                self.stopping.wait(at - now)
            else:
                time.sleep(at - now)
        self.next_at[channel.key] = max(at, now) + 1 / rate


def fail_lapsed(now) -> int:
    """Claims that lapsed on a channel that cannot tell a repeat: dead letters, not resent."""
    doubtful = [key for key, channel in CHANNELS.items() if channel.at_most_once]
    lapsed = Delivery.objects.filter(
        state=Delivery.State.SENDING, next_attempt_at__lte=now, channel__in=doubtful
    )
    count = 0
    for key in doubtful:
        count += lapsed.filter(channel=key).update(
            state=Delivery.State.FAILED, last_error=CHANNELS[key].lapsed()[:300], locked_by=""
        )
    return count


def send_due(worker: str, stopping=None, pacer: Pacer | None = None) -> tuple[Counter, int]:
    """Send a batch of the deliveries that are due, on every channel: (what was sent, by the
    channels' counters; how many were due)."""
    now = timezone.now()
    fail_lapsed(now)
    due = list(
        Delivery.objects.filter(Delivery.claimable(now), channel__in=list(CHANNELS))
        .select_related("notification__user", "campaign")
        .order_by("next_attempt_at", "pk")[:BATCH]
    )
    sent: Counter = Counter()
    pacer = pacer or Pacer(stopping)
    sessions: dict[str, object] = {}
    with ExitStack() as stack:
        for delivery in due:
            if stopping is not None and stopping.is_set():
                break
            channel = CHANNELS[delivery.channel]
            pacer.wait(channel)
            now = timezone.now()
            claimed = Delivery.objects.filter(Delivery.claimable(now), pk=delivery.pk).update(
                state=Delivery.State.SENDING,
                locked_by=worker,
                next_attempt_at=now + lease(),
                attempts=F("attempts") + 1,
            )
            if claimed != 1:
                continue  # another loop has it, or it lapsed and was given up
            delivery.attempts += 1
            if channel.key not in sessions:
                sessions[channel.key] = stack.enter_context(channel.session())
            try:
                outcome = channel.send(delivery, sessions[channel.key])
            except Exception as exc:  # a bug in a channel: recorded, tried again
                log.exception("%s: delivery %s failed", channel.key, delivery.pk)
                outcome = Outcome.again(f"{type(exc).__name__}: {exc}")
            if record(channel, delivery, outcome, now, worker):
                sent[channel.counter] += 1
    return sent, len(due)


def record(channel, delivery: Delivery, outcome, at, worker: str) -> bool:
    """Write a try's outcome on the delivery (still ours) and its log; True when sent."""
    secrets = channel.secrets()
    error = sanitise(outcome.error, secrets)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        at=at,
        status_code=outcome.status,
        error=error,
        duration_ms=outcome.duration_ms,
        response=sanitise(outcome.response, secrets, 500),
    )
    mine = Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING, locked_by=worker)
    if outcome.ok:
        mine.update(
            state=Delivery.State.SENT,
            sent_at=timezone.now(),
            last_status=outcome.status,
            last_error="",
            reference=outcome.reference[:100],
            locked_by="",
        )
        return True
    give_up = not outcome.retry or delivery.attempts >= channel.max_attempts
    wait = outcome.retry_after or backoff(delivery.attempts, *channel.backoff)
    if not give_up:
        log.warning(
            "%s: delivery %s failed, tried again later: %s", channel.key, delivery.pk, error
        )
    else:
        log.warning("%s: delivery %s given up: %s", channel.key, delivery.pk, error)
    mine.update(
        state=Delivery.State.FAILED if give_up else Delivery.State.PENDING,
        next_attempt_at=at + wait,
        last_status=outcome.status,
        last_error=error,
        locked_by="",
    )
    return False
