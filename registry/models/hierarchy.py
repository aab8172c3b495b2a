"""The hierarchy of the registry and the people in charge of it.

Region (регион: the regional centre's reach) → EducationDepartment (орган управления образованием)
→ Organisation (образовательная организация); a User acts through Memberships, each giving one role
over a department or, for a curator, over one organisation. What a membership lets a user see and
change is decided in registry/access.py, nowhere else. A RegionalCoordinator reads the aggregates of
a region's departments (the `region` app) and, by holding no Membership, no row of any department.
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from common.text import normalise
from registry.scope import Role, scope_for

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    "Код: латинские буквы, цифры, точка, дефис или подчёркивание; начинается с буквы или цифры.",
)


class User(AbstractUser):
    """An account: a methodist, a head, a curator or the system administrator."""

    patronymic = models.CharField("отчество", max_length=150, blank=True)
    search_text = models.TextField(editable=False, default="")
    # The municipality the account was made for: only it may invite the account again once it has left
    # (its last role taken away deactivates it: registry/services/accounts.py).
    home_department = models.ForeignKey(
        "EducationDepartment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="муниципалитет учётной записи",
    )

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="registry_user_email_unique",
                violation_error_message="Пользователь с таким адресом электронной почты уже есть.",
            ),
        ]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    def get_full_name(self) -> str:
        """Django's «first last» replaced by the one format the product names people in: Фамилия Имя Отчество."""
        return self.full_name

    @property
    def short_name(self) -> str:
        """«Иванова А.П.» — how Russian documents name people in charge."""
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)
        return f"{self.last_name} {initials}".strip() or self.username

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs) -> None:
        self.search_text = normalise(self.last_name, self.first_name, self.patronymic, self.username, self.email)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Region(models.Model):
    """A region (субъект РФ) as the registry serves it: the regional centre over its municipalities.

    Created by the system administrator, who also places departments in it (`EducationDepartment.in_region`).
    """

    name = models.CharField(
        "наименование", max_length=300, help_text="Например: «Министерство образования Амурской области»."
    )
    code = models.CharField(
        "код",
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text="Короткий латинский код для команд, например «amur».",
    )
    centre = models.CharField(
        "региональный центр наставничества", max_length=300, blank=True, help_text="Кто ведёт сбор в регионе."
    )

    class Meta:
        verbose_name = "регион"
        verbose_name_plural = "регионы"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="registry_region_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="registry_region_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class EducationDepartment(models.Model):
    """Орган управления образованием of a municipality: the tenant of the registry."""

    name = models.CharField(
        "наименование", max_length=300, help_text="Например: «Управление образования администрации …»"
    )
    region = models.CharField("субъект РФ", max_length=150, help_text="Например: «Амурская область»")
    municipality = models.CharField(
        "муниципальное образование", max_length=200, help_text="Район, округ или городской округ"
    )
    code = models.CharField(
        "код",
        max_length=32,
        unique=True,
        validators=[code_validator],
        help_text="Короткий латинский код для выгрузок и команд, например «kedrovka».",
    )
    methodical_centre = models.CharField(
        "методический центр", max_length=300, blank=True, help_text="Например: МБУ «ИМЦ»"
    )
    in_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="departments",
        verbose_name="регион в системе",
        help_text="Региональный координатор этого региона видит сводные показатели муниципалитета.",
    )

    class Meta:
        verbose_name = "орган управления образованием"
        verbose_name_plural = "органы управления образованием"
        ordering = ["region", "municipality", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="registry_educationdepartment_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="registry_educationdepartment_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    SCHOOL = "school", "Общеобразовательная организация"
    KINDERGARTEN = "kindergarten", "Дошкольная образовательная организация"
    ADDITIONAL = "additional", "Организация дополнительного образования"
    COLLEGE = "college", "Профессиональная образовательная организация"
    OTHER = "other", "Иная организация"


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user) -> OrganisationQuerySet:
        return scope_for(user).organisations(self)

    def search(self, query: str) -> OrganisationQuerySet:
        needle = normalise(query)
        return self.filter(search_text__contains=needle) if needle else self


