from django.urls import path

from reminders import views

urlpatterns = [
    path("reminders/", views.reminder_list, name="reminder_list"),
    path("reminders/send/", views.reminder_send_all, name="reminder_send_all"),
    path("reminders/mine/", views.my_reminders, name="my_reminders"),
    path("reminders/<int:pk>/", views.reminder_preview, name="reminder_preview"),
    path("reminders/<int:pk>/send/", views.reminder_send, name="reminder_send"),
]
