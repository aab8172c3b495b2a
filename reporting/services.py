"""Changing collections: confirming an organisation's data, closing a collection (which starts its
snapshot), starting a failed snapshot again, and the reminder letters to the curators of organisations
not done.

Each runs in one transaction; confirming and closing lock the collection's row, so a collection closed
while a curator confirms is refused cleanly, and a close requested twice at once makes one snapshot.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jobs import runner
from jobs.models import Job, JobStatus
from registry.models import Membership, Organisation, Role, User
from reminders.services import letters_enabled
from reporting import snapshots
from reporting.checklist import checklists
from reporting.models import Collection, CollectionState, Confirmation, Requirement, Snapshot

CLOSED_REFUSED = "Сбор уже закрыт: подтверждения больше не принимаются."
ALREADY_CONFIRMED = "Данные этой организации в этом сборе уже подтверждены."
ALREADY_CLOSED = "Сбор уже закрыт, снимок сделан при закрытии."
SNAPSHOT_TAKEN = "Снимок уже сделан: повторять нечего."
SNAPSHOT_RUNNING = "Снимок уже делается: дождитесь конца задания."
BASES_NOT_TICKED = "Отметьте «Базы наставников и наставляемых актуальны»."


class Refused(Exception):
    """A change the user asked for cannot be made now (Russian `message`)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _locked(collection: Collection) -> Collection:
    return Collection.objects.select_for_update().select_related("department").get(pk=collection.pk)


def confirm(
    user: User, collection: Collection, organisation: Organisation, *, comments: dict[str, str], bases_ticked: bool
) -> Confirmation:
    """The curator's «Подтверждаю данные организации»; Refused while a requirement is not met."""
    with transaction.atomic():
        collection = _locked(collection)
        if not collection.is_open:
            raise Refused(CLOSED_REFUSED)
        if collection.confirmations.filter(organisation=organisation).exists():
            raise Refused(ALREADY_CONFIRMED)
        comments = {slug: text.strip() for slug, text in comments.items() if text and text.strip()}
        checklist = checklists(user, collection, [organisation.pk], comments={organisation.pk: comments})[
            organisation.pk
        ]
        if not checklist.ready:
            reasons = "; ".join(f"{status.label} — {status.detail}" for status in checklist.unmet)
            raise Refused(f"Подтвердить пока нельзя: {reasons}.")
        if Requirement.BASES_CONFIRMED in collection.requirement_list and not bases_ticked:
            raise Refused(BASES_NOT_TICKED)
        # Only the explanations of checks that have problems now are kept.
        problems = {p.slug for p in checklist.quality_problems()}
        try:
            with transaction.atomic():
                return Confirmation.objects.create(
                    collection=collection,
                    organisation=organisation,
                    confirmed_by=user,
                    confirmed_at=timezone.now(),
                    comments={slug: text for slug, text in comments.items() if slug in problems},
                )
        except IntegrityError as error:  # confirmed at the same moment by another request
            raise Refused(ALREADY_CONFIRMED) from error


def close(user: User, collection: Collection) -> Snapshot:
    """Close the collection and start its snapshot (one per collection, whatever the double clicks)."""
    with transaction.atomic():
        collection = _locked(collection)
        if not collection.is_open:
            raise Refused(ALREADY_CLOSED)
        collection.state = CollectionState.CLOSED
        collection.closed_at = timezone.now()
        collection.closed_by = user
        collection.save(update_fields=["state", "closed_at", "closed_by"])
        try:
            with transaction.atomic():
                snapshot = Snapshot.objects.create(collection=collection, department=collection.department)
        except IntegrityError as error:
            raise Refused(ALREADY_CLOSED) from error
        snapshots.start(snapshot, user)
        return snapshot


def snapshot_failed(snapshot: Snapshot) -> bool:
    """The snapshot is not taken and its job will not take it: failed, interrupted (its worker stopped),
    or never started. The methodist may start it again."""
    if snapshot.is_taken:
        return False
    return snapshot.job is None or snapshot.job.can_retry


