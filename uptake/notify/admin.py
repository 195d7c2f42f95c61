"""Job runs for admins: when, which, result, errors; retry one now. Deliveries and their tries."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from uptake.notify.models import JobRun, Notification, Preference, WebhookAttempt, WebhookDelivery


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = (
        "campaign",
        "job",
        "day",
        "state",
        "due_at",
        "attempts",
        "started_at",
        "finished_at",
        "outcome",
    )
    list_filter = ("state", "job", "campaign")
    date_hierarchy = "due_at"
    search_fields = ("campaign__slug", "last_error")
    readonly_fields = [f.name for f in JobRun._meta.fields]
    actions = ("retry_now",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A deleted run would be planned and run again: its notifications sent twice.
        return False

    @admin.display(description="result")
    def outcome(self, run):
        if run.last_error and run.state != JobRun.State.DONE:
            return format_html(
                "<strong>⚠ {}</strong>",  # no inline style: the CSP allows none
                run.last_error.strip().splitlines()[-1][:120],
            )
        return json.dumps(run.result, ensure_ascii=False)[:120]

    @admin.action(description="Run again now (failed or pending runs)")
    def retry_now(self, request, queryset):
        count = queryset.filter(state__in=[JobRun.State.FAILED, JobRun.State.PENDING]).update(
            state=JobRun.State.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        self.message_user(request, f"{count} run(s) will be run by the next scheduler pass.")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "day", "created_at", "read_at", "email_state", "emailed_at")
    list_filter = ("kind", "email_state", "campaign")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user", "job_run")
    readonly_fields = ("created_at", "emailed_at", "email_attempts", "email_error")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "email_muted")
    raw_id_fields = ("user",)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "duration_ms", "error", "response")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "event",
        "campaign",
        "url",
        "state",
        "attempts",
        "last_status",
        "created_at",
        "delivered_at",
        "next_attempt_at",
    )
    list_filter = ("state", "event", "campaign")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = (WebhookAttemptInline,)

    def has_add_permission(self, request, obj=None):
        return False
