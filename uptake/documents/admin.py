"""Compiled reports are read-only in the admin: they change only through the actions (audited),
and an approved one never changes."""

from __future__ import annotations

from django.contrib import admin

from uptake.documents.models import Compilation, Counter, Dispatch


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DispatchInline(admin.TabularInline):
    model = Dispatch
    extra = 0
    fields = ("sent_at", "sent_by", "subject", "recipients", "attachments")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Compilation)
class CompilationAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "unit", "date", "state", "reference", "approved_at", "sent_at")
    list_filter = ("state", "campaign")
    date_hierarchy = "date"
    readonly_fields = [f.name for f in Compilation._meta.fields]
    inlines = [DispatchInline]


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ("office", "year", "symbol", "last_number")
