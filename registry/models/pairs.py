"""Programs, pairs and groups, and the participation of each mentee.

A MentoringPair has one mentor and one or more mentees (a group); each mentee's
participation is a PairMentee row, one row of the official «База наставляемых».
The rules that span a pair and its people are enforced by the database on
PairMentee, which carries copies of the pair's mentor, form and state (kept in step
by registry.services.pairs): a mentee is not their own mentor, is in at most one
active pair of a form, and a students-only form pairs students.
"""

from __future__ import annotations

from datetime import date

from concurrency.fields import IntegerVersionField
from django.db import models
from django.db.models import F, Q

from common.text import normalise
from registry import freshness
from registry.models.dates import plausible
from registry.models.hierarchy import Organisation
from registry.models.people import Person, PersonCategory
from registry.models.reference import MeetingKind, MentoringFormat, MentoringKind, Participants, RoleModel
from registry.scope import scope_for


class ByOrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        return scope_for(user).by_organisation(self)


class MentoringProgram(models.Model):
    """Программа наставничества of an organisation; pairs run within one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programs", verbose_name="образовательная организация"
    )
    name = models.CharField("название", max_length=300)
    start_date = models.DateField("начало")
    end_date = models.DateField("окончание", null=True, blank=True)
    formats = models.ManyToManyField(
        MentoringFormat, blank=True, related_name="programs", verbose_name="формы наставничества"
    )
    description = models.TextField("описание", blank=True)
    version = IntegerVersionField()

    objects = ByOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "программа наставничества"
        verbose_name_plural = "программы наставничества"
        ordering = ["-start_date", "name"]
        constraints = [
            *plausible("mentoringprogram", "start_date", "end_date"),
            models.CheckConstraint(condition=~Q(name=""), name="registry_mentoringprogram_name_not_empty"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="registry_mentoringprogram_end_after_start",
                violation_error_message="Окончание программы не может быть раньше её начала.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PairStage(models.TextChoices):
    PREPARATION = "preparation", "Подготовительный"
    DESIGN = "design", "Проектировочный"
    IMPLEMENTATION = "implementation", "Реализационный"
    REFLECTION = "reflection", "Рефлексивно-аналитический"
    RESULT = "result", "Результативный"


class PairStatus(models.TextChoices):
    """Derived from the dates, for filters; not stored."""

    ACTIVE = "active", "Действует"
    OVERDUE = "overdue", "Срок прошёл, не завершена"
    COMPLETED = "completed", "Завершена"


SEARCH_IDS_LIMIT = 500  # a name search matching more people looks them up in a subquery


class PairQuerySet(ByOrganisationQuerySet):
    def active(self):
        return self.filter(end_date__isnull=True)

    def completed(self):
        return self.filter(end_date__isnull=False)

    def overdue(self, today: date | None = None):
        return self.active().filter(planned_end_date__lt=today or date.today())

    def with_status(self, status: str):
        return {
            PairStatus.ACTIVE: self.active,
            PairStatus.OVERDUE: self.overdue,
            PairStatus.COMPLETED: self.completed,
        }.get(status, self.all)()

    def active_in_year(self, year: int):
        """Active at some day of the year: entered by its end, not completed before it starts."""
        return self.filter(entry_date__lte=date(year, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1))
        )

    def search(self, query: str):
        """Pairs whose mentor or one of whose mentees matches a name search (case- and ё-insensitive).

        The matching people first (one scan of the names), then their pairs through the indexes; a
        name search matches few people, a very short one falls back to a subquery.
        """
        needle = normalise(query)
        if not needle:
            return self
        found = Person.objects.filter(search_text__contains=needle).values("pk")
        ids = list(found.values_list("pk", flat=True)[: SEARCH_IDS_LIMIT + 1])
        if len(ids) <= SEARCH_IDS_LIMIT:
            found = ids
        as_mentee = PairMentee.objects.filter(mentee_id__in=found).values("pair_id")
        return self.filter(Q(mentor_id__in=found) | Q(pk__in=as_mentee))

    def with_mentee_category(self, category: str):
        return self.filter(pk__in=PairMentee.objects.filter(mentee_category=category).values("pair_id"))

    def filtered(
        self,
        *,
        q: str = "",
        organisation: int | None = None,
        format: int | None = None,
        status: str = "",
        year: int | None = None,
        category: str = "",
    ):
        """The pair list's filters, shared by the list and the exports of "what the list shows"."""
        pairs = self.search(q) if q else self
        if organisation:
            pairs = pairs.filter(organisation_id=organisation)
        if format:
            pairs = pairs.filter(format_id=format)
        if status:
            pairs = pairs.with_status(status)
        if year:
            pairs = pairs.active_in_year(year)
        if category:
            pairs = pairs.with_mentee_category(category)
        return pairs


