"""#18: e-mails, in-app notifications and webhook deliveries move into the one Delivery table
with their history; preferences become channels per kind.

- each webhook delivery keeps its id (receivers drop repeats by it) and its tries;
- each notification gets its in-app delivery (sent when it was written) and, when it was to be
  e-mailed, its e-mail delivery with the state, tries, next try, time sent and error it had;
- a preference "no e-mail" becomes "the app only" for every kind; a kind muted for e-mail
  becomes "the app only" for that kind; the other kinds follow the defaults.
"""

import re

from django.core.management.color import no_style
from django.db import migrations

KINDS = [
    "morning_reminder",
    "afternoon_reminder",
    "overdue",
    "status_list",
    "draft_ready",
    "sent",
    "leaders_summary",
]
CHUNK = 2000


def short(text, length=300):
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= length else text[: length - 1] + "…"


def forwards(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Preference = apps.get_model("notify", "Preference")
    WebhookDelivery = apps.get_model("notify", "WebhookDelivery")
    WebhookAttempt = apps.get_model("notify", "WebhookAttempt")
    Delivery = apps.get_model("notify", "Delivery")
    DeliveryAttempt = apps.get_model("notify", "DeliveryAttempt")
    db = schema_editor.connection.alias

    rows = []
    for w in WebhookDelivery.objects.using(db).order_by("pk").iterator(chunk_size=CHUNK):
        sending = w.state == "sending"
        rows.append(
            Delivery(
                id=w.pk,
                channel="webhook",
                campaign_id=w.campaign_id,
                job_run_id=w.job_run_id,
                event=w.event,
                kind=(w.payload or {}).get("kind", ""),
                address=w.url,
                payload=w.payload,
                state=w.state or "failed",
                attempts=w.attempts,
                next_attempt_at=(w.locked_until if sending and w.locked_until else w.next_attempt_at),
                locked_by=w.locked_by,
                created_at=w.created_at,
                sent_at=w.delivered_at,
                last_status=w.last_status,
                last_error=short(w.last_error),
            )
        )
        if len(rows) >= CHUNK:
            Delivery.objects.using(db).bulk_create(rows)
            rows = []
    Delivery.objects.using(db).bulk_create(rows)
    tries = [
        DeliveryAttempt(
            delivery_id=a.delivery_id,
            number=a.number,
            at=a.at,
            status_code=a.status_code,
            error=short(a.error),
            duration_ms=a.duration_ms,
            response=(a.response or "")[:500],
        )
        for a in WebhookAttempt.objects.using(db).iterator(chunk_size=CHUNK)
    ]
    DeliveryAttempt.objects.using(db).bulk_create(tries, batch_size=CHUNK)
    # The ids above were given: the sequence (PostgreSQL) must start after them.
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [Delivery]):
            cursor.execute(sql)

    rows = []
    notifications = Notification.objects.using(db).select_related("user").order_by("pk")
    for n in notifications.iterator(chunk_size=CHUNK):
        common = {
            "notification_id": n.pk,
            "user_id": n.user_id,
            "campaign_id": n.campaign_id,
            "job_run_id": n.job_run_id,
            "kind": n.kind,
            "created_at": n.created_at,
        }
        rows.append(
            Delivery(
                channel="app",
                address="",
                state="sent",
                sent_at=n.created_at,
                next_attempt_at=n.created_at,
                **common,
            )
        )
        if n.email_state:
            rows.append(
                Delivery(
                    channel="email",
                    address=n.user.email,
                    state=n.email_state,
                    attempts=n.email_attempts,
                    next_attempt_at=n.email_next_at or n.created_at,
                    sent_at=n.emailed_at,
                    last_error=short(n.email_error),
                    **common,
                )
            )
        if len(rows) >= CHUNK:
            Delivery.objects.using(db).bulk_create(rows)
            rows = []
    Delivery.objects.using(db).bulk_create(rows)

    for preference in Preference.objects.using(db).all():
        if not preference.email:
            preference.channels = {kind: [] for kind in KINDS}
        else:
            preference.channels = {kind: [] for kind in preference.email_muted or []}
        preference.save(update_fields=["channels"])


def backwards(apps, schema_editor):
    Notification = apps.get_model("notify", "Notification")
    Preference = apps.get_model("notify", "Preference")
    WebhookDelivery = apps.get_model("notify", "WebhookDelivery")
    WebhookAttempt = apps.get_model("notify", "WebhookAttempt")
    Delivery = apps.get_model("notify", "Delivery")
    DeliveryAttempt = apps.get_model("notify", "DeliveryAttempt")
    db = schema_editor.connection.alias

    for d in Delivery.objects.using(db).filter(channel="email").iterator(chunk_size=CHUNK):
        Notification.objects.using(db).filter(pk=d.notification_id).update(
            email_state=d.state,
            email_attempts=d.attempts,
            email_next_at=d.next_attempt_at if d.state in ("pending", "sending") else None,
            emailed_at=d.sent_at,
            email_error=d.last_error,
        )
    for d in Delivery.objects.using(db).filter(channel="webhook").iterator(chunk_size=CHUNK):
        WebhookDelivery.objects.using(db).create(
            id=d.pk,
            campaign_id=d.campaign_id,
            job_run_id=d.job_run_id,
            event=d.event,
            url=d.address,
            payload=d.payload,
            state=d.state,
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            locked_until=d.next_attempt_at if d.state == "sending" else None,
            locked_by=d.locked_by,
            created_at=d.created_at,
            delivered_at=d.sent_at,
            last_status=d.last_status,
            last_error=d.last_error,
        )
        for a in DeliveryAttempt.objects.using(db).filter(delivery_id=d.pk):
            WebhookAttempt.objects.using(db).create(
                delivery_id=d.pk,
                number=a.number,
                at=a.at,
                status_code=a.status_code,
                error=a.error,
                duration_ms=a.duration_ms,
                response=a.response,
            )
    with schema_editor.connection.cursor() as cursor:
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [WebhookDelivery]):
            cursor.execute(sql)
    for preference in Preference.objects.using(db).all():
        channels = preference.channels or {}
        off = [kind for kind, chosen in channels.items() if "email" not in chosen]
        preference.email = not all(kind in off for kind in KINDS)
        preference.email_muted = [] if not preference.email else sorted(off)
        preference.save(update_fields=["email", "email_muted"])
    Delivery.objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0003_deliveries")]

    operations = [migrations.RunPython(forwards, backwards)]
