from django.contrib import admin

from uptake.ops.models import DownloadLog


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "what", "campaign", "subject", "via", "ip")
    list_filter = ("what", "via", "campaign")
    search_fields = ("username", "subject", "ip")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
