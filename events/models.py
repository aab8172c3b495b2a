"""Events (мероприятия) of a department and who took part in them.

EventKind         a reference list the methodist extends (конкурс, семинар, курсы повышения квалификации …);
                  `is_training` marks the kinds whose participation is a mentor's training
Event             one event: department, kind, level, the school when a school organises it, dates,
                  organiser, description; optionally the roadmap occurrence it holds
EventDocument     a document of the event (programme, order, report), kept with its original name
EventParticipant  a person or a pair of the department (exactly one), the result, training hours and
                  the certificate; `organisation` is the participant's, copied for the scope and the cache
"""

from __future__ import annotations

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from registry import freshness
from registry.models import EducationDepartment, MentoringPair, Organisation, Person
from registry.models.reference import ReferenceItem
from registry.scope import scope_for

FILE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png", "zip"]
FILE_MAX_BYTES = 20 * 1024 * 1024


class Level(models.TextChoices):
    SCHOOL = "school", "школьный"
    MUNICIPAL = "municipal", "муниципальный"
    REGIONAL = "regional", "региональный"
    FEDERAL = "federal", "федеральный"


class Result(models.TextChoices):
    PARTICIPANT = "participant", "участник"
    LAUREATE = "laureate", "лауреат"
    PRIZE_WINNER = "prize_winner", "призёр"
    WINNER = "winner", "победитель"


