"""Job runs for admins: when, which, result, errors; retry one now. Deliveries of every
channel, their tries and the dead letters; send one again."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from uptake.notify.models import Delivery, DeliveryAttempt, JobRun, Notification, Preference


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


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "address", "state", "attempts", "sent_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "day", "created_at", "read_at")
    list_filter = ("kind", "campaign")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user", "job_run")
    readonly_fields = ("created_at",)
    inlines = (DeliveryInline,)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "channels")
    raw_id_fields = ("user",)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "status_code", "duration_ms", "error", "response")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class DeadLetterFilter(admin.SimpleListFilter):
    title = _("dead letters")
    parameter_name = "dead"

    def lookups(self, request, model_admin):
        return (("yes", _("Dead letters only")),)

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state=Delivery.State.FAILED)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every channel's deliveries; dead letters (given up after the last try) on top of the
    list with their reason, and sent again on request."""

    list_display = (
        "channel",
        "what",
        "address",
        "state",
        "last_error",
        "attempts",
        "last_status",
        "created_at",
        "sent_at",
        "next_attempt_at",
    )
    list_filter = (DeadLetterFilter, "state", "channel", "kind", "campaign")
    search_fields = ("address", "user__username", "last_error")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = (DeliveryAttemptInline,)
    actions = ("send_again",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted delivery would be written again by a job run redone

    @admin.display(description=_("kind or event"))
    def what(self, delivery):
        return delivery.kind or delivery.event

    def changelist_view(self, request, extra_context=None):
        dead = Delivery.objects.filter(state=Delivery.State.FAILED).count()
        if dead and request.method == "GET":
            messages.warning(
                request,
                ngettext(
                    "%(count)s dead letter: a message given up after its last try.",
                    "%(count)s dead letters: messages given up after their last try.",
                    dead,
                )
                % {"count": dead},
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Send again now (dead letters and pending deliveries)"))
    def send_again(self, request, queryset):
        count = queryset.filter(state__in=[Delivery.State.FAILED, Delivery.State.PENDING]).update(
            state=Delivery.State.PENDING,
            next_attempt_at=timezone.now(),
            attempts=0,
            locked_by="",
        )
        self.message_user(
            request, f"{count} delivery(ies) will be sent by the next scheduler pass."
        )
