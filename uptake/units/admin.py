from django.contrib import admin

from uptake.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name", "search_name")
    raw_id_fields = ("parent",)
    ordering = ("path",)
