"""E-mail each responsible user a digest of roadmap items due soon and overdue (meant for cron).

    python manage.py roadmap_reminders [--dry-run]

A methodist gets the municipal roadmaps' own items; a curator the organisation's roadmap and its
part of municipal «каждая ОО» items. Users with nothing due get nothing. The mail goes through
Django's e-mail backend (the console by default, SMTP from the environment in production).
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from registry.models import Role, User
from roadmap import agenda


class Command(BaseCommand):
    help = "Разослать ответственным сводку сроков дорожных карт: что просрочено и что предстоит в ближайшие 30 дней."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Показать, кому ушли бы письма, и не отправлять.")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        users = (
            User.objects.filter(is_active=True, memberships__role__in=[Role.METHODIST, Role.CURATOR])
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
        sent, refused = 0, []
        for user in users:
            digest = agenda.build(user, today, responsible_only=True)
            if digest.is_empty:
                continue
            subject = (
                f"Дорожные карты: просрочено {digest.overdue_count}, "
                f"в ближайшие {agenda.HORIZON_DAYS} дней — {digest.due_soon_count}"
            )
            if options["dry_run"]:
                self.stdout.write(f"{user.email}: {subject}")
            else:
                body = render_to_string(
                    "roadmap/email/reminder.txt",
                    {
                        "user": user,
                        "agenda": digest,
                        "horizon": agenda.HORIZON_DAYS,
                        "site_url": settings.SITE_URL.rstrip("/"),
                    },
                )
                try:
                    send_mail(subject, body, None, [user.email])
                except smtplib.SMTPRecipientsRefused:  # one dead mailbox must not stop the others' digests
                    refused.append(user.email)
                    continue
            sent += 1
        self.stderr.write(f"Писем: {sent}." + (" (--dry-run: не отправлены)" if options["dry_run"] else ""))
        if refused:
            raise CommandError(f"Не отправлено писем: {len(refused)} — сервер отклонил адреса: {', '.join(refused)}.")
