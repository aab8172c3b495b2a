from django.urls import path

from jobs.views import download
from roadmap.views import execution, importing, register, roadmaps

urlpatterns = [
    path("roadmaps/", roadmaps.roadmap_list, name="roadmap_list"),
    path("roadmaps/new/", roadmaps.roadmap_create, name="roadmap_create"),
    path("roadmaps/import/", importing.roadmap_import, name="roadmap_import"),
    path("roadmaps/import/confirm/", importing.roadmap_import_confirm, name="roadmap_import_confirm"),
    path("roadmaps/import/revise/", importing.roadmap_import_revise, name="roadmap_import_revise"),
    path("roadmaps/agenda/", execution.agenda, name="roadmap_agenda"),
    path("roadmaps/<int:pk>/", roadmaps.roadmap_detail, name="roadmap_detail"),
    path("roadmaps/<int:pk>/edit/", roadmaps.roadmap_edit, name="roadmap_edit"),
    path("roadmaps/<int:pk>/delete/", roadmaps.roadmap_delete, name="roadmap_delete"),
    path("roadmaps/<int:pk>/copy/", importing.roadmap_copy, name="roadmap_copy"),
    path("roadmaps/<int:pk>/export/", download, {"exporter": "roadmap"}, name="roadmap_export"),
    path("roadmaps/<int:pk>/matrix/", execution.matrix, name="roadmap_matrix"),
    path("roadmaps/<int:pk>/sections/new/", roadmaps.section_create, name="roadmap_section_create"),
    path("roadmaps/<int:pk>/items/new/", roadmaps.item_create, name="roadmap_item_create"),
    path("roadmaps/sections/<int:pk>/edit/", roadmaps.section_edit, name="roadmap_section_edit"),
    path("roadmaps/sections/<int:pk>/delete/", roadmaps.section_delete, name="roadmap_section_delete"),
    path("roadmaps/sections/<int:pk>/move/", roadmaps.section_move, name="roadmap_section_move"),
    path("roadmaps/items/<int:pk>/edit/", roadmaps.item_edit, name="roadmap_item_edit"),
    path("roadmaps/items/<int:pk>/delete/", roadmaps.item_delete, name="roadmap_item_delete"),
    path("roadmaps/items/<int:pk>/move/", roadmaps.item_move, name="roadmap_item_move"),
    path("roadmaps/marks/<int:pk>/", execution.occurrence_edit, name="roadmap_occurrence_edit"),
    path("roadmaps/marks/<int:pk>/evidence/", execution.evidence_download, name="roadmap_evidence"),
    # «Реестр документов»: a department's register of a school year is a roadmap of its own kind
    path("registers/", register.register_index, name="register_index"),
    path("registers/<int:pk>/", register.register_detail, name="register_detail"),
    path("registers/<int:pk>/export/", download, {"exporter": "document-register"}, name="register_export"),
    path("registers/<int:pk>/documents/new/", register.requirement_create, name="register_requirement_create"),
    path("registers/documents/<int:pk>/edit/", register.requirement_edit, name="register_requirement_edit"),
    path("registers/documents/<int:pk>/delete/", register.requirement_delete, name="register_requirement_delete"),
    path("registers/parts/<int:pk>/", register.submission, name="register_submission"),
]
