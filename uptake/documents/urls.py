from django.urls import path

from uptake.documents import views

urlpatterns = [
    path("c/<slug:slug>/dashboard/", views.dashboard, name="documents-dashboard"),
    path("c/<slug:slug>/compilations/", views.compilation_list, name="documents-list"),
    path("c/<slug:slug>/compilations/<str:day>/", views.compilation, name="documents-compilation"),
    path(
        "c/<slug:slug>/compilations/<str:day>/refresh/",
        views.refresh,
        name="documents-refresh",
    ),
    path("c/<slug:slug>/compilations/<str:day>/text/", views.text, name="documents-text"),
    path(
        "c/<slug:slug>/compilations/<str:day>/approve/",
        views.approve,
        name="documents-approve",
    ),
    path("c/<slug:slug>/compilations/<str:day>/send/", views.send, name="documents-send"),
    path(
        "c/<slug:slug>/compilations/<str:day>/document.<str:fmt>",
        views.download,
        name="documents-download",
    ),
]
