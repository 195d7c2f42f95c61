from django.urls import path

from uptake.notify import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", views.read, name="notifications-read"),
    path("notifications/preferences/", views.preferences, name="notifications-preferences"),
    path("notifications/phone/", views.phone, name="notifications-phone"),
    path(
        "notifications/test/<slug:channel>/",
        views.send_test_message,
        name="notifications-test",
    ),
]
