"""E-mail each curator and methodist their reminder (meant for the weekly timer).

    python manage.py send_reminders [--dry-run]

The letter is the one «Напоминания» previews (reminders/letters.py): overdue and coming roadmap
items, pairs past their planned end without results, minors without consent, organisations without
this year's contingent. Users who turned the letters off, have no address or nothing to be reminded
of get nothing. The mail goes through Django's e-mail backend (the console by default, SMTP from the
environment in production).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from registry.models import User
from reminders import letters, services


class Command(BaseCommand):
    help = (
        "Разослать кураторам и методистам напоминания: просроченные и ближайшие пункты дорожных карт, пары "
        "с истёкшим сроком, несовершеннолетние без согласия, контингент за год."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Показать, кому ушли бы письма, и не отправлять.")

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]
        users = (
            User.objects.filter(is_active=True, memberships__role__in=letters.REMINDED_ROLES)
            .distinct()
            .select_related("reminder_settings")
            .order_by("pk")
        )
        outcome, sent = services.send_all(users, timezone.localdate(), dry_run=dry_run)
        for letter in sent if dry_run else []:
            self.stdout.write(f"{letter.to}: {letter.subject}")
        self.stderr.write(outcome.summary() + (" (--dry-run: не отправлены)" if dry_run else ""))
        if outcome.refused:
            addresses = ", ".join(user.email for user in outcome.refused)
            raise CommandError(f"Не отправлено писем: {len(outcome.refused)} — сервер отклонил адреса: {addresses}.")
