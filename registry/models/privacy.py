"""Personal data under 152-ФЗ: who read it, and what was erased.

`PersonalDataAccess` is the access log: each view of a minor's record, each page or answer that
showed minors (one entry naming them all), each export of a base and each subject-request extract,
with who, when, from where and what. Changes are in the audit trail
(django-auditlog, registry/audit.py); reads are here, because an export reads thousands of people
at once and the log must be filtered by department, which the audit trail's generic rows cannot do.

`Erasure` is what stays after a person's data is erased (registry/privacy.py): no name and no
detail of the person, only that it happened, why, by whom, and how much was removed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry.models.hierarchy import EducationDepartment, Organisation
from registry.models.people import Person


class AccessKind(models.TextChoices):
    VIEW = "view", "просмотр карточки"
    LIST = "list", "просмотр страницы"
    EXPORT = "export", "выгрузка"
    SUBJECT_REQUEST = "subject_request", "выписка по запросу субъекта"


class AccessQuerySet(models.QuerySet):
    def about(self, person: Person) -> AccessQuerySet:
        """The entries that concern one person: their card, their extract, the pages that showed them."""
        return self.filter(
            Q(person=person)
            | Q(pk__in=PersonalDataAccess.people.through.objects.filter(person=person).values("personaldataaccess_id"))
        )


class PersonalDataAccess(models.Model):
    at = models.DateTimeField("когда", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто"
    )
    # Kept as text too: the log outlives an account that is deleted later.
    user_name = models.CharField("кто (как записан)", max_length=300)
    kind = models.CharField("действие", max_length=20, choices=AccessKind.choices)
    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="+", verbose_name="муниципалитет"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="организация",
        help_text="Пусто: выгрузка по нескольким организациям.",
    )
    # Erasing a person removes their log with them (CASCADE); the Erasure record says it did.
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="data_accesses",
        verbose_name="участник",
    )
    # A page that shows several minors (a list, a pair, a form's choices) writes one entry naming
    # them all; erasing a person removes them from it.
    people = models.ManyToManyField(Person, blank=True, related_name="shown_in", verbose_name="показанные участники")
    what = models.CharField("что", max_length=500)
    rows = models.PositiveIntegerField("строк", null=True, blank=True)
    address = models.GenericIPAddressField("адрес", null=True, blank=True)

    objects = AccessQuerySet.as_manager()

    class Meta:
        verbose_name = "доступ к персональным данным"
        verbose_name_plural = "журнал доступа к персональным данным"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["department", "-at"], name="registry_access_department_at"),
            models.Index(fields=["person", "-at"], name="registry_access_person_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=AccessKind.values), name="registry_access_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=["export", "list"]) | Q(person__isnull=False),
                name="registry_access_person_for_view_and_request",
            ),
            models.CheckConstraint(condition=~Q(what=""), name="registry_access_what_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user_name}: {self.get_kind_display()} — {self.what}"


class ErasureReason(models.TextChoices):
    CONSENT_WITHDRAWN = "consent_withdrawn", "согласие на обработку отозвано"
    PURPOSE_ACHIEVED = "purpose_achieved", "цель обработки достигнута"


class Erasure(models.Model):
    at = models.DateTimeField("когда", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто"
    )
    user_name = models.CharField("кто (как записан)", max_length=300)
    department = models.ForeignKey(
        EducationDepartment, on_delete=models.PROTECT, related_name="+", verbose_name="муниципалитет"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="организация"
    )
    # The depersonalised row that stays for statistics (its number, category and birth year only).
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure",
        verbose_name="обезличенная запись",
    )
    reason = models.CharField("основание", max_length=30, choices=ErasureReason.choices)
    basis = models.CharField("подтверждение основания", max_length=500)
    removed = models.JSONField("что удалено", default=dict)

    class Meta:
        verbose_name = "удаление персональных данных"
        verbose_name_plural = "удаления персональных данных"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=ErasureReason.values), name="registry_erasure_reason_valid"
            ),
            models.CheckConstraint(condition=~Q(basis=""), name="registry_erasure_basis_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Удаление № {self.pk} от {self.at:%d.%m.%Y}"
