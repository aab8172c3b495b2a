"""Mentor suggestions: «Подобрать наставника», proposals of pairs, the department's weights."""

from django.urls import path

from suggestions import views

urlpatterns = [
    path("suggestions/candidates/", views.candidates, name="suggestion_candidates"),
    path("suggestions/proposals/", views.proposal_list, name="proposal_list"),
    path("suggestions/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("suggestions/weights/", views.weights, name="suggestion_weights"),
]
