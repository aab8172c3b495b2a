from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "suggestions"
    verbose_name = "Подбор наставников"

    def ready(self) -> None:
        from suggestions import privacy, proposals  # noqa: F401 — proposals registers the job's handler

        privacy.register()  # the lemmas and proposal lines: in the subject's extract, destroyed by erasure
