"""What changes a regional collection: a department's answer (one snapshot of its own), closing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from region.models import RegionalAnswer, RegionalCollection, RegionalState
from registry.models import EducationDepartment, User
from reporting.models import Snapshot

CLOSED = "Сбор региона закрыт: ответить или изменить ответ уже нельзя."
ALREADY_CLOSED = "Сбор региона уже закрыт."
NOT_COVERED = "В снимке нет всех годов сбора региона ({years}): выберите другой снимок или закройте сбор за эти годы."
NOT_OWN = "Можно отправить только снимок своего муниципалитета."


class Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def suitable_snapshots(department: EducationDepartment, collection: RegionalCollection) -> QuerySet[Snapshot]:
    """The department's taken snapshots that hold every year the region asks for, the newest first."""
    taken = Snapshot.objects.filter(department=department, taken_at__isnull=False).select_related("collection")
    fits = [snapshot.pk for snapshot in taken if set(collection.years) <= set(snapshot.data.get("years") or [])]
    return taken.filter(pk__in=fits).order_by("-taken_at", "-pk")


def answer(
    user: User, collection: RegionalCollection, department: EducationDepartment, snapshot: Snapshot
) -> RegionalAnswer:
    """Send (or replace, while the collection is open) the department's snapshot."""
    with transaction.atomic():
        collection = RegionalCollection.objects.select_for_update().get(pk=collection.pk)
        if not collection.is_open:
            raise Refused(CLOSED)
        if snapshot.department_id != department.pk or snapshot.taken_at is None:
            raise Refused(NOT_OWN)
        if not set(collection.years) <= set(snapshot.data.get("years") or []):
            years = f"{collection.first_year}–{collection.last_year}"
            raise Refused(NOT_COVERED.format(years=years))
        try:
            with transaction.atomic():
                found, _ = RegionalAnswer.objects.update_or_create(
                    collection=collection,
                    department=department,
                    defaults={"snapshot": snapshot, "answered_by": user, "answered_at": timezone.now()},
                )
        except IntegrityError as error:  # two first answers at the same moment: the other one stands
            raise Refused("Муниципалитет уже ответил в эту же минуту: обновите страницу.") from error
        return found


def close(collection: RegionalCollection) -> RegionalCollection:
    with transaction.atomic():
        collection = RegionalCollection.objects.select_for_update().get(pk=collection.pk)
        if not collection.is_open:
            raise Refused(ALREADY_CLOSED)
        collection.state = RegionalState.CLOSED
        collection.closed_at = timezone.now()
        collection.save(update_fields=["state", "closed_at"])
        return collection
