from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the house: the home page over every feature, and the commands that span them
    (the demo, housekeeping, the benchmark)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Главная страница и общие команды"
