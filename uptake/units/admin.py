from django.contrib import admin

from uptake.units.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    ordering = ("path",)

    def get_search_results(self, request, queryset, search_term):
        # "thuong thoi tien" finds "Thị trấn Thường Thới Tiền": search the folded name too.
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            found |= queryset.filter(pk__in=self.model.search(search_term).values("pk"))
        return found, may_have_duplicates
