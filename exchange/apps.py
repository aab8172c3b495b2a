from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "Обмен: официальные формы и загрузка из Excel"

    def ready(self) -> None:
        # The upload's check and saving run as background jobs of their own kinds.
        from exchange import uploads  # noqa: F401
