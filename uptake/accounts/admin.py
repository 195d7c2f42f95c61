from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from uptake.accounts.models import ApiToken, Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    filter_horizontal = ("units",)


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UptakeUserAdmin(UserAdmin):
    inlines = (ProfileInline,)
    list_display = ("username", "email", "is_active", "role")

    @admin.display(description="role")
    def role(self, user):
        return getattr(getattr(user, "profile", None), "role", "")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "created", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash", "created", "last_used_at")
