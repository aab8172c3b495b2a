from django.apps import AppConfig


class InfluenceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "influence"
    verbose_name = "Мониторинг влияния программ наставничества"

    def ready(self) -> None:
        from influence import audit, privacy, quality, synthetic

        audit.register()
        privacy.register()  # answers in the subject's extract, destroyed by erasure (registry/privacy.py)
        quality.register_checks()  # «Нет входной анкеты», «Нет итоговой анкеты» on the data-quality page
        synthetic.register_with_generator()  # plausible questionnaires in generate_data's region