class EventKind(ReferenceItem):
    """Вид мероприятия: общие виды из методики и свои виды муниципалитета."""

    is_training = models.BooleanField(
        "обучение",
        default=False,
        help_text="Участие засчитывается наставнику как обучение (курсы, семинары, школа молодого педагога): "
        "у участников указываются часы.",
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = "вид мероприятия"
        verbose_name_plural = "виды мероприятий"
        constraints = [
            models.UniqueConstraint(
                "name",
                condition=Q(department__isnull=True),
                name="events_eventkind_common_name_unique",
                violation_error_message="Такой вид мероприятия уже есть.",
            ),
            models.UniqueConstraint(
                "department",
                "name",
                condition=Q(department__isnull=False),
                name="events_eventkind_name_unique_in_department",
                violation_error_message="Такой вид мероприятия уже есть.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="events_eventkind_name_not_empty"),
        ]


class EventQuerySet(models.QuerySet):
    def for_user(self, user) -> EventQuerySet:
        """The department's events to its methodists and heads; to a curator, the events of the department
        organised above a school (no organisation) and the own school's."""
        scope = scope_for(user)
        return self.filter(
            Q(department_id__in=scope.department_wide)
            | Q(department_id__in=scope.curator_departments, organisation__isnull=True)
            | Q(organisation_id__in=scope.curator_organisations)
        )


class Event(models.Model):
    """Мероприятие: конкурс, семинар, курсы, совет наставников … муниципалитета или школы."""

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.CASCADE, related_name="events", verbose_name="муниципалитет"
    )
    kind = models.ForeignKey(EventKind, on_delete=models.PROTECT, related_name="events", verbose_name="вид")
    title = models.CharField("название", max_length=300)
    level = models.CharField("уровень", max_length=20, choices=Level.choices, default=Level.MUNICIPAL)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="образовательная организация",
        help_text="Если мероприятие проводит школа.",
    )
    start_date = models.DateField("начало")
    end_date = models.DateField("окончание")
    organiser = models.CharField("организатор", max_length=300, blank=True)
    description = models.TextField("описание", blank=True)
    roadmap_occurrence = models.ForeignKey(
        "roadmap.Occurrence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="пункт дорожной карты",
        help_text="Проведение мероприятия отметит этот пункт выполненным.",
    )
    held_on = models.DateField("проведено", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто внёс"
    )
    version = IntegerVersionField()

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="events_event_end_after_start",
                violation_error_message="Окончание мероприятия раньше его начала.",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="events_event_level_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="events_event_title_not_empty"),
            models.CheckConstraint(
                condition=~Q(level=Level.SCHOOL) | Q(organisation__isnull=False),
                name="events_event_school_level_has_organisation",
                violation_error_message="У школьного мероприятия укажите школу.",
            ),
        ]
        indexes = [models.Index(fields=["department", "start_date"], name="events_event_dept_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", args=[self.pk])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Окончание мероприятия раньше его начала."})
        if self.level == Level.SCHOOL and not self.organisation_id:
            raise ValidationError({"organisation": "У школьного мероприятия укажите школу."})

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def is_training(self) -> bool:
        return self.kind.is_training


def document_path(instance: EventDocument, filename: str) -> str:
    return f"events/{instance.event_id}/documents/{filename}"


def certificate_path(instance: EventParticipant, filename: str) -> str:
    return f"events/{instance.event_id}/certificates/{filename}"


class EventDocument(models.Model):
    """Документ мероприятия: программа, приказ, отчёт, фотографии."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents", verbose_name="мероприятие")
    file = models.FileField("файл", upload_to=document_path, max_length=300)
    original_name = models.CharField("имя загруженного файла", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="кто загрузил"
    )
    uploaded_at = models.DateTimeField("загружен", auto_now_add=True)

    class Meta:
        verbose_name = "документ мероприятия"
        verbose_name_plural = "документы мероприятий"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ParticipantQuerySet(models.QuerySet):
    def for_user(self, user) -> ParticipantQuerySet:
        """Participants the user may see: of the organisations in the user's reach (a curator reading a
        municipal event sees the own school's participants only)."""
        return scope_for(user).by_organisation(self)

    def trainings(self) -> ParticipantQuerySet:
        return self.filter(event__kind__is_training=True)


class EventParticipant(freshness.RemembersLoaded, models.Model):
    """Участник мероприятия: человек или пара (группа) муниципалитета, с результатом, часами и сертификатом."""

    remembered_fields = ("organisation_id", "person_id", "pair_id")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants", verbose_name="мероприятие")
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_participations",
        verbose_name="участник",
    )
    pair = models.ForeignKey(
        MentoringPair,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_participations",
        verbose_name="пара (группа)",
    )
    # The person's or the pair's organisation, copied on saving: the scope and the data versions read it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name="образовательная организация"
    )
    result = models.CharField("результат", max_length=20, choices=Result.choices, default=Result.PARTICIPANT)
    training_hours = models.PositiveSmallIntegerField(
        "часы обучения", null=True, blank=True, help_text="Для курсов, семинаров и других видов обучения."
    )
    certificate = models.FileField("сертификат, диплом", upload_to=certificate_path, blank=True, max_length=300)
    certificate_original_name = models.CharField("имя файла сертификата", max_length=255, blank=True)
    version = IntegerVersionField()

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = "участник мероприятия"
        verbose_name_plural = "участники мероприятий"
        ordering = ["event", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, pair__isnull=True) | Q(person__isnull=True, pair__isnull=False),
                name="events_eventparticipant_person_xor_pair",
                violation_error_message="Участник — либо человек, либо пара (группа): выберите одно.",
            ),
            models.CheckConstraint(condition=Q(result__in=Result.values), name="events_eventparticipant_result_valid"),
            models.CheckConstraint(
                condition=Q(training_hours__isnull=True) | Q(training_hours__gt=0),
                name="events_eventparticipant_hours_positive",
                violation_error_message="Часы обучения — положительное число.",
            ),
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(person__isnull=False),
                name="events_eventparticipant_person_once",
                violation_error_message="Этот участник уже есть в мероприятии.",
            ),
            models.UniqueConstraint(
                fields=["event", "pair"],
                condition=Q(pair__isnull=False),
                name="events_eventparticipant_pair_once",
                violation_error_message="Эта пара уже есть в мероприятии.",
            ),
        ]
        indexes = [models.Index(fields=["person", "event"], name="events_participant_person")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        owner = self.person if self.person_id else self.pair if self.pair_id else None
        if owner is not None:
            self.organisation_id = owner.organisation_id
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return f"Пара: {self.pair.mentor.full_name} ({self.pair.format})"

    def touched_organisations(self) -> list[int | None]:
        """The organisations whose training figures this row can alter: the participant's, and a pair's
        mentor's (a pair's training counts for its mentor)."""
        found = [self.organisation_id, freshness.loaded(self, "organisation_id")]
        if self.pair_id:
            found.append(
                MentoringPair.objects.filter(pk=self.pair_id).values_list("mentor__organisation_id", flat=True).first()
            )
        return found


freshness.follow(EventParticipant, freshness.TRAINING)
