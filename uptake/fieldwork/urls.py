from django.urls import path

from uptake.fieldwork import views

urlpatterns = [
    path("field/", views.start, name="fieldwork-start"),
    # The phone's page, its service worker and manifest: one folder, the worker's scope.
    path("c/<slug:slug>/visits/", views.visit, name="fieldwork-visit"),
    path("c/<slug:slug>/visits/sw.js", views.service_worker, name="fieldwork-sw"),
    path("c/<slug:slug>/visits/manifest.webmanifest", views.manifest, name="fieldwork-manifest"),
    path("c/<slug:slug>/fieldwork/", views.home, name="fieldwork-home"),
    path("c/<slug:slug>/fieldwork/teams/<int:pk>/", views.team, name="fieldwork-team"),
    path(
        "c/<slug:slug>/fieldwork/teams/<int:pk>/edit/", views.team_edit, name="fieldwork-team-edit"
    ),
    path("c/<slug:slug>/fieldwork/hamlets/<str:code>/", views.hamlet, name="fieldwork-hamlet"),
    path(
        "c/<slug:slug>/fieldwork/hamlets/<str:code>/flyer/",
        views.flyer_page,
        name="fieldwork-flyer",
    ),
    path(
        "c/<slug:slug>/fieldwork/hamlets/<str:code>/flyer.pdf",
        views.flyer_pdf,
        name="fieldwork-flyer-pdf",
    ),
    path("c/<slug:slug>/fieldwork/<str:code>/", views.commune, name="fieldwork-commune"),
    path(
        "c/<slug:slug>/fieldwork/<str:code>/teams/new/", views.team_new, name="fieldwork-team-new"
    ),
]
