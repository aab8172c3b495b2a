from django.urls import path

from exchange import views
from jobs.views import download

urlpatterns = [
    path("exchange/export/", download, {"exporter": "bases"}, name="export"),
    path("exchange/import/", views.import_file, name="import_file"),
    path("exchange/jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("exchange/jobs/<int:pk>/columns/", views.import_map, name="import_map"),
]
