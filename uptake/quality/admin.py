"""Quality in the admin: read-only, since every change goes through an audited action."""

from django.contrib import admin

from uptake.quality.models import Flag, Inspection, Sample, StaffMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("unit", "date", "group", "rule", "severity", "dismissed_at")
    list_filter = ("campaign", "rule", "severity", "date")
    search_fields = ("unit__code", "unit__name", "unit__search_name")
    list_select_related = ("unit",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "date", "group", "method", "with_app", "sample_size", "inspector")
    list_filter = ("campaign", "method", "group")
    search_fields = ("unit__code", "unit__name", "inspector")
    list_select_related = ("unit",)


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdmin):
    list_display = ("unit", "source", "group", "size", "population", "seed", "drawn_at")
    list_filter = ("campaign", "source")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit",)


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "position", "unit", "has_smartphone", "installed", "installed_on")
    list_filter = ("campaign", "has_smartphone", "installed")
    search_fields = ("name", "unit__code", "unit__name")
    list_select_related = ("unit",)
