from django.urls import path

from uptake.reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/report/", views.report, name="reports-report"),
    path("c/<slug:slug>/status/", views.status, name="reports-status"),
    path("c/<slug:slug>/units/<str:code>/", views.unit, name="reports-unit"),
    path("c/<slug:slug>/units/<str:code>/enter/", views.enter, name="reports-enter"),
]
