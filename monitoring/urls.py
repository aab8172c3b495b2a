from django.urls import path

from jobs.views import download
from monitoring import views

urlpatterns = [
    path("monitoring/", views.indicators, name="indicators"),
    path("monitoring/breakdown/", views.breakdown, name="indicator_breakdown"),
    path("monitoring/people/", views.drilldown, name="indicator_drilldown"),
    path("monitoring/export/", download, {"exporter": "indicators"}, name="indicators_export"),
    path("monitoring/report/", download, {"exporter": "report"}, name="indicators_report"),
    path("monitoring/contingent/", views.contingent_list, name="contingent_list"),
    path("monitoring/contingent/<int:pk>/<int:year>/", views.contingent_edit, name="contingent_edit"),
    path("monitoring/contingent/upload/", views.contingent_upload, name="contingent_upload"),
    path("monitoring/contingent/template/", download, {"exporter": "contingent-template"}, name="contingent_template"),
]
