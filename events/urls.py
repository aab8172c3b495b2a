from django.urls import path

from events import views

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("events/<int:pk>/held/", views.event_held, name="event_held"),
    path("events/<int:pk>/documents/new/", views.document_add, name="event_document_add"),
    path("events/documents/<int:pk>/", views.document_download, name="event_document"),
    path("events/documents/<int:pk>/delete/", views.document_delete, name="event_document_delete"),
    path("events/<int:pk>/participants/new/", views.participant_add, name="event_participant_add"),
    path("events/participants/<int:pk>/edit/", views.participant_edit, name="event_participant_edit"),
    path("events/participants/<int:pk>/delete/", views.participant_delete, name="event_participant_delete"),
    path("events/participants/<int:pk>/certificate/", views.certificate_download, name="event_certificate"),
    path("events/kinds/", views.kind_list, name="event_kind_list"),
    path("events/kinds/new/", views.kind_create, name="event_kind_create"),
    path("events/kinds/<int:pk>/edit/", views.kind_edit, name="event_kind_edit"),
]
