from django.apps import AppConfig


class PaperworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "paperwork"
    verbose_name = "Документы из реестра"

    def ready(self) -> None:
        from paperwork import privacy

        privacy.register()  # the signed orders' scans: in the subject's extract, destroyed by erasure
