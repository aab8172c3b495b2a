"""Documents made from the registry: a department's own DOCX templates, and the signed orders that fixed
pairs (number, date, the scan) — the pairs themselves keep the number and date (MentoringPair.order_*)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from registry.models import EducationDepartment, MentoringPair, Organisation
from registry.scope import scope_for


class DocumentKind(models.TextChoices):
    ORDER = "order", "Приказ о закреплении наставнических пар (групп)"
    CONSENT_DATA = "consent_data", "Согласие на обработку персональных данных"
    CONSENT_MENTEE = "consent_mentee", "Согласие на участие в программе наставничества"
    CONSENT_MENTOR = "consent_mentor", "Согласие на выполнение обязанностей наставника"


def template_path(template: DocumentTemplate, filename: str) -> str:
    return f"paperwork/templates/{template.department_id}/{template.kind}-{uuid.uuid4().hex[:12]}.docx"


def scan_path(order: SignedOrder, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"paperwork/orders/{order.organisation_id}/{uuid.uuid4().hex[:12]}.{suffix}"


class DocumentTemplateQuerySet(models.QuerySet):
    def for_user(self, user) -> DocumentTemplateQuerySet:
        """A department's templates: read by everyone of the department (they shape its documents)."""
        scope = scope_for(user)
        return self.filter(department_id__in=scope.department_wide | scope.curator_departments)

    def active(self) -> DocumentTemplateQuerySet:
        return self.filter(active=True)


class DocumentTemplate(models.Model):
    """A department's own DOCX for one kind of document: it replaces the built-in one while active."""

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="document_templates", verbose_name="муниципалитет"
    )
    kind = models.CharField("документ", max_length=20, choices=DocumentKind.choices)
    file = models.FileField("шаблон DOCX", upload_to=template_path)
    original_name = models.CharField("имя загруженного файла", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="загрузил(а)"
    )
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)
    active = models.BooleanField("действует", default=True)

    objects = DocumentTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "шаблон документа"
        verbose_name_plural = "шаблоны документов"
        ordering = ["kind", "-uploaded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="paperwork_documenttemplate_kind"),
            models.UniqueConstraint(
                "department",
                "kind",
                condition=Q(active=True),
                name="paperwork_documenttemplate_one_active_per_kind",
                violation_error_message="У муниципалитета уже есть действующий шаблон этого документа.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.department})"


class SignedOrderQuerySet(models.QuerySet):
    def for_user(self, user) -> SignedOrderQuerySet:
        return scope_for(user).by_organisation(self)


class SignedOrder(models.Model):
    """An order «о закреплении наставнических пар (групп)» as signed: its number and date, once for all the
    pairs it fixed, and the scan if the curator attached one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="signed_orders", verbose_name="образовательная организация"
    )
    number = models.CharField("номер приказа", max_length=50)
    date = models.DateField("дата приказа")
    scan = models.FileField("скан подписанного приказа", upload_to=scan_path, blank=True)
    pairs = models.ManyToManyField(MentoringPair, related_name="signed_orders", verbose_name="пары")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="внёс(ла)"
    )
    recorded_at = models.DateTimeField("внесено", auto_now_add=True)

    objects = SignedOrderQuerySet.as_manager()

    class Meta:
        verbose_name = "подписанный приказ"
        verbose_name_plural = "подписанные приказы"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="paperwork_signedorder_number_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Приказ № {self.number} от {self.date:%d.%m.%Y}"
