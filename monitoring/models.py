"""The contingent: what each organisation reports for a calendar year, the denominators of the indicators.

The registry knows who takes part in mentoring (the numerators, monitoring/indicators/); how
many pupils and teachers an organisation has is not in it. Each organisation reports it for the
year (a form, or one XLSX for the whole department: monitoring/contingent/). An empty number
means «not reported», never zero: a share over a missing denominator is shown as missing.

Saving a contingent gives the organisation a new data version (registry/freshness.py), so the cached
indicator tables are computed again.
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from registry import freshness
from registry.models import Organisation
from registry.scope import scope_for

FIRST_YEAR = 2000
LAST_YEAR = 2100

# (part, whole, message): a part of a contingent is never larger than the whole.
PARTS = (
    ("students_10_18", "students_total", "Обучающихся 10–18 лет не может быть больше, чем всего обучающихся."),
    ("young_specialists", "teachers", "Учителей – молодых специалистов не может быть больше, чем всего учителей."),
    (
        "young_teachers",
        "teachers",
        "Педагогов до 35 лет в первые три года работы не может быть больше, чем всего учителей.",
    ),
)
YEAR_MESSAGE = f"Год — от {FIRST_YEAR} до {LAST_YEAR}."

# The five reported numbers, in the order of the forms and of the XLSX.
COUNT_FIELDS = ("students_total", "students_10_18", "teachers", "young_specialists", "young_teachers")


def _part_within_whole(part: str, whole: str) -> Q:
    return Q(**{f"{part}__isnull": True}) | Q(**{f"{whole}__isnull": True}) | Q(**{f"{part}__lte": F(whole)})


class ContingentQuerySet(models.QuerySet):
    def for_user(self, user) -> ContingentQuerySet:
        return scope_for(user).by_organisation(self)

    def of_departments(self, department_ids) -> ContingentQuerySet:
        return self.filter(organisation__department_id__in=list(department_ids))


class Contingent(models.Model):
    """Контингент of one organisation for one calendar year; an empty number is «not reported»."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contingents",
        verbose_name="образовательная организация",
    )
    year = models.PositiveSmallIntegerField("год", help_text="Календарный год, за который сдан контингент.")
    students_total = models.PositiveIntegerField("обучающихся всего", null=True, blank=True)
    students_10_18 = models.PositiveIntegerField("обучающихся в возрасте от 10 до 18 лет", null=True, blank=True)
    teachers = models.PositiveIntegerField("учителей всего", null=True, blank=True)
    young_specialists = models.PositiveIntegerField("учителей – молодых специалистов", null=True, blank=True)
    young_teachers = models.PositiveIntegerField("педагогов до 35 лет в первые три года работы", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    updated_at = models.DateTimeField("изменён", auto_now=True)
    version = IntegerVersionField()

    objects = ContingentQuerySet.as_manager()

    class Meta:
        verbose_name = "контингент организации"
        verbose_name_plural = "контингент организаций"
        ordering = ["-year", "organisation__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="monitoring_contingent_one_per_year",
                violation_error_message="Контингент этой организации за этот год уже внесён.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="monitoring_contingent_year_range",
                violation_error_message=YEAR_MESSAGE,
            ),
            *(
                models.CheckConstraint(
                    condition=_part_within_whole(part, whole),
                    name=f"monitoring_contingent_{part}_within_{whole}",
                    violation_error_message=message,
                )
                for part, whole, message in PARTS
            ),
        ]

    def __str__(self) -> str:
        return f"Контингент {self.organisation} за {self.year} год"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            errors["year"] = YEAR_MESSAGE
        for part, whole, message in PARTS:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                errors.setdefault(part, message)
        if errors:
            raise ValidationError(errors)

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in COUNT_FIELDS)


# --- Data versions (registry/freshness.py) ---------------------------------------------------------

freshness.follow(
    Contingent, freshness.CONTINGENT
)  # a saved contingent renews its organisation's version: tables computed again
