from django.contrib import admin

from uptake.campaigns.models import Activity, Campaign, Group, Participation


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "start", "target_date", "end", "report_due", "coordinator")
    search_fields = ("slug", "title", "app")
    raw_id_fields = ("coordinator", "root")
    readonly_fields = ("source", "loaded_at")
    inlines = (GroupInline, ActivityInline)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("unit", "campaign", "groups", "activities", "active_from", "active_until")
    list_filter = ("campaign",)
    search_fields = ("unit__code", "unit__name", "unit__search_name")
    raw_id_fields = ("unit",)
