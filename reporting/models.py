"""Reporting collections («Сборы отчётности»): the methodist asks every organisation of the department to
confirm its data by a deadline; each curator confirms once the requirements hold; closing the collection
freezes a snapshot of the figures and files, which later edits never change.

    Collection    one collection of a department: title, deadline, the years it reports, requirements
    Confirmation  one organisation's «Подтверждаю данные организации» (who, when, comments on problems)
    Snapshot      what closing froze: the figures as plain JSON and the files as they were
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from monitoring.models import FIRST_YEAR, LAST_YEAR
from registry.models import EducationDepartment, Organisation
from registry.scope import scope_for

MAX_YEARS = 10


class Requirement(models.TextChoices):
    """What the registry checks for each organisation before its curator may confirm."""

    CONTINGENT = "contingent", "Контингент за годы сбора внесён"
    QUALITY = "quality", "Нет открытых проблем качества данных (или каждая объяснена)"
    BASES_CONFIRMED = "bases_confirmed", "Куратор подтверждает: базы актуальны"
    QUESTIONNAIRES = "questionnaires", "Анкеты мониторинга влияния внесены"


class CollectionState(models.TextChoices):
    OPEN = "open", "Идёт сбор"
    CLOSED = "closed", "Закрыт"


class CollectionQuerySet(models.QuerySet):
    def for_user(self, user) -> CollectionQuerySet:
        """The collections of the departments the user belongs to (curators included: they confirm)."""
        scope = scope_for(user)
        return self.filter(department_id__in=scope.department_wide | scope.curator_departments)

    def open(self) -> CollectionQuerySet:
        return self.filter(state=CollectionState.OPEN)


class Collection(models.Model):
    """Сбор отчётности муниципалитета: до какого числа, за какие годы и что проверяется."""

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="collections", verbose_name="муниципалитет"
    )
    title = models.CharField("название", max_length=200, help_text="Например: «Мониторинг ЦМН, май 2027».")
    deadline = models.DateField("срок подтверждения")
    first_year = models.PositiveSmallIntegerField("показатели с года")
    last_year = models.PositiveSmallIntegerField("показатели по год")
    requirements = models.JSONField("требования", default=list, blank=True)
    remind_every_days = models.PositiveSmallIntegerField(
        "напоминать каждые, дней",
        null=True,
        blank=True,
        help_text="Письма кураторам организаций, которые ещё не подтвердили данные; пусто — без писем.",
    )
    last_reminded_at = models.DateTimeField("последнее напоминание", null=True, blank=True)
    state = models.CharField("состояние", max_length=10, choices=CollectionState.choices, default=CollectionState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто открыл"
    )
    created_at = models.DateTimeField("открыт", auto_now_add=True)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто закрыл",
    )
    version = IntegerVersionField()

    objects = CollectionQuerySet.as_manager()

    class Meta:
        verbose_name = "сбор отчётности"
        verbose_name_plural = "сборы отчётности"
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__lte=F("last_year")),
                name="reporting_collection_years_in_order",
                violation_error_message="Первый год сбора позже последнего.",
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=FIRST_YEAR, last_year__lte=LAST_YEAR),
                name="reporting_collection_years_range",
                violation_error_message=f"Годы — от {FIRST_YEAR} до {LAST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=CollectionState.values), name="reporting_collection_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=CollectionState.OPEN, closed_at__isnull=True)
                | Q(state=CollectionState.CLOSED, closed_at__isnull=False),
                name="reporting_collection_closed_has_time",
                violation_error_message="У закрытого сбора должно быть время закрытия, у открытого — нет.",
            ),
            models.CheckConstraint(
                condition=Q(remind_every_days__isnull=True) | Q(remind_every_days__gte=1, remind_every_days__lte=60),
                name="reporting_collection_reminder_interval",
                violation_error_message="Напоминать можно раз в 1–60 дней.",
            ),
        ]
        indexes = [models.Index(fields=["department", "state"], name="reporting_coll_dept_state")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.first_year and self.last_year:
            if self.first_year > self.last_year:
                raise ValidationError({"last_year": "Последний год сбора раньше первого."})
            if self.last_year - self.first_year >= MAX_YEARS:
                raise ValidationError({"last_year": f"Не больше {MAX_YEARS} лет в одном сборе."})
        unknown = set(self.requirements or []) - set(Requirement.values)
        if unknown:
            raise ValidationError({"requirements": "Неизвестное требование."})

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def is_open(self) -> bool:
        return self.state == CollectionState.OPEN

    @property
    def requirement_list(self) -> list[Requirement]:
        """The chosen requirements, in the fixed order."""
        chosen = set(self.requirements or [])
        return [requirement for requirement in Requirement if requirement.value in chosen]


class ConfirmationQuerySet(models.QuerySet):
    def for_user(self, user) -> ConfirmationQuerySet:
        return scope_for(user).by_organisation(self)


class Confirmation(models.Model):
    """«Подтверждаю данные организации»: кто и когда подтвердил, с объяснениями открытых проблем."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="confirmations", verbose_name="сбор"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="confirmations", verbose_name="организация"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто подтвердил"
    )
    confirmed_at = models.DateTimeField("подтверждено")
    # {check slug: the curator's explanation} for the data-quality problems open at confirmation.
    comments = models.JSONField("объяснения проблем качества", default=dict, blank=True)

    objects = ConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = "подтверждение данных организации"
        verbose_name_plural = "подтверждения данных организаций"
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "organisation"],
                name="reporting_confirmation_one_per_organisation",
                violation_error_message="Данные этой организации в этом сборе уже подтверждены.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.collection}"


def snapshot_path(instance: Snapshot, filename: str) -> str:
    return f"reporting/{instance.collection_id}/{filename}"


class SnapshotQuerySet(models.QuerySet):
    def for_user(self, user) -> SnapshotQuerySet:
        """Snapshots are the department's whole picture: its methodists and heads."""
        return self.filter(department_id__in=scope_for(user).department_wide)


class Snapshot(models.Model):
    """Снимок закрытого сбора: показатели, разбивка, численность баз и подтверждения — данные, не запрос."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="snapshots", verbose_name="сбор")
    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="snapshots", verbose_name="муниципалитет"
    )
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="задание"
    )
    taken_at = models.DateTimeField("снят", null=True, blank=True)
    data = models.JSONField("данные", default=dict, blank=True)
    indicators_file = models.FileField("показатели (XLSX)", upload_to=snapshot_path, blank=True)
    report_file = models.FileField("аналитическая справка (PDF)", upload_to=snapshot_path, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = "снимок сбора"
        verbose_name_plural = "снимки сборов"
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection"],
                name="reporting_snapshot_one_per_collection",
                violation_error_message="Снимок этого сбора уже сделан.",
            ),
        ]

    def __str__(self) -> str:
        return f"Снимок: {self.collection}"

    @property
    def is_taken(self) -> bool:
        return self.taken_at is not None
