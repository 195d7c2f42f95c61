"""Reports are read-only in the admin: figures change only through submit_report (audited)."""

from django.contrib import admin

from uptake.reports.models import Report, Revision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    fields = (
        "number",
        "submitted_at",
        "submitted_by",
        "via",
        "on_behalf",
        "source",
        "figures",
        "note",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "campaign", "date", "status", "revision", "first_submitted_at")
    list_filter = ("campaign", "status", "date")
    search_fields = ("unit__code", "unit__name", "unit__search_name")
    list_select_related = ("unit", "campaign")
    inlines = (RevisionInline,)
