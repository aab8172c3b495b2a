from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "Реестр наставничества"

    def ready(self) -> None:
        from registry import audit, freshness

        audit.register()
        freshness.connect()
