"""A user's choice about the reminder letters (reminders/letters.py builds them, reminders/services.py sends).

No row means the defaults: letters on, never sent. A curator or a methodist turns the letters off for
themself on «Мои напоминания»; the weekly command and the methodist's «Отправить сейчас» both skip them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReminderSettings(models.Model):
    """Напоминания одного пользователя: присылать ли письма и когда ушло последнее."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_settings",
        verbose_name="пользователь",
    )
    letters_enabled = models.BooleanField("присылать письма-напоминания", default=True)
    last_sent_at = models.DateTimeField("последнее письмо отправлено", null=True, blank=True)
    changed_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "настройки напоминаний"
        verbose_name_plural = "настройки напоминаний"

    def __str__(self) -> str:
        return f"Напоминания: {self.user} — {'письма включены' if self.letters_enabled else 'письма отключены'}"
