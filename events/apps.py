from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Мероприятия и обучение"

    def ready(self) -> None:
        from events.quality import register_check

        register_check()  # «Наставники без обучения» on the registry's data-quality page
