from django.urls import path

from uptake.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/report/", views.report, name="reports-report"),
    path("c/<slug:slug>/status/", views.status, name="reports-status"),
    # What the status page shows, with its filters, as a file (#17).
    path(
        "c/<slug:slug>/status.xlsx",
        views.status_export,
        {"fmt": "xlsx"},
        name="reports-status-xlsx",
    ),
    path(
        "c/<slug:slug>/status.csv",
        views.status_export,
        {"fmt": "csv"},
        name="reports-status-csv",
    ),
    path("c/<slug:slug>/status/remind/", views.status_remind, name="reports-status-remind"),
    path("c/<slug:slug>/units/<str:code>/", views.unit, name="reports-unit"),
    path("c/<slug:slug>/units/<str:code>/enter/", views.enter, name="reports-enter"),
]
