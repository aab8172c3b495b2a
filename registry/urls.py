"""The registry's pages: the hierarchy and its staff, people and consents, programs, pairs, reference lists,
data quality, personal data."""

from django.urls import path

from jobs.views import download
from registry.views import hierarchy, pairs, people, privacy, programs, quality, reference

urlpatterns = [
    path("organisations/", hierarchy.organisation_list, name="organisation_list"),
    path("organisations/new/", hierarchy.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", hierarchy.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", hierarchy.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/curators/new/", hierarchy.curator_invite, name="curator_invite"),
    path("staff/", hierarchy.staff_list, name="staff_list"),
    path("staff/<int:pk>/remove/", hierarchy.membership_remove, name="membership_remove"),
    path("staff/<int:pk>/reinvite/", hierarchy.membership_reinvite, name="membership_reinvite"),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/search/", people.person_autocomplete, name="person_autocomplete"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", people.person_delete, name="person_delete"),
    path("people/<int:pk>/restore/", people.person_restore, name="person_restore"),
    path("people/<int:pk>/consents/new/", people.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", people.consent_withdraw, name="consent_withdraw"),
    path("programs/", programs.program_list, name="program_list"),
    path("programs/new/", programs.program_create, name="program_create"),
    path("programs/<int:pk>/", programs.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", programs.program_edit, name="program_edit"),
    path("pairs/", pairs.pair_list, name="pair_list"),
    path("pairs/new/", pairs.pair_create, name="pair_create"),
    path("pairs/<int:pk>/", pairs.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/edit/", pairs.pair_edit, name="pair_edit"),
    path("pairs/<int:pk>/complete/", pairs.pair_complete, name="pair_complete"),
    path("pairs/<int:pk>/meetings/new/", pairs.meeting_create, name="meeting_create"),
    path("pairs/<int:pk>/meetings/<int:meeting_pk>/edit/", pairs.meeting_edit, name="meeting_edit"),
    path("pairs/<int:pk>/meetings/<int:meeting_pk>/delete/", pairs.meeting_delete, name="meeting_delete"),
    path("reference/", reference.reference_list, name="reference_list"),
    path("reference/<str:kind>/new/", reference.reference_create, name="reference_create"),
    path("reference/<str:kind>/<int:pk>/edit/", reference.reference_edit, name="reference_edit"),
    path("quality/", quality.quality, name="quality"),
    path("quality/summary/", quality.quality_summary, name="quality_summary"),
    path("privacy/access-log/", privacy.access_log, name="access_log"),
    path("privacy/erasures/", privacy.erasure_list, name="erasure_list"),
    path("people/<int:pk>/extract/", download, {"exporter": "person-extract"}, name="person_extract"),
    path("people/<int:pk>/erase/", privacy.person_erase, name="person_erase"),
]
