from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "Сборы отчётности"

    def ready(self) -> None:
        from reporting import snapshots  # noqa: F401 — registers the snapshot job's handler
