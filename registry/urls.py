from django.urls import include, path

from registry.views import hierarchy as views

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/curators/new/", views.curator_invite, name="curator_invite"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("staff/<int:pk>/reinvite/", views.membership_reinvite, name="membership_reinvite"),
    path("", include("registry.views.people")),
    path("", include("registry.views.programs")),
    path("", include("registry.views.pairs")),
    path("", include("registry.views.reference")),
    path("", include("registry.views.quality")),
    path("", include("registry.views.privacy")),
]
