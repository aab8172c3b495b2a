"""Sending reminder letters: one user's now, all of a department's now (the methodist's page), and the
weekly round (`manage.py send_reminders`). All three skip the same users for the same reasons.

A letter goes through Django's e-mail backend (the console by default, SMTP from the environment in
production); the time it left is kept on the user's `ReminderSettings`.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from auditlog.context import disable_auditlog
from django.core.mail import send_mail
from django.utils import timezone

from common.russian import counted
from registry.models import User
from reminders import letters
from reminders.models import ReminderSettings

# Why a user got no letter: the reason's key and how a list of such users is said.
LETTERS_OFF = "letters_off"
NO_EMAIL = "no_email"
NOTHING = "nothing"
REFUSED = "refused"
SKIPPED = {
    LETTERS_OFF: "отключили письма",
    NO_EMAIL: "без адреса электронной почты",
    NOTHING: "напоминать не о чем",
    REFUSED: "почтовый сервер не принял письмо",
}


def letters_enabled(user: User) -> bool:
    try:
        return user.reminder_settings.letters_enabled
    except ReminderSettings.DoesNotExist:
        return True


def last_sent_at(user: User):
    try:
        return user.reminder_settings.last_sent_at
    except ReminderSettings.DoesNotExist:
        return None


def unreachable(user: User) -> str:
    """Why no letter can go to this user whatever it holds (letters off, no address), or ""."""
    if not letters_enabled(user):
        return LETTERS_OFF
    if not user.email:
        return NO_EMAIL
    return ""


def why_not(user: User, reminder: letters.Reminder) -> str:
    """The reason this user gets no letter now, or "" when it goes."""
    return unreachable(user) or (NOTHING if reminder.is_empty else "")


def set_letters(user: User, enabled: bool) -> None:
    """The user's own choice («Мои напоминания»)."""
    ReminderSettings.objects.update_or_create(user=user, defaults={"letters_enabled": enabled})


@dataclass
class Outcome:
    sent: list[User] = field(default_factory=list)
    skipped: dict[str, list[User]] = field(default_factory=dict)

    def skip(self, user: User, reason: str) -> None:
        self.skipped.setdefault(reason, []).append(user)

    @property
    def refused(self) -> list[User]:
        return self.skipped.get(REFUSED, [])

    def summary(self) -> str:
        """«Отправлено 3 письма. Не отправлено: 2 пользователя — отключили письма; 1 пользователь — …»."""
        text = f"Отправлено {counted(len(self.sent), 'письмо', 'письма', 'писем')}."
        reasons = [
            f"{counted(len(users), 'пользователь', 'пользователя', 'пользователей')} — {SKIPPED[reason]}"
            for reason, users in self.skipped.items()
            if users
        ]
        if reasons:
            text += " Не отправлено: " + "; ".join(reasons) + "."
        return text


def send(reminder: letters.Reminder, outcome: Outcome, *, dry_run: bool = False) -> letters.Letter | None:
    """Send the reminder's letter unless the user is to be skipped; the outcome records which.

    A refused address (a mailbox that no longer exists) is recorded, not raised: one dead mailbox must
    not stop the others' letters.
    """
    user = reminder.user
    reason = why_not(user, reminder)
    if reason:
        outcome.skip(user, reason)
        return None
    letter = letters.compose(reminder)
    if not dry_run:
        try:
            send_mail(letter.subject, letter.body, None, [letter.to])
        except smtplib.SMTPRecipientsRefused:
            outcome.skip(user, REFUSED)
            return None
        with disable_auditlog():  # bookkeeping, not the user's choice (the trail keeps `letters_enabled` only)
            ReminderSettings.objects.update_or_create(user=user, defaults={"last_sent_at": timezone.now()})
    outcome.sent.append(user)
    return letter


def send_all(
    users: Iterable[User], today: date, *, departments: Iterable[int] | None = None, dry_run: bool = False
) -> tuple[Outcome, list[letters.Letter]]:
    """Each user's letter (of their roles in `departments`, when given), skipping as `send` does."""
    outcome = Outcome()
    sent = []
    departments = list(departments) if departments is not None else None
    for user in users:
        reason = unreachable(user)
        if reason:  # known without building the letter
            outcome.skip(user, reason)
            continue
        letter = send(letters.build(user, today, departments=departments), outcome, dry_run=dry_run)
        if letter is not None:
            sent.append(letter)
    return outcome, sent
