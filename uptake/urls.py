from django.contrib import admin
from django.urls import include, path

from uptake.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("uptake.reports.urls")),
    path("", include("uptake.documents.urls")),
    path("", include("uptake.fieldwork.urls")),
    path("", include("uptake.notify.urls")),
    path("", include("uptake.quality.urls")),
    path("", include("uptake.accounts.urls")),
]
