from django.urls import path

from uptake.quality import views

urlpatterns = [
    path("c/<slug:slug>/quality/", views.flags, name="quality-flags"),
    path("c/<slug:slug>/quality/check/", views.check, name="quality-check"),
    path("c/<slug:slug>/quality/flags/<int:pk>/dismiss/", views.dismiss, name="quality-dismiss"),
    path("c/<slug:slug>/quality/flags/<int:pk>/restore/", views.restore, name="quality-restore"),
    path("c/<slug:slug>/units/<str:code>/quality/", views.unit, name="quality-unit"),
    path("c/<slug:slug>/units/<str:code>/inspect/", views.inspect, name="quality-inspect"),
    path("c/<slug:slug>/inspections/<int:pk>/", views.inspection, name="quality-inspection"),
    path(
        "c/<slug:slug>/inspections/<int:pk>/edit/",
        views.inspection_edit,
        name="quality-inspection-edit",
    ),
    path("c/<slug:slug>/units/<str:code>/sample/", views.sample_new, name="quality-sample-new"),
    path("c/<slug:slug>/samples/<int:pk>/", views.sample, name="quality-sample"),
    path("c/<slug:slug>/units/<str:code>/roster/", views.roster_page, name="quality-roster"),
    path(
        "c/<slug:slug>/units/<str:code>/roster/import/",
        views.roster_import,
        name="quality-roster-import",
    ),
    path(
        "c/<slug:slug>/units/<str:code>/roster.xlsx",
        views.roster_export,
        name="quality-roster-export",
    ),
    path(
        "c/<slug:slug>/roster-template.xlsx", views.roster_template, name="quality-roster-template"
    ),
    path(
        "c/<slug:slug>/units/<str:code>/roster/<int:pk>/",
        views.member_edit,
        name="quality-member-edit",
    ),
    path(
        "c/<slug:slug>/units/<str:code>/roster/<int:pk>/delete/",
        views.member_delete,
        name="quality-member-delete",
    ),
]
