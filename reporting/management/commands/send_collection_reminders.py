"""E-mail the curators of organisations that have not confirmed their data in an open collection, on the
schedule each collection sets (every N days before its deadline). Meant for the daily or weekly timer.

    python manage.py send_collection_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting import services


class Command(BaseCommand):
    help = "Разослать напоминания кураторам организаций, не подтвердивших данные в открытых сборах отчётности."

    def handle(self, *args, **options) -> None:
        done = services.remind_due(timezone.localdate())
        for collection, sent in done:
            self.stdout.write(f"{collection.title}: {sent.summary()}")
        if not done:
            self.stdout.write("Сегодня напоминать не о чем.")