class MentoringPair(freshness.RemembersLoaded, models.Model):
    """Наставническая пара или группа: one mentor, one or more mentees (see PairMentee)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="pairs", verbose_name="образовательная организация"
    )
    program = models.ForeignKey(
        MentoringProgram,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name="программа наставничества",
    )
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mentor_pairs", verbose_name="наставник")
    mentees = models.ManyToManyField(
        Person,
        through="PairMentee",
        through_fields=("pair", "mentee"),
        related_name="mentee_pairs",
        verbose_name="наставляемые",
    )
    format = models.ForeignKey(
        MentoringFormat, on_delete=models.PROTECT, related_name="pairs", verbose_name="форма наставничества"
    )
    role_model = models.ForeignKey(
        RoleModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name="ролевая модель",
    )
    kind = models.ForeignKey(
        MentoringKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name="вид наставничества",
    )
    entry_date = models.DateField("дата вхождения в программу")
    planned_end_date = models.DateField("плановая дата завершения", null=True, blank=True)
    end_date = models.DateField("дата завершения программы", null=True, blank=True)
    order_number = models.CharField("номер приказа о закреплении", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    stage = models.CharField("этап", max_length=20, choices=PairStage.choices, default=PairStage.PREPARATION)
    results = models.TextField("результаты программы", blank=True)
    mentor_feedback_url = models.URLField("ссылка на кейс/отзыв наставника", max_length=500, blank=True)
    version = IntegerVersionField()
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = PairQuerySet.as_manager()
    remembered_fields = ("organisation_id", "mentor_id")  # the former mentor's school too

    class Meta:
        verbose_name = "наставническая пара (группа)"
        verbose_name_plural = "наставнические пары и группы"
        ordering = ["-entry_date", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-entry_date"], name="registry_pair_org_entry"),
            models.Index(fields=["end_date", "planned_end_date"], name="registry_pair_state"),
        ]
        constraints = [
            *plausible("mentoringpair", "entry_date", "planned_end_date", "end_date", "order_date"),
            models.CheckConstraint(condition=Q(stage__in=PairStage.values), name="registry_mentoringpair_stage_valid"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("entry_date")),
                name="registry_mentoringpair_end_after_entry",
                violation_error_message="Дата завершения не может быть раньше даты вхождения в программу.",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=F("entry_date")),
                name="registry_mentoringpair_planned_end_after_entry",
                violation_error_message="Плановая дата завершения не может быть раньше даты вхождения.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.format}"

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved pair renews (registry/freshness.py): its organisation, before and
        after a move, and its mentor's, whose load check it changes (a mentor from elsewhere too)."""
        touched = [self.organisation_id, freshness.loaded(self, "organisation_id"), self.mentor.organisation_id]
        former_mentor = freshness.loaded(self, "mentor_id")
        if former_mentor not in (None, self.mentor_id):
            touched += Person.objects.filter(pk=former_mentor).values_list("organisation_id", flat=True)
        return touched

    @property
    def has_order(self) -> bool:
        return bool(self.order_number and self.order_date)

    @property
    def is_active(self) -> bool:
        return self.end_date is None

    def status(self, today: date | None = None) -> PairStatus:
        if self.end_date:
            return PairStatus.COMPLETED
        if self.planned_end_date and self.planned_end_date < (today or date.today()):
            return PairStatus.OVERDUE
        return PairStatus.ACTIVE


class CompletionMark(models.TextChoices):
    PASSED = "passed", "Прошёл(а) программу"
    NOT_PASSED = "not_passed", "Не завершил(а) программу"


_STAFF = [PersonCategory.TEACHER, PersonCategory.STAFF]


