from django.urls import path

from uptake.imports import views

urlpatterns = [
    path("c/<slug:slug>/imports/", views.page, name="imports-page"),
    path("c/<slug:slug>/imports/template.xlsx", views.template_xlsx, name="imports-template"),
    # The offline daily form, its service worker and manifest: one folder, the worker's scope.
    path("c/<slug:slug>/send/", views.send, name="imports-send"),
    path("c/<slug:slug>/send/sw.js", views.send_sw, name="imports-send-sw"),
    path(
        "c/<slug:slug>/send/manifest.webmanifest", views.send_manifest, name="imports-send-manifest"
    ),
]
