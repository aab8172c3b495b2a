from django.urls import path

from influence import editor, outcomes, pages, printing, views
from jobs.views import download

urlpatterns = [
    path("pairs/<int:pk>/questionnaires/", views.pair_questionnaires, name="influence_pair"),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentor/",
        views.mentor_response,
        name="influence_mentor_response",
    ),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentee/<int:participation>/",
        views.mentee_response,
        name="influence_mentee_response",
    ),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentor/link/",
        views.mentor_link,
        name="influence_mentor_link",
    ),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentee/<int:participation>/link/",
        views.mentee_link,
        name="influence_mentee_link",
    ),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentor/print/",
        printing.mentor_print,
        name="influence_mentor_print",
    ),
    path(
        "pairs/<int:pk>/questionnaires/<slug:purpose>/mentee/<int:participation>/print/",
        printing.mentee_print,
        name="influence_mentee_print",
    ),
    path("pairs/<int:pk>/questionnaires/links/<int:link>/revoke/", views.link_revoke, name="influence_link_revoke"),
    # Outcomes of mentees per school year (influence/outcomes.py): by hand, or a school's XLSX.
    path(
        "pairs/<int:pk>/outcomes/<int:participation>/<int:year>/",
        outcomes.outcome_edit,
        name="influence_outcome_edit",
    ),
    path("influence/outcomes/upload/", outcomes.outcome_upload, name="influence_outcome_upload"),
    path("influence/outcomes/template/", outcomes.outcome_template, name="influence_outcome_template"),
    # «Анкеты мониторинга»: the common templates and the department's own versions (influence/editor.py).
    path("questionnaires/", editor.template_list, name="influence_template_list"),
    path("questionnaires/<int:pk>/", editor.template_detail, name="influence_template_detail"),
    path("questionnaires/<int:pk>/copy/", editor.template_copy, name="influence_template_copy"),
    path("questionnaires/<int:pk>/edit/", editor.template_edit, name="influence_template_edit"),
    path("questionnaires/<int:pk>/delete/", editor.template_delete, name="influence_template_delete"),
    path("questionnaires/<int:pk>/questions/new/", editor.question_create, name="influence_template_question_create"),
    path("questionnaires/questions/<int:pk>/edit/", editor.question_edit, name="influence_template_question_edit"),
    path(
        "questionnaires/questions/<int:pk>/delete/",
        editor.question_delete,
        name="influence_template_question_delete",
    ),
    path("questionnaires/questions/<int:pk>/move/", editor.question_move, name="influence_template_question_move"),
    # «Мониторинг влияния»: the growth of a school's or a department's participants (influence/pages.py).
    path("influence/", pages.results, name="influence_results"),
    path("influence/pairs/", pages.results_pairs, name="influence_results_pairs"),
    path("influence/export/", download, {"exporter": "influence-results"}, name="influence_results_export"),
    # The personal answer link: no login, the token only (no ids, no names).
    path("a/<str:token>/", views.answer, name="influence_answer"),
]
