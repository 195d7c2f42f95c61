from django.urls import path

from uptake.notify import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.read, name="notifications-read"),
    path("notifications/preferences/", views.preferences, name="notifications-preferences"),
]
