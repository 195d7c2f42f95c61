from django.urls import path

from uptake.reports import views

urlpatterns = [
    path("", views.home, name="home"),
]
