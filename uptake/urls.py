from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from uptake.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for it on pages without an icon of their own (Django's admin).
    path("favicon.ico", RedirectView.as_view(url=static("fieldwork/icon.svg")), name="favicon"),
    path("", include("uptake.reports.urls")),
    path("", include("uptake.documents.urls")),
    path("", include("uptake.fieldwork.urls")),
    path("", include("uptake.notify.urls")),
    path("", include("uptake.quality.urls")),
    path("", include("uptake.accounts.urls")),
    path("", include("uptake.imports.urls")),
]