class PairMentee(models.Model):
    """One mentee's participation in a pair: a row of «База наставляемых»."""

    pair = models.ForeignKey(
        MentoringPair, on_delete=models.CASCADE, related_name="participations", verbose_name="пара"
    )
    mentee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="participations", verbose_name="наставляемый"
    )
    results = models.TextField("результаты программы для наставляемого", blank=True)
    feedback_url = models.URLField("ссылка на кейс/отзыв наставляемого", max_length=500, blank=True)
    completion_mark = models.CharField(
        "отметка о прохождении программы", max_length=20, choices=CompletionMark.choices, blank=True
    )
    iom_built = models.BooleanField(
        "построен ИОМ", default=False, help_text="Для молодых педагогов: индивидуальный образовательный маршрут."
    )

    # Copies of the pair's and the people's facts, kept in step by registry.services.pairs,
    # so that the rules below are the database's own.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    mentee_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    mentor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", editable=False)
    format = models.ForeignKey(MentoringFormat, on_delete=models.PROTECT, related_name="+", editable=False)
    participants = models.CharField(max_length=20, choices=Participants.choices, editable=False)
    mentor_category = models.CharField(max_length=20, choices=PersonCategory.choices, editable=False)
    mentee_category = models.CharField(max_length=20, choices=PersonCategory.choices, editable=False)
    active = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = "участие наставляемого"
        verbose_name_plural = "участие наставляемых"
        ordering = ["mentee__last_name", "mentee__first_name"]
        indexes = [
            # A mentor's load (the active participations they lead) counted from this index alone, mentor by
            # mentor: 2 µs each instead of 5 for a department's 8 000 mentors (suggestions/profiles.py).
            models.Index(fields=["mentor"], condition=Q(active=True), name="registry_pairmentee_led"),
        ]
        constraints = [
            models.UniqueConstraint(
                "pair",
                "mentee",
                name="registry_pairmentee_once_per_pair",
                violation_error_message="Этот наставляемый уже есть в паре.",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=F("mentor")),
                name="registry_pairmentee_not_own_mentor",
                violation_error_message="Человек не может быть наставником самому себе.",
            ),
            # A mentee may have several mentors of one form (a subject mentor and a class teacher; a
            # group with two leaders), but not the same mentor twice in one form at once.
            models.UniqueConstraint(
                "mentee",
                "mentor",
                "format",
                condition=Q(active=True),
                name="registry_pairmentee_one_active_pair_per_mentor_and_format",
                violation_error_message="Этот наставник уже ведёт этого наставляемого в действующей паре этой формы.",
            ),
            models.CheckConstraint(
                condition=Q(participants=Participants.ANY)
                | Q(
                    participants=Participants.STUDENTS,
                    mentor_category=PersonCategory.STUDENT,
                    mentee_category=PersonCategory.STUDENT,
                )
                | Q(participants=Participants.STAFF, mentor_category__in=_STAFF, mentee_category__in=_STAFF),
                name="registry_pairmentee_format_participants",
                violation_error_message="Участники не подходят для этой формы наставничества.",
            ),
            models.CheckConstraint(
                condition=Q(mentee_organisation=F("organisation")),
                name="registry_pairmentee_mentee_of_the_organisation",
                violation_error_message="Наставляемый должен быть из той же организации, что и пара.",
            ),
            models.CheckConstraint(
                condition=Q(completion_mark__in=["", *CompletionMark.values]),
                name="registry_pairmentee_completion_mark_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} в паре с {self.mentor}"

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved participation renews: the pair's organisation and the mentee's."""
        return [self.organisation_id, self.mentee_organisation_id]


class Meeting(models.Model):
    """A meeting of a pair: the log the curator keeps."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="meetings", verbose_name="пара")
    date = models.DateField("дата")
    kind = models.ForeignKey(MeetingKind, on_delete=models.PROTECT, related_name="meetings", verbose_name="вид встречи")
    note = models.TextField("кратко о встрече", blank=True)
    feedback = models.TextField("обратная связь", blank=True)
    version = IntegerVersionField()

    class Meta:
        verbose_name = "встреча"
        verbose_name_plural = "встречи"
        ordering = ["-date", "-pk"]
        constraints = plausible("meeting", "date")

    def __str__(self) -> str:
        return f"{self.kind} {self.date:%d.%m.%Y}"

    def touched_organisations(self) -> list[int]:
        """Whose data versions a saved meeting renews (registry/freshness.py): its pair's organisation."""
        return [self.pair.organisation_id]

    def get_additional_data(self) -> dict:
        """Kept by auditlog with each entry: the pair, so that a deleted meeting stays in the pair's history."""
        return {"pair": self.pair_id}
