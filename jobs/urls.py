"""The job pages. The download URLs are each app's own (they name their exporter for `views.download`)."""

from django.urls import path

from jobs import views

urlpatterns = [
    path("exchange/jobs/", views.job_list, name="job_list"),
    path("exchange/jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("exchange/jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("exchange/jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("exchange/jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
]