def retry_snapshot(user: User, snapshot: Snapshot) -> Snapshot:
    """Start a failed snapshot's job again (its row stays, the files and figures are written by the new job).
    The snapshot's row is locked: a second click while the new job is queued or running makes none."""
    with transaction.atomic():
        snapshot = (
            Snapshot.objects.select_for_update(of=("self",)).select_related("collection", "job").get(pk=snapshot.pk)
        )
        if snapshot.is_taken:
            raise Refused(SNAPSHOT_TAKEN)
        if not snapshot_failed(snapshot):
            raise Refused(SNAPSHOT_RUNNING)
        if snapshot.job is not None and snapshot.job.is_interrupted:  # marked failed, as jobs/runner.py retry does
            Job.objects.filter(pk=snapshot.job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, finished_at=timezone.now(), message=runner.INTERRUPTED_MESSAGE
            )
        snapshots.start(snapshot, user)
        return snapshot


# --- Reminders -------------------------------------------------------------------------------------


@dataclass
class Sent:
    letters: int = 0
    organisations: list[Organisation] = field(default_factory=list)
    skipped: list[User] = field(default_factory=list)

    def summary(self) -> str:
        text = f"Напоминания отправлены: писем — {self.letters}, организаций — {len(self.organisations)}."
        if self.skipped:
            text += f" Не отправлено (письма отключены или нет адреса): {len(self.skipped)}."
        return text


def organisations_not_done(collection: Collection) -> list[Organisation]:
    confirmed = collection.confirmations.values("organisation_id")
    return list(
        Organisation.objects.filter(department=collection.department).exclude(pk__in=confirmed).order_by("short_name")
    )


def remind(collection: Collection, *, now=None) -> Sent:
    """A letter to each curator of each organisation that has not confirmed (one per curator)."""
    now = now or timezone.now()
    sent = Sent()
    if not collection.is_open:
        return sent
    pending = organisations_not_done(collection)
    roles = (
        Membership.objects.filter(role=Role.CURATOR, organisation__in=pending, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user_id", "organisation__short_name")
    )
    by_user: dict[int, tuple[User, list[Organisation]]] = {}
    for role in roles:
        if role.organisation is not None:  # a curator's role always names one (a database rule)
            by_user.setdefault(role.user_id, (role.user, []))[1].append(role.organisation)
    url = settings.SITE_URL.rstrip("/") + reverse("collection_detail", args=[collection.pk])
    for user, organisations in by_user.values():
        if not user.email or not letters_enabled(user):
            sent.skipped.append(user)
            continue
        body = render_to_string(
            "reporting/email/reminder.txt",
            {"collection": collection, "user": user, "organisations": organisations, "url": url},
        )
        subject = f"Сбор «{collection.title}»: подтвердите данные до {collection.deadline:%d.%m.%Y}"
        try:
            send_mail(subject, str.__str__(body), None, [user.email])
        except smtplib.SMTPRecipientsRefused:
            sent.skipped.append(user)
            continue
        sent.letters += 1
        sent.organisations += [o for o in organisations if o not in sent.organisations]
    Collection.objects.filter(pk=collection.pk).update(last_reminded_at=now)
    return sent


def due_for_reminder(collection: Collection, today: date) -> bool:
    """The schedule: until the deadline, a letter once `remind_every_days` days have passed since the last
    one (the first at once). Works whatever the timer's rhythm (daily or weekly)."""
    if not collection.is_open or not collection.remind_every_days or today > collection.deadline:
        return False
    last = collection.last_reminded_at
    return last is None or (today - timezone.localdate(last)).days >= collection.remind_every_days


def remind_due(today: date) -> list[tuple[Collection, Sent]]:
    """Every open collection whose schedule falls today (the timer's command)."""
    done = []
    for collection in Collection.objects.open().select_related("department").order_by("pk"):
        if due_for_reminder(collection, today):
            done.append((collection, remind(collection)))
    return done
