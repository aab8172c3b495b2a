"""Mentors and mentees: the people of an organisation, and their consents (152-ФЗ).

One Person is a mentor in one pair and a mentee in another (reverse mentoring), so
there is no separate Mentor or Mentee table: a mentor is a Person who leads a pair,
a mentee a Person who takes part in one. The mentor's and the mentee's attributes of
the official forms live on Person and are filled when they matter.
"""

from __future__ import annotations

from datetime import date

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from common.text import normalise
from registry import freshness
from registry.models.dates import plausible
from registry.models.hierarchy import Organisation
from registry.scope import scope_for

ADULT_AGE = 18


class PersonCategory(models.TextChoices):
    STUDENT = "student", "Обучающийся"
    TEACHER = "teacher", "Педагог"
    STAFF = "staff", "Иной работник организации"
    COLLEGE_STUDENT = "college_student", "Студент (внешний участник)"
    EMPLOYEE = "employee", "Работник предприятия (внешний участник)"
    GRADUATE = "graduate", "Выпускник (внешний участник)"


STAFF_CATEGORIES = (PersonCategory.TEACHER, PersonCategory.STAFF)
# Students may be minors: when their age is in doubt, they are treated as minors (`Person.is_minor`).
STUDENT_CATEGORIES = (PersonCategory.STUDENT, PersonCategory.COLLEGE_STUDENT)

# Who counts as a mentor at all: someone with a mentor's facts of «База наставников» (competencies, a desired
# load, achievements). Mentor suggestions read the current ones by organisation (`registry_person_mentors`).
MENTOR_FACTS = ~Q(competencies="") | Q(max_mentees__isnull=False) | ~Q(achievements="")
EXTERNAL_CATEGORIES = (PersonCategory.COLLEGE_STUDENT, PersonCategory.EMPLOYEE, PersonCategory.GRADUATE)


# The fields that describe a person (the registry's card, the forms, a subject's extract), in the card's order.
DESCRIBING_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "birth_year",
    "category",
    "class_or_group",
    "position",
    "is_young_specialist",
    "is_young_teacher",
    "workplace",
    "competencies",
    "achievements",
    "interests",
    "desired_mentee_age",
    "time_resource",
    "max_mentees",
    "main_request",
)


def current_year() -> int:
    return date.today().year


class PersonQuerySet(models.QuerySet):
    def for_user(self, user) -> PersonQuerySet:
        return scope_for(user).by_organisation(self)

    def current(self) -> PersonQuerySet:
        return self.filter(archived_at__isnull=True)

    def search(self, query: str) -> PersonQuerySet:
        needle = normalise(query)
        return self.filter(search_text__contains=needle) if needle else self

    def minors(self, year: int | None = None) -> PersonQuerySet:
        """People treated as minors in `year` (see `Person.is_minor`): under 18 by birth year, and, when in
        doubt, a student who turns 18 this year or whose birth year is unknown."""
        year = year or current_year()
        doubtful = Q(category__in=STUDENT_CATEGORIES) & (Q(birth_year__isnull=True) | Q(birth_year=year - ADULT_AGE))
        return self.filter(Q(birth_year__gt=year - ADULT_AGE) | doubtful)

    def with_consent(self) -> PersonQuerySet:
        """Annotate `has_consent`: a consent given and not withdrawn."""
        return self.annotate(has_consent=Exists(Consent.objects.in_force().filter(person=OuterRef("pk"))))

    def without_consent(self) -> PersonQuerySet:
        return self.filter(~Exists(Consent.objects.in_force().filter(person=OuterRef("pk"))))


