"""The channels: in the app (a Notification row), e-mail (its outbox) and the campaign's webhooks.

A job only writes rows, keyed so that a second run writes nothing new. The scheduler then sends
what is due, claiming each e-mail and each webhook delivery with a conditional update:

- e-mail, at most once: one message per recipient, in Vietnamese. A failure is retried with
  backoff; a claim that lapsed mid-send (the sender died) is marked failed, not sent again.
- webhooks, at least once: a JSON POST signed with HMAC-SHA256, retried with backoff, every
  attempt logged. Receivers drop repeats by the delivery id.

Webhook requests carry:
    Content-Type: application/json; charset=utf-8
    X-Uptake-Event: <job>            (morning_reminder, afternoon_reminder, overdue, compile, ...)
    X-Uptake-Delivery: <id>          (the same for every retry of one delivery)
    X-Uptake-Timestamp: <unix seconds, also "timestamp" in the body>
    X-Uptake-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the webhook's secret>
The timestamp is inside the signed body, so a receiver can refuse old or replayed requests.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from uptake.notify.messages import render
from uptake.notify.models import (
    Delivery,
    JobRun,
    Notification,
    Preference,
    WebhookAttempt,
    WebhookDelivery,
    backoff,
)

log = logging.getLogger(__name__)

BATCH = 200  # e-mails or webhook deliveries taken in one go
EMAIL_BACKOFF = (60, 3600)  # first wait and longest wait, in seconds
WEBHOOK_BACKOFF = (30, 3600)


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "SCHEDULER_LEASE_SECONDS", 300))


# --- writing (from the jobs) -------------------------------------------------------------


def notify_users(run: JobRun, items: list[tuple]) -> int:
    """One notification per (run, user) for ``items`` of (user, kind, params, url).

    Rows that exist already (the run is being redone) are left as they are, e-mail state and
    all, so nobody is notified twice. Returns how many users ``items`` concern.
    """
    if items:
        users = [item[0] for item in items]
        prefs = {p.user_id: p for p in Preference.objects.filter(user__in=users)}
        default = Preference()
        now = timezone.now()
        rows = []
        for user, kind, params, url in items:
            wants = bool(user.email) and prefs.get(user.pk, default).wants_email(kind)
            rows.append(
                Notification(
                    user=user,
                    kind=kind,
                    campaign=run.campaign,
                    day=run.day,
                    job_run=run,
                    params=params,
                    url=url,
                    created_at=now,
                    email_state=Delivery.PENDING if wants else Delivery.NONE,
                    email_next_at=now if wants else None,
                )
            )
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(items)


def hooks_for(campaign, event: str) -> list[dict]:
    """The campaign file's webhooks that want ``event`` (all events when ``events`` is absent)."""
    hooks = (campaign.source or {}).get("webhooks") or []
    return [h for h in hooks if not h.get("events") or event in h["events"]]


def queue_webhooks(run: JobRun, kind: str, params: dict, data: dict) -> int:
    """A delivery of the run's event to each webhook that wants it (once per run and URL)."""
    hooks = hooks_for(run.campaign, run.job)
    if not hooks:
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
        WebhookDelivery(
            campaign=run.campaign,
            job_run=run,
            event=run.job,
            url=hook["url"],
            payload=payload,
            next_attempt_at=now,
            created_at=now,
        )
        for hook in hooks
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- e-mail ------------------------------------------------------------------------------


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def build_email(notification: Notification) -> EmailMessage:
    """The e-mail of a notification: Vietnamese, to the user's address only."""
    with translation.override(settings.LANGUAGE_CODE):
        title, body = render(notification.kind, notification.params)
        text = render_to_string(
            "notify/email.txt",
            {
                "user": notification.user,
                "title": title,
                "body": body,
                "link": site_url() + notification.url if notification.url else "",
                "preferences": site_url() + "/notifications/preferences/",
            },
        )
    return EmailMessage(
        subject=f"[uptake] {title}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.user.email],
    )


