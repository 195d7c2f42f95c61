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
    # The day on one page, to forward (#17): the "Chia sẻ" button's picture and A4 page.
    path("c/<slug:slug>/brief.png", views.brief, {"fmt": "png"}, name="reports-brief-png"),
    path("c/<slug:slug>/brief.pdf", views.brief, {"fmt": "pdf"}, name="reports-brief-pdf"),
    path("c/<slug:slug>/units/<str:code>/", views.unit, name="reports-unit"),
    path("c/<slug:slug>/units/<str:code>/enter/", views.enter, name="reports-enter"),
]
