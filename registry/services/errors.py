"""Turning a database refusal into the Russian sentence its constraint carries."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.db import IntegrityError

GENERIC = (
    "Данные не сохранены: они нарушают правило реестра. Обновите страницу и проверьте введённое; "
    "если ошибка повторится, сообщите методисту."
)


@cache
def _messages() -> dict[str, str]:
    found = {}
    for model in apps.get_app_config("registry").get_models():
        for constraint in model._meta.constraints:
            message = constraint.violation_error_message
            if message and message != constraint.default_violation_error_message:
                found[constraint.name] = str(message)
    return found


def integrity_message(error: IntegrityError) -> str:
    """The message of the named constraint the database reported (PostgreSQL and SQLite name it)."""
    text = str(error)
    for name, message in _messages().items():
        if name in text:
            return message
    return GENERIC
