"""Reference lists that differ a little between municipalities.

Each list holds common items (department is empty: seeded from the methodology, seen by
every department) and a department's own additions, which only that department sees.
A methodist adds and renames the department's own items and hides any item from new
records; nothing is deleted while records use it.
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.db import models
from django.db.models import Q

from registry.models.hierarchy import EducationDepartment


class ReferenceQuerySet(models.QuerySet):
    def for_department(self, department_id: int | None):
        """The common items and the department's own."""
        return self.filter(Q(department__isnull=True) | Q(department_id=department_id))

    def active(self):
        return self.filter(is_active=True)


class ReferenceItem(models.Model):
    name = models.CharField("наименование", max_length=300)
    department = models.ForeignKey(
        EducationDepartment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="орган управления образованием",
        help_text="Пусто — общий элемент списка для всех муниципалитетов.",
    )
    position = models.PositiveSmallIntegerField("порядок", default=100)
    is_active = models.BooleanField(
        "используется", default=True, help_text="Скрытый элемент не предлагается для новых записей."
    )
    version = IntegerVersionField()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_common(self) -> bool:
        return self.department_id is None


def _reference_constraints(model: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(
            "name",
            condition=Q(department__isnull=True),
            name=f"registry_{model}_common_name_unique",
            violation_error_message="Такой элемент уже есть в списке.",
        ),
        models.UniqueConstraint(
            "department",
            "name",
            condition=Q(department__isnull=False),
            name=f"registry_{model}_name_unique_in_department",
            violation_error_message="Такой элемент уже есть в списке.",
        ),
        models.CheckConstraint(condition=~Q(name=""), name=f"registry_{model}_name_not_empty"),
    ]


class Participants(models.TextChoices):
    """Who a form of mentoring pairs; the database refuses a pair that breaks it."""

    ANY = "any", "Любые участники"
    STUDENTS = "students", "Только обучающиеся (наставник и наставляемый)"
    STAFF = "staff", "Только педагоги и работники ОО"


class MentoringFormat(ReferenceItem):
    """Форма наставничества: «ученик – ученик», «учитель – учитель» …"""

    participants = models.CharField("участники", max_length=20, choices=Participants.choices, default=Participants.ANY)

    class Meta(ReferenceItem.Meta):
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        constraints = [
            *_reference_constraints("mentoringformat"),
            models.CheckConstraint(
                condition=Q(participants__in=Participants.values),
                name="registry_mentoringformat_participants_valid",
            ),
        ]


class RoleModel(ReferenceItem):
    """Ролевая модель within a form: «успевающий – неуспевающий» …"""

    format = models.ForeignKey(
        MentoringFormat,
        on_delete=models.CASCADE,
        related_name="role_models",
        verbose_name="форма наставничества",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "ролевая модель"
        verbose_name_plural = "ролевые модели"
        constraints = [
            # Per tenant: one department's role model under a common form must not block another's.
            models.UniqueConstraint(
                "format",
                "name",
                condition=Q(department__isnull=True),
                name="registry_rolemodel_common_name_unique_in_format",
                violation_error_message="Такая ролевая модель у этой формы уже есть.",
            ),
            models.UniqueConstraint(
                "format",
                "department",
                "name",
                condition=Q(department__isnull=False),
                name="registry_rolemodel_name_unique_in_format_and_department",
                violation_error_message="Такая ролевая модель у этой формы уже есть.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="registry_rolemodel_name_not_empty"),
        ]


class MentoringKind(ReferenceItem):
    """Вид наставничества: традиционное, групповое, реверсивное …"""

    class Meta(ReferenceItem.Meta):
        verbose_name = "вид наставничества"
        verbose_name_plural = "виды наставничества"
        constraints = _reference_constraints("mentoringkind")


class MeetingKind(ReferenceItem):
    """Вид встречи: знакомство, пробная, планирование, совместная работа, итоговая."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "вид встречи"
        verbose_name_plural = "виды встреч"
        constraints = _reference_constraints("meetingkind")
