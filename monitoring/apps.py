from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Мониторинг"

    def ready(self) -> None:
        from monitoring.quality import register_check

        register_check()  # «Участников больше, чем в контингенте» on the registry's data-quality page
