from django.urls import path

from reporting import views

urlpatterns = [
    path("collections/", views.collection_list, name="collection_list"),
    path("collections/new/", views.collection_create, name="collection_create"),
    path("collections/<int:pk>/", views.collection_detail, name="collection_detail"),
    path("collections/<int:pk>/edit/", views.collection_edit, name="collection_edit"),
    path("collections/<int:pk>/close/", views.collection_close, name="collection_close"),
    path("collections/<int:pk>/remind/", views.collection_remind, name="collection_remind"),
    path("collections/<int:pk>/confirm/<int:organisation_pk>/", views.collection_confirm, name="collection_confirm"),
    path("snapshots/<int:pk>/", views.snapshot_detail, name="snapshot_detail"),
    path("snapshots/<int:pk>/retry/", views.snapshot_retry, name="snapshot_retry"),
    path("snapshots/<int:pk>/file/<str:file_format>/", views.snapshot_file, name="snapshot_file"),
    path("snapshots/compare/", views.snapshot_compare, name="snapshot_compare"),
]
