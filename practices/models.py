"""The bank of practices («банк лучших практик»): a school's practice goes from draft through the methodist's
review to the department's public page.

    Practice        one practice of a school: title, program, form and role model, description, the completed
                    pairs whose results it draws on; its state draft → submitted → approved → published
    PracticeFile    a file of the practice (through the upload gate), kept with its original name; every file
                    of a published practice is public
    PracticePair    the link to a completed pair of the practice's school (checked by practices/services.py)
    PracticeStep    one transition: from which state to which, who, when, the methodist's comment
"""

from __future__ import annotations

from typing import cast

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q

from common.text import normalise
from registry.models import (
    EducationDepartment,
    MentoringFormat,
    MentoringPair,
    MentoringProgram,
    Organisation,
    RoleModel,
)
from registry.scope import scope_for

FILE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png"]
FILE_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 20


class PracticeState(models.TextChoices):
    DRAFT = "draft", "Черновик"
    SUBMITTED = "submitted", "На рассмотрении"
    APPROVED = "approved", "Одобрена"
    PUBLISHED = "published", "Опубликована"


class PracticeQuerySet(models.QuerySet):
    def for_user(self, user) -> PracticeQuerySet:
        """The practices of the organisations the user reads (a department's methodists and heads: all;
        a curator: the own school's)."""
        return cast(PracticeQuerySet, scope_for(user).by_organisation(self))

    def published(self) -> PracticeQuerySet:
        return self.filter(state=PracticeState.PUBLISHED)


class Practice(models.Model):
    """Практика банка лучших практик: what a school did in mentoring, told so that others can repeat it."""

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="+", editable=False, verbose_name="муниципалитет"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="practices", verbose_name="образовательная организация"
    )
    program = models.ForeignKey(
        MentoringProgram,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name="программа наставничества",
    )
    format = models.ForeignKey(
        MentoringFormat, on_delete=models.PROTECT, related_name="+", verbose_name="форма наставничества"
    )
    role_model = models.ForeignKey(
        RoleModel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="ролевая модель"
    )
    title = models.CharField("название", max_length=300)
    description = models.TextField(
        "описание",
        help_text="Что сделано, для кого, какие результаты. Не называйте участников: описание публикуется.",
    )
    pairs: models.ManyToManyField = models.ManyToManyField(
        MentoringPair,
        through="PracticePair",
        blank=True,
        related_name="practices",
        verbose_name="завершённые пары, на результаты которых опирается практика",
    )
    state = models.CharField("состояние", max_length=12, choices=PracticeState.choices, default=PracticeState.DRAFT)
    return_comment = models.TextField("комментарий методиста", blank=True)
    published_at = models.DateTimeField("опубликована", null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто создал"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    version = IntegerVersionField()

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = "практика"
        verbose_name_plural = "практики"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=PracticeState.values), name="practices_practice_state_valid"),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="practices_practice_title_not_empty",
                violation_error_message="Укажите название практики.",
            ),
            models.CheckConstraint(
                condition=~Q(state=PracticeState.PUBLISHED) | Q(published_at__isnull=False),
                name="practices_practice_published_has_time",
                violation_error_message="У опубликованной практики должна быть дата публикации.",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "state", "-published_at"], name="practices_dept_state_pub"),
            models.Index(fields=["organisation", "state"], name="practices_org_state"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if self.organisation_id is not None:
            self.department_id = Organisation.objects.values_list("department_id", flat=True).get(
                pk=self.organisation_id
            )
        self.search_text = normalise(f"{self.title} {self.description}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "department", "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.state == PracticeState.PUBLISHED


def practice_file_path(practice_file: PracticeFile, filename: str) -> str:
    return f"practices/{practice_file.practice_id}/{filename}"


class PracticeFile(models.Model):
    """A file of a practice: public as soon as the practice is published."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="files", verbose_name="практика")
    file = models.FileField(
        "файл", upload_to=practice_file_path, max_length=300, validators=[FileExtensionValidator(FILE_EXTENSIONS)]
    )
    # The storage makes the stored name safe; the user gets back the name they gave.
    original_name = models.CharField("имя файла", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто загрузил"
    )
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)

    class Meta:
        verbose_name = "файл практики"
        verbose_name_plural = "файлы практик"
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(original_name=""), name="practices_practicefile_original_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class PracticePair(models.Model):
    """A completed pair of the practice's school whose results the practice draws on."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "пара практики"
        verbose_name_plural = "пары практик"
        constraints = [
            models.UniqueConstraint(fields=["practice", "pair"], name="practices_practicepair_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.pair_id}"


class PracticeStep(models.Model):
    """One transition of a practice: who moved it from which state to which, when, and why."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="steps", verbose_name="практика")
    from_state = models.CharField("из состояния", max_length=12, choices=PracticeState.choices)
    to_state = models.CharField("в состояние", max_length=12, choices=PracticeState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто"
    )
    at = models.DateTimeField("когда", auto_now_add=True)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг практики"
        verbose_name_plural = "шаги практик"
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_state__in=PracticeState.values, to_state__in=PracticeState.values),
                name="practices_practicestep_states_valid",
            ),
            models.CheckConstraint(condition=~Q(from_state=models.F("to_state")), name="practices_practicestep_moves"),
        ]
        indexes = [models.Index(fields=["to_state", "at"], name="practices_step_to_at")]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"
