from django.urls import path

from influence import views

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
    path("pairs/<int:pk>/questionnaires/links/<int:link>/revoke/", views.link_revoke, name="influence_link_revoke"),
    # The personal answer link: no login, the token only (no ids, no names).
    path("a/<str:token>/", views.answer, name="influence_answer"),
]