class Organisation(models.Model):
    """Образовательная организация (ОО): a school, kindergarten, sports school or college."""

    department = models.ForeignKey(
        EducationDepartment,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name="орган управления образованием",
    )
    full_name = models.CharField(
        "полное наименование",
        max_length=500,
        help_text="Как в уставе: «Муниципальное бюджетное общеобразовательное учреждение …»",
    )
    short_name = models.CharField("краткое наименование", max_length=200, help_text="Например: МБОУ СОШ № 3")
    kind = models.CharField("тип", max_length=20, choices=OrganisationKind.choices)
    code = models.CharField(
        "код",
        max_length=32,
        validators=[code_validator],
        help_text="Уникален в пределах муниципалитета; используется в выгрузках и при импорте.",
    )
    search_text = models.TextField(editable=False, default="")
    # Two people saving the same organisation: the second is told, not silently reverted (django-concurrency).
    version = IntegerVersionField()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "образовательная организация"
        verbose_name_plural = "образовательные организации"
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"],
                name="registry_organisation_code_unique_in_department",
                violation_error_message="Организация с таким кодом в муниципалитете уже есть.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values),
                name="registry_organisation_kind_valid",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="registry_organisation_code_not_empty"),
            models.CheckConstraint(
                condition=~Q(short_name="") & ~Q(full_name=""),
                name="registry_organisation_names_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs) -> None:
        self.search_text = normalise(self.short_name, self.full_name, self.code)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Membership(models.Model):
    """One role of one user: over a whole department, or (curator) over one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="пользователь")
    role = models.CharField("роль", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        EducationDepartment,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="орган управления образованием",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="образовательная организация",
        help_text="Только для куратора.",
    )
    created_at = models.DateTimeField("назначен", auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кем назначен",
    )

    class Meta:
        verbose_name = "роль пользователя"
        verbose_name_plural = "роли пользователей"
        ordering = ["department", "role", "organisation"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="registry_membership_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.CURATOR, organisation__isnull=False)
                    | (~Q(role=Role.CURATOR) & Q(organisation__isnull=True))
                ),
                name="registry_membership_curator_has_organisation",
                violation_error_message=("Куратору нужна образовательная организация; методисту и руководителю — нет."),
            ),
            models.UniqueConstraint(
                fields=["user", "department", "role"],
                condition=Q(organisation__isnull=True),
                name="registry_membership_unique_department_role",
                violation_error_message="У пользователя уже есть эта роль в этом муниципалитете.",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(organisation__isnull=False),
                name="registry_membership_unique_curator",
                violation_error_message="Пользователь уже куратор этой организации.",
            ),
        ]

    def __str__(self) -> str:
        where = self.organisation or self.department
        return f"{self.user}: {self.get_role_display()} — {where}"

    def save(self, *args, **kwargs) -> None:
        # A curator's department is always that of the organisation: never two truths.
        if self.organisation_id:
            self.department_id = self.organisation.department_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.organisation_id and self.department_id:
            if self.organisation.department_id != self.department_id:
                raise ValidationError(
                    {"organisation": "Организация относится к другому органу управления образованием."}
                )


class RegionalCoordinator(models.Model):
    """The role of a regional coordinator: the aggregates of every department of one region, no person's data.

    Not a Membership: it gives no department's rows (registry/scope.py knows nothing of it), so a
    coordinator's scope over people and pairs is empty by construction; the `region` app reads only
    counts for them.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="regional_roles", verbose_name="пользователь")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="coordinators", verbose_name="регион")
    created_at = models.DateTimeField("назначен", auto_now_add=True)

    class Meta:
        verbose_name = "региональный координатор"
        verbose_name_plural = "региональные координаторы"
        ordering = ["region", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region"],
                name="registry_regionalcoordinator_unique",
                violation_error_message="Пользователь уже координатор этого региона.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: региональный координатор — {self.region}"
