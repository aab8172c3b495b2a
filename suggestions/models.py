"""Mentor suggestions: a department's weights, each person's lemmas kept for matching, and proposals.

`PersonLemmas` is a cache of the matching's reading of a person's texts (request, competencies,
achievements, interests, position), stored beside the registry rather than on `Person`: it is renewed
whenever the person's `version` differs from the one it was read at (suggestions/profiles.py), so a
person saved anywhere (a form, an import that saves) is read again on the next suggestion.

A `Proposal` is a draft assignment of mentors to a school's (or a department's) mentees without an active
pair, computed by a background job (suggestions/proposals.py); each `ProposalLine` is accepted or
rejected by the curator or the methodist, and an accepted line becomes a pair through the registry's
pair service (suggestions/services.py).
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.db import models
from django.db.models import Q

from registry.models import EducationDepartment, MentoringFormat, MentoringPair, Organisation, Person
from registry.scope import scope_for

# The documented defaults (docs/suggestions.md): the request against the mentor's competencies counts
# most, then the subject (the mentee's position against the mentor's), the age, the school, the load.
DEFAULT_WEIGHTS = {
    "request_competencies": 6,
    "request_achievements": 2,
    "request_interests": 1,
    "subject": 3,
    "age": 2,
    "same_school": 1,
    "load": 1,
}


class Weights(models.Model):
    """A department's weights of the score's parts, tuned by its methodist (0 switches a part off)."""

    department = models.OneToOneField(
        EducationDepartment, on_delete=models.CASCADE, related_name="+", verbose_name="орган управления образованием"
    )
    request_competencies = models.PositiveSmallIntegerField(
        "запрос и компетенции наставника", default=DEFAULT_WEIGHTS["request_competencies"]
    )
    request_achievements = models.PositiveSmallIntegerField(
        "запрос и достижения наставника", default=DEFAULT_WEIGHTS["request_achievements"]
    )
    request_interests = models.PositiveSmallIntegerField(
        "запрос и интересы наставника", default=DEFAULT_WEIGHTS["request_interests"]
    )
    subject = models.PositiveSmallIntegerField(
        "тот же предмет", default=DEFAULT_WEIGHTS["subject"], help_text="Должность наставляемого и наставника."
    )
    age = models.PositiveSmallIntegerField("возраст в желаемом наставником", default=DEFAULT_WEIGHTS["age"])
    same_school = models.PositiveSmallIntegerField("та же организация", default=DEFAULT_WEIGHTS["same_school"])
    load = models.PositiveSmallIntegerField("меньшая нагрузка наставника", default=DEFAULT_WEIGHTS["load"])
    version = IntegerVersionField()

    class Meta:
        verbose_name = "веса подбора наставников"
        verbose_name_plural = "веса подбора наставников"
        constraints = [
            models.CheckConstraint(
                condition=Q(request_competencies__lte=10)
                & Q(request_achievements__lte=10)
                & Q(request_interests__lte=10)
                & Q(subject__lte=10)
                & Q(age__lte=10)
                & Q(same_school__lte=10)
                & Q(load__lte=10),
                name="suggestions_weights_at_most_ten",
                violation_error_message="Вес — от 0 до 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"Веса подбора: {self.department}"

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in DEFAULT_WEIGHTS}


class PersonLemmas(models.Model):
    """The lemmas of a person's texts as of `person_version` (space-separated, sorted)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="suggestion_lemmas", verbose_name="участник"
    )
    person_version = models.BigIntegerField("версия участника")
    request = models.TextField(blank=True)
    competencies = models.TextField(blank=True)
    achievements = models.TextField(blank=True)
    interests = models.TextField(blank=True)
    position = models.TextField(blank=True)

    class Meta:
        verbose_name = "леммы участника"
        verbose_name_plural = "леммы участников"

    def __str__(self) -> str:
        return f"Леммы участника {self.person_id}"


class ProposalQuerySet(models.QuerySet):
    def for_user(self, user) -> ProposalQuerySet:
        """A school's proposal: as the school's rows; a department's: its department-wide readers."""
        scope = scope_for(user)
        return self.filter(
            Q(organisation__isnull=False, organisation__department_id__in=scope.department_wide)
            | Q(organisation_id__in=scope.curator_organisations)
            | Q(organisation__isnull=True, department_id__in=scope.department_wide)
        )


class Proposal(models.Model):
    """A draft assignment of mentors to the mentees without an active pair of a school or a department."""

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="+", verbose_name="орган управления образованием"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="образовательная организация",
        help_text="Пусто — все организации муниципалитета.",
    )
    format = models.ForeignKey(
        MentoringFormat, on_delete=models.PROTECT, related_name="+", verbose_name="форма наставничества"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто запустил"
    )
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("создано", auto_now_add=True)
    computed_at = models.DateTimeField("рассчитано", null=True, blank=True)
    mentees = models.PositiveIntegerField("наставляемых без пары", default=0)
    mentors = models.PositiveIntegerField("наставников со свободными местами", default=0)
    total = models.FloatField("сумма оценок назначения", default=0)
    greedy_total = models.FloatField("сумма оценок жадного подбора", default=0)
    greedy_pairs = models.PositiveIntegerField("пар жадного подбора", default=0)
    version = IntegerVersionField()

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "предложение пар"
        verbose_name_plural = "предложения пар"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        where = self.organisation.short_name if self.organisation_id else "муниципалитет"
        return f"Предложение пар ({where}, {self.format})"

    @property
    def is_computed(self) -> bool:
        return self.computed_at is not None


class Decision(models.TextChoices):
    PENDING = "pending", "Не решено"
    ACCEPTED = "accepted", "Принять"
    REJECTED = "rejected", "Отклонить"


class ProposalLine(models.Model):
    """One mentee and the mentor the assignment gives them, with the score and its reasons."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="lines", verbose_name="предложение")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="организация наставляемого"
    )
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name="наставляемый")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name="наставник")
    score = models.FloatField("оценка")
    reasons = models.JSONField("почему", default=list)
    decision = models.CharField("решение", max_length=20, choices=Decision.choices, default=Decision.PENDING)
    pair = models.ForeignKey(
        MentoringPair, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="пара"
    )

    class Meta:
        verbose_name = "строка предложения пар"
        verbose_name_plural = "строки предложения пар"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint("proposal", "mentee", name="suggestions_proposalline_mentee_once"),
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="suggestions_proposalline_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ← {self.mentor}"
