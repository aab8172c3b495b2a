"""The region's collections: the regional coordinator asks every municipality of the region for its figures by
a deadline; each department's methodist answers with a snapshot of one of the department's closed collections.

    RegionalCollection  one collection of a region: title, deadline, the years it asks for
    RegionalAnswer      one department's answer: which of its snapshots, when (never who: the region sees
                        no person's name)
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from monitoring.models import FIRST_YEAR, LAST_YEAR
from registry.models import EducationDepartment, Region
from reporting.models import Snapshot


class RegionalState(models.TextChoices):
    OPEN = "open", "Идёт сбор"
    CLOSED = "closed", "Закрыт"


class RegionalCollection(models.Model):
    """Сбор региона: до какого числа и за какие годы муниципалитеты присылают снимки своих показателей."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="collections", verbose_name="регион")
    title = models.CharField("название", max_length=200, help_text="Например: «Мониторинг ЦМН региона, июнь 2027».")
    deadline = models.DateField("срок ответа муниципалитетов")
    first_year = models.PositiveSmallIntegerField("показатели с года")
    last_year = models.PositiveSmallIntegerField("показатели по год")
    state = models.CharField("состояние", max_length=10, choices=RegionalState.choices, default=RegionalState.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто открыл"
    )
    created_at = models.DateTimeField("открыт", auto_now_add=True)
    closed_at = models.DateTimeField("закрыт", null=True, blank=True)
    version = IntegerVersionField()

    class Meta:
        verbose_name = "сбор региона"
        verbose_name_plural = "сборы региона"
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__lte=F("last_year")),
                name="region_collection_years_in_order",
                violation_error_message="Первый год сбора позже последнего.",
            ),
            models.CheckConstraint(
                condition=Q(first_year__gte=FIRST_YEAR, last_year__lte=LAST_YEAR),
                name="region_collection_years_range",
                violation_error_message=f"Годы — от {FIRST_YEAR} до {LAST_YEAR}.",
            ),
            models.CheckConstraint(condition=Q(state__in=RegionalState.values), name="region_collection_state_valid"),
            models.CheckConstraint(
                condition=Q(state=RegionalState.OPEN, closed_at__isnull=True)
                | Q(state=RegionalState.CLOSED, closed_at__isnull=False),
                name="region_collection_closed_has_time",
                violation_error_message="У закрытого сбора должно быть время закрытия, у открытого — нет.",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="region_collection_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def is_open(self) -> bool:
        return self.state == RegionalState.OPEN


class RegionalAnswer(models.Model):
    """A department's answer to a regional collection: one snapshot of its own, replaced while the collection
    is open. Who answered is kept for the department's own audit, never shown to the region."""

    collection = models.ForeignKey(
        RegionalCollection, on_delete=models.CASCADE, related_name="answers", verbose_name="сбор региона"
    )
    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="regional_answers", verbose_name="муниципалитет"
    )
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, related_name="regional_answers", verbose_name="снимок"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто ответил"
    )
    answered_at = models.DateTimeField("ответ дан")

    class Meta:
        verbose_name = "ответ муниципалитета"
        verbose_name_plural = "ответы муниципалитетов"
        ordering = ["department__municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "department"],
                name="region_answer_one_per_department",
                violation_error_message="Муниципалитет уже ответил на этот сбор.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} — {self.collection}"
