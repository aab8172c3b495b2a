from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Downloads and background jobs: the export contract, the one view that serves every exporter,
    the job row and the worker's task. Below the registry: it knows no domain model."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "Выгрузки и фоновые задания"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's exports.py registers its exporters (jobs/exports.py `register`).
        autodiscover_modules("exports")