class Person(freshness.RemembersLoaded, models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name="образовательная организация",
        help_text="Организация, в базе которой ведётся человек.",
    )
    last_name = models.CharField("фамилия", max_length=150)
    first_name = models.CharField("имя", max_length=150)
    patronymic = models.CharField("отчество", max_length=150, blank=True)
    birth_year = models.PositiveSmallIntegerField("год рождения", null=True, blank=True)
    category = models.CharField("категория", max_length=20, choices=PersonCategory.choices)

    class_or_group = models.CharField(
        "класс или группа", max_length=50, blank=True, help_text="Для обучающихся: «7 Б», «группа 21-ПД»."
    )
    position = models.CharField("должность", max_length=200, blank=True, help_text="Для педагогов и работников.")
    is_young_specialist = models.BooleanField("молодой специалист", default=False)
    is_young_teacher = models.BooleanField(
        "педагог до 35 лет, первые три года работы",
        default=False,
        help_text="Для национальной цели: не менее 70 % таких педагогов вовлечены в наставничество.",
    )
    workplace = models.CharField(
        "место работы или учёбы",
        max_length=300,
        blank=True,
        help_text="Для внешних участников: колледж, предприятие, вуз. Для своих — пусто: берётся организация.",
    )

    competencies = models.TextField("основные компетенции наставника", blank=True)
    achievements = models.TextField("важные для программы достижения наставника", blank=True)
    interests = models.TextField("интересы наставника", blank=True)
    desired_mentee_age = models.CharField("желаемый возраст наставляемых", max_length=100, blank=True)
    time_resource = models.CharField(
        "ресурс времени на программу наставничества",
        max_length=200,
        blank=True,
        help_text="Как в базе наставников: «2 часа в неделю».",
    )
    max_mentees = models.PositiveSmallIntegerField(
        "сколько наставляемых может вести одновременно",
        null=True,
        blank=True,
        help_text="По ресурсу времени; по этому числу видно, кто перегружен.",
    )
    main_request = models.TextField("основной запрос наставляемого", blank=True)

    archived_at = models.DateTimeField("в архиве с", null=True, blank=True)
    archive_reason = models.CharField("причина архивирования", max_length=300, blank=True)
    # Set when the person's data was erased (registry/privacy.py): the row stays, depersonalised,
    # for the indicators of past years; the Erasure record says why and by whom.
    erased_at = models.DateTimeField("сведения удалены", null=True, blank=True)
    search_text = models.TextField(editable=False, default="")
    name_key = models.CharField(editable=False, max_length=460, default="", db_index=True)
    version = IntegerVersionField()
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = PersonQuerySet.as_manager()
    remembered_fields = ("organisation_id",)  # a move renews the former school's answers too

    class Meta:
        verbose_name = "участник"
        verbose_name_plural = "участники"
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"], name="registry_person_org_name"),
            # The lists' default order: a page of a large base is read in order, not sorted whole.
            models.Index(fields=["last_name", "first_name", "patronymic", "id"], name="registry_person_name_order"),
            # The duplicate check reads the current people's keys from this index alone, in their order
            # (no sort, no table rows: 45 ms instead of 150 ms for 100 000 people on PostgreSQL).
            models.Index(
                fields=["name_key", "birth_year", "organisation"],
                condition=Q(archived_at__isnull=True),
                name="registry_person_current_key",
            ),
            # A department's pool of mentors (suggestions/pools.py) reads its 8 000 current people with a
            # mentor's facts among 100 000 from this index, not every row of its schools (13 ms instead of 75).
            models.Index(
                fields=["organisation"],
                condition=Q(archived_at__isnull=True, erased_at__isnull=True) & MENTOR_FACTS,
                name="registry_person_mentors",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=PersonCategory.values), name="registry_person_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(last_name="") & ~Q(first_name=""),
                name="registry_person_name_not_empty",
                violation_error_message="Укажите фамилию и имя.",
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=1900, birth_year__lte=2100),
                name="registry_person_birth_year_plausible",
                violation_error_message="Год рождения должен быть четырёхзначным, например 2011.",
            ),
            models.CheckConstraint(
                condition=Q(max_mentees__isnull=True) | Q(max_mentees__gte=1),
                name="registry_person_max_mentees_positive",
                violation_error_message="Число наставляемых — от одного.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = normalise(self.last_name, self.first_name, self.patronymic)
        self.search_text = self.name_key
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "search_text"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def picker_label(self) -> str:
        """«Ёлкин Пётр Иванович, 2011 г. р., 7 Б — МБОУ СОШ № 1»: enough to tell namesakes apart."""
        parts = [self.full_name]
        if self.birth_year:
            parts.append(f"{self.birth_year} г. р.")
        detail = self.class_or_group or self.position or self.workplace
        if detail:
            parts.append(detail)
        return ", ".join(parts) + f" — {self.organisation.short_name}"

    @property
    def place_of_work(self) -> str:
        """«Место работы» of the official forms: an external participant's own, otherwise the organisation."""
        return self.workplace or self.organisation.short_name

    @property
    def is_student(self) -> bool:
        return self.category == PersonCategory.STUDENT

    @property
    def is_external(self) -> bool:
        return self.category in EXTERNAL_CATEGORIES

    def is_minor(self, year: int | None = None) -> bool:
        """Treated as a minor: under 18 by birth year, or — when in doubt — a student (обучающийся,
        студент) who turns 18 this year (may still be 17) or whose birth year is unknown. Protection
        (consent, the access log, the quality check) follows this rule."""
        year = year or current_year()
        if self.birth_year is None:
            return self.category in STUDENT_CATEGORIES
        age = year - self.birth_year
        return age < ADULT_AGE or (age == ADULT_AGE and self.category in STUDENT_CATEGORIES)

    def is_certainly_minor(self, year: int | None = None) -> bool:
        """Under 18 all year by birth year: only a legal representative may consent for them."""
        return self.birth_year is not None and (year or current_year()) - self.birth_year < ADULT_AGE

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ConsentGiver(models.TextChoices):
    SELF = "self", "Сам участник"
    REPRESENTATIVE = "representative", "Законный представитель"


class ConsentQuerySet(models.QuerySet):
    def in_force(self) -> ConsentQuerySet:
        """Consents given and not withdrawn: the one rule every check of consent uses."""
        return self.filter(withdrawn_on__isnull=True)


class Consent(models.Model):
    """Согласие на обработку персональных данных: who gave it, when, and whether it was withdrawn."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents", verbose_name="участник")
    given_by = models.CharField("кто дал согласие", max_length=20, choices=ConsentGiver.choices)
    representative_name = models.CharField("ФИО законного представителя", max_length=300, blank=True)
    representative_relation = models.CharField(
        "кем приходится", max_length=100, blank=True, help_text="Мать, отец, опекун, попечитель."
    )
    given_on = models.DateField("дата согласия")
    withdrawn_on = models.DateField("дата отзыва", null=True, blank=True)
    note = models.CharField("примечание", max_length=300, blank=True, help_text="Например, где хранится подлинник.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    version = IntegerVersionField()
    created_at = models.DateTimeField("внесено", auto_now_add=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = "согласие на обработку персональных данных"
        verbose_name_plural = "согласия на обработку персональных данных"
        ordering = ["-given_on", "-pk"]
        indexes = [
            # «Without a consent» probes the consents in force person by person from this index alone
            # (8 ms for a school's 3 900 people, instead of hashing the department's 83 000 consents: 26 ms).
            models.Index(fields=["person"], condition=Q(withdrawn_on__isnull=True), name="registry_consent_in_force"),
        ]
        constraints = [
            *plausible("consent", "given_on", "withdrawn_on"),
            models.CheckConstraint(
                condition=Q(given_by__in=ConsentGiver.values), name="registry_consent_given_by_valid"
            ),
            models.CheckConstraint(
                condition=Q(given_by=ConsentGiver.SELF) | (~Q(representative_name="") & ~Q(representative_relation="")),
                name="registry_consent_representative_named",
                violation_error_message="Укажите ФИО законного представителя и кем он приходится участнику.",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="registry_consent_withdrawn_after_given",
                violation_error_message="Согласие не может быть отозвано раньше, чем дано.",
            ),
        ]

    def __str__(self) -> str:
        return f"Согласие от {self.given_on:%d.%m.%Y}"

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved consent renews (registry/freshness.py): its person's organisation."""
        return [self.person.organisation_id]

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None
