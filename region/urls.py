from django.urls import path

from region import views

urlpatterns = [
    path("region/", views.overview, name="region_overview"),
    path("region/collections/", views.collection_list, name="region_collection_list"),
    path("region/collections/new/", views.collection_create, name="region_collection_create"),
    path("region/collections/<int:pk>/", views.collection_detail, name="region_collection_detail"),
    path("region/collections/<int:pk>/answer/", views.collection_answer, name="region_collection_answer"),
    path("region/collections/<int:pk>/close/", views.collection_close, name="region_collection_close"),
]