def send_due_emails(stopping=None) -> tuple[int, int]:
    """Send a batch of the e-mails that are due: (how many were sent, how many were due)."""
    now = timezone.now()
    # A claim that lapsed mid-send: the message may have left. Never send it a second time.
    Notification.objects.filter(email_state=Delivery.SENDING, email_next_at__lt=now).update(
        email_state=Delivery.FAILED,
        email_error="interrupted while sending; not sent again (it may have been delivered)",
    )
    # The batch with its users, read once; each is then claimed on its own (see below).
    due = list(
        Notification.objects.filter(email_state=Delivery.PENDING, email_next_at__lte=now)
        .select_related("user")
        .only(
            "kind",
            "params",
            "url",
            "email_attempts",
            "user__username",
            "user__email",
            "user__first_name",
            "user__last_name",
        )
        .order_by("email_next_at", "pk")[:BATCH]
    )
    if not due:
        return 0, 0
    sent = 0
    connection = get_connection()
    try:
        try:
            connection.open()  # one SMTP session for the batch; if it fails, each send retries
        except Exception as exc:
            log.warning("cannot open the e-mail connection: %s", exc)
        for notification in due:
            if stopping is not None and stopping.is_set():
                break
            # Claimed one by one, so that a sender that dies leaves one message in doubt.
            now = timezone.now()
            pk = notification.pk
            claimed = Notification.objects.filter(pk=pk, email_state=Delivery.PENDING).update(
                email_state=Delivery.SENDING,
                email_next_at=now + lease(),
                email_attempts=F("email_attempts") + 1,
            )
            if claimed != 1:
                continue  # another scheduler has it
            attempts = notification.email_attempts + 1
            mine = Notification.objects.filter(pk=pk, email_state=Delivery.SENDING)
            try:
                connection.send_messages([build_email(notification)])
            except Exception as exc:  # SMTP down, bad address, ...: try again later
                log.warning("e-mail of notification %s failed: %s", pk, exc)
                give_up = attempts >= Notification.EMAIL_MAX_ATTEMPTS
                mine.update(
                    email_state=Delivery.FAILED if give_up else Delivery.PENDING,
                    email_next_at=None if give_up else now + backoff(attempts, *EMAIL_BACKOFF),
                    email_error=f"{type(exc).__name__}: {exc}"[:2000],
                )
            else:
                mine.update(email_state=Delivery.SENT, emailed_at=timezone.now(), email_error="")
                sent += 1
    finally:
        connection.close()
    return sent, len(due)


# --- webhooks ----------------------------------------------------------------------------


def sign(secret: str, body: bytes) -> str:
    """The X-Uptake-Signature header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an acceptance: never re-POST the body somewhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int | None
    error: str
    duration_ms: int
    response: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(delivery: WebhookDelivery, secret: str) -> Answer:
    """POST the delivery once, signed; what came back."""
    timestamp = int(time.time())
    payload = {**delivery.payload, "delivery": delivery.pk, "timestamp": timestamp}
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    request = urllib.request.Request(
        delivery.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "uptake-webhooks/1",
            "X-Uptake-Event": delivery.event,
            "X-Uptake-Delivery": str(delivery.pk),
            "X-Uptake-Timestamp": str(timestamp),
            "X-Uptake-Signature": sign(secret, body),
        },
    )
    timeout = getattr(settings, "WEBHOOK_TIMEOUT", 10)
    started = time.perf_counter()
    status, error, text = None, "", b""
    try:
        with _opener.open(request, timeout=timeout) as response:
            status, text = response.status, response.read(500)
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
        try:
            text = exc.read(500)
        except OSError:
            pass
    except urllib.error.URLError as exc:
        error = f"{type(exc.reason).__name__}: {exc.reason}"
    except (TimeoutError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    duration = int((time.perf_counter() - started) * 1000)
    return Answer(status, error, duration, text.decode("utf-8", "replace"))


def send_due_webhooks(worker: str, stopping=None) -> tuple[int, int]:
    """POST a batch of the deliveries that are due (new, retries, lapsed claims): (how many
    were accepted, how many were due)."""
    now = timezone.now()
    due = list(
        WebhookDelivery.objects.filter(WebhookDelivery.claimable(now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    delivered = 0
    for pk in due:
        if stopping is not None and stopping.is_set():
            break
        now = timezone.now()
        claimed = WebhookDelivery.objects.filter(WebhookDelivery.claimable(now), pk=pk).update(
            state=Delivery.SENDING,
            locked_by=worker,
            locked_until=now + lease(),
            attempts=F("attempts") + 1,
        )
        if claimed != 1:
            continue
        delivery = WebhookDelivery.objects.select_related("campaign").get(pk=pk)
        mine = WebhookDelivery.objects.filter(pk=pk, state=Delivery.SENDING, locked_by=worker)
        hook = next(
            (h for h in hooks_for(delivery.campaign, delivery.event) if h["url"] == delivery.url),
            None,
        )
        if hook is None:
            mine.update(
                state=Delivery.FAILED,
                locked_until=None,
                last_error="this webhook is no longer in the campaign file",
            )
            continue
        answer = post(delivery, hook["secret"])
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            status_code=answer.status,
            error=answer.error[:2000],
            duration_ms=answer.duration_ms,
            response=answer.response,
        )
        if answer.ok:
            mine.update(
                state=Delivery.SENT,
                delivered_at=timezone.now(),
                locked_until=None,
                last_status=answer.status,
                last_error="",
            )
            delivered += 1
        else:
            give_up = delivery.attempts >= WebhookDelivery.MAX_ATTEMPTS
            mine.update(
                state=Delivery.FAILED if give_up else Delivery.PENDING,
                next_attempt_at=now + backoff(delivery.attempts, *WEBHOOK_BACKOFF),
                locked_until=None,
                last_status=answer.status,
                last_error=answer.error[:2000],
            )
    return delivered, len(due)
