from django.urls import path

from jobs.views import download
from paperwork import views

urlpatterns = [
    # «Приказ о закреплении пар»: the school's pairs to choose, the document, the signed order's number and date.
    path("organisations/<int:pk>/pair-order/", views.pair_order, name="paperwork_pair_order"),
    path(
        "organisations/<int:pk>/pair-order/download/",
        download,
        {"exporter": "pair-order"},
        name="paperwork_pair_order_download",
    ),
    path("organisations/<int:pk>/pair-order/number/", views.pair_order_number, name="paperwork_pair_order_number"),
    path("signed-orders/<int:pk>/scan/", views.signed_order_scan, name="paperwork_signed_order_scan"),
    # A participant's consents (DOCX, PDF): data, participation (mentee), mentor duties.
    path("people/<int:pk>/consents/<slug:consent>/", download, {"exporter": "consent"}, name="paperwork_consent"),
    # A department's own templates.
    path("document-templates/", views.template_list, name="paperwork_templates"),
    path("document-templates/<int:pk>/off/", views.template_off, name="paperwork_template_off"),
    path("document-templates/built-in/<slug:kind>/", views.template_builtin, name="paperwork_template_builtin"),
]
