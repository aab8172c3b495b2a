from django.urls import path

from jobs.views import download
from practices import views

urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/queue/", views.practice_queue, name="practice_queue"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_edit, name="practice_edit"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/return/", views.practice_return, name="practice_return"),
    path("practices/<int:pk>/approve/", views.practice_approve, name="practice_approve"),
    path("practices/<int:pk>/publish/", views.practice_publish, name="practice_publish"),
    path("practices/<int:pk>/unpublish/", views.practice_unpublish, name="practice_unpublish"),
    path("practices/<int:pk>/files/", views.practice_file_add, name="practice_file_add"),
    path("practices/files/<int:pk>/", views.practice_file, name="practice_file"),
    path("practices/files/<int:pk>/delete/", views.practice_file_delete, name="practice_file_delete"),
    # The mentor's portfolio (practices/exports.py): the file, and the nomination sheet of «Наставник года».
    path("people/<int:pk>/portfolio/", download, {"exporter": "mentor-portfolio"}, name="mentor_portfolio"),
    path("people/<int:pk>/nomination/", download, {"exporter": "mentor-nomination"}, name="mentor_nomination"),
    # The department's public page: no login (docs/security.md).
    path("public/<str:code>/", views.public_practices, name="public_practices"),
    path("public/<str:code>/feed/", views.public_feed, name="public_feed"),
    path("public/<str:code>/files/<int:pk>/", views.public_file, name="public_file"),
    path("public/<str:code>/<int:pk>/", views.public_practice, name="public_practice"),
]
