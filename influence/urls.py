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
]
