"""Teams in the admin; visits read-only (they change only through record_visit)."""

from django.contrib import admin

from uptake.fieldwork.models import Team, Visit


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "campaign")
    list_filter = ("campaign",)
    search_fields = ("name", "commune__code", "commune__name")
    raw_id_fields = ("commune",)
    filter_horizontal = ("members", "hamlets")


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ("visited_at", "hamlet", "household", "outcome", "team", "recorded_by")
    list_filter = ("campaign", "outcome", "day")
    search_fields = ("household", "hamlet__code", "hamlet__name")
    list_select_related = ("hamlet", "team", "recorded_by")
    date_hierarchy = "visited_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
