from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "Напоминания"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from reminders.models import ReminderSettings

        # Who turned their letters off or on, and when (not each letter sent: the weekly round would fill it).
        auditlog.register(ReminderSettings, include_fields=["letters_enabled"])
