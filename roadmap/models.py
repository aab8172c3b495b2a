"""Roadmaps (дорожные карты), their sections and items, and the execution of each item.

A `Roadmap` belongs to a department (a municipal roadmap, `organisation` empty) or to one
organisation. Its items keep every text as written in the approved document; the deadline text
is also parsed (`roadmap/deadlines/`) into a schedule stored as JSON, and the schedule gives
the item's *occurrences* — the times it has to be done (a yearly item, once a year of the
period). Each occurrence is an `Occurrence` row with its status, the date it was done, a comment
and its evidence. An item that every organisation does itself («Определяется ОО») has one
occurrence per organisation of the department, so a matrix shows who has done their part.
"""

from __future__ import annotations

from pathlib import PurePath

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q

from registry.models import EducationDepartment, Organisation
from registry.scope import scope_for
from roadmap.deadlines import Period, Schedule, ScheduleKind

EVIDENCE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png", "zip"]
EVIDENCE_MAX_BYTES = 20 * 1024 * 1024


class RoadmapKind(models.TextChoices):
    ROADMAP = "roadmap", "дорожная карта"
    DOCUMENT_REGISTER = "register", "реестр документов"


class RoadmapQuerySet(models.QuerySet):
    def for_user(self, user) -> RoadmapQuerySet:
        """Municipal roadmaps of the departments the user belongs to, and the organisations' own."""
        return scope_for(user).roadmaps(self)

    def plans(self) -> RoadmapQuerySet:
        """Roadmaps proper, without the departments' document registers."""
        return self.filter(kind=RoadmapKind.ROADMAP)

    def registers(self) -> RoadmapQuerySet:
        return self.filter(kind=RoadmapKind.DOCUMENT_REGISTER)


class Roadmap(models.Model):
    """Дорожная карта of a department (municipal) or of one organisation.

    A department's **document register** (реестр документов) of a school year is a municipal roadmap of
    the kind `DOCUMENT_REGISTER`: each required document is a «каждая ОО» item with one dated deadline, so
    each school's part is an `Occurrence` like any other — marked with the file or the link it gives.
    """

    department = models.ForeignKey(
        EducationDepartment, on_delete=models.PROTECT, related_name="roadmaps", verbose_name="муниципалитет"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="roadmaps",
        null=True,
        blank=True,
        verbose_name="образовательная организация",
        help_text="Пусто — муниципальная дорожная карта.",
    )
    title = models.CharField("название", max_length=500)
    order_number = models.CharField("номер приказа об утверждении", max_length=50, blank=True)
    order_date = models.DateField("дата приказа", null=True, blank=True)
    period_text = models.CharField(
        "период", max_length=100, help_text="Например: «2022», «2020–2021 учебный год», «2022–2024 гг.»."
    )
    period_start = models.DateField("начало периода")
    period_end = models.DateField("окончание периода")
    period_academic = models.BooleanField("учебный год", default=False)
    kind = models.CharField("вид", max_length=20, choices=RoadmapKind.choices, default=RoadmapKind.ROADMAP)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name="скопирована из"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("создана", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    version = IntegerVersionField()

    objects = RoadmapQuerySet.as_manager()

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="roadmap_roadmap_title_not_empty"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="roadmap_roadmap_period_end_after_start",
                violation_error_message="Окончание периода не может быть раньше его начала.",
            ),
            models.CheckConstraint(condition=Q(kind__in=RoadmapKind.values), name="roadmap_roadmap_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=RoadmapKind.DOCUMENT_REGISTER) | Q(organisation__isnull=True),
                name="roadmap_roadmap_register_is_municipal",
                violation_error_message="Реестр документов ведёт муниципалитет, а не организация.",
            ),
            models.UniqueConstraint(
                fields=["department", "period_start"],
                condition=Q(kind=RoadmapKind.DOCUMENT_REGISTER),
                name="roadmap_roadmap_one_register_per_year",
                violation_error_message="Реестр документов на этот учебный год уже есть.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("roadmap_detail", args=[self.pk])

    @property
    def is_municipal(self) -> bool:
        return self.organisation_id is None

    @property
    def is_register(self) -> bool:
        return self.kind == RoadmapKind.DOCUMENT_REGISTER

    @property
    def owner_name(self) -> str:
        return self.organisation.short_name if self.organisation_id else self.department.name

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end, self.period_text, self.period_academic)


class Section(models.Model):
    """Раздел дорожной карты: «1. Нормативно-правовое регулирование …». Sections are flat and ordered."""

    roadmap = models.ForeignKey(
        Roadmap, on_delete=models.CASCADE, related_name="sections", verbose_name="дорожная карта"
    )
    position = models.PositiveIntegerField("порядок", default=0)
    number = models.CharField("номер", max_length=20, blank=True)
    title = models.TextField("название раздела", blank=True)
    version = IntegerVersionField()

    class Meta:
        verbose_name = "раздел дорожной карты"
        verbose_name_plural = "разделы дорожной карты"
        ordering = ["roadmap", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip() or "Без раздела"


class ResponsibleKind(models.TextChoices):
    ORGANISATION = "organisation", "организация или служба"
    EACH_ORGANISATION = "each", "каждая ОО (определяется ОО)"
    ROLE = "role", "роль (кураторы, наставники …)"
    PEOPLE = "people", "названные сотрудники"


class EvidenceKind(models.TextChoices):
    """What an organisation gives for its part of an item (in a document register: the required document)."""

    ANY = "any", "файл или ссылка"
    FILE = "file", "файл"
    LINK = "link", "ссылка"


class RoadmapItem(models.Model):
    """Пункт дорожной карты, every text as written in the approved document."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="items", verbose_name="дорожная карта")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items", verbose_name="раздел")
    position = models.PositiveIntegerField("порядок", default=0)
    number = models.CharField("номер", max_length=20, blank=True)
    content = models.TextField("содержание (мероприятие)")
    deadline_text = models.CharField("сроки", max_length=500, blank=True)
    result = models.TextField("ожидаемый результат (вид документа)", blank=True)
    indicator = models.TextField("показатель эффективности", blank=True)
    responsible = models.TextField("ответственный исполнитель", blank=True)
    responsible_kind = models.CharField(
        "кто исполняет", max_length=20, choices=ResponsibleKind.choices, default=ResponsibleKind.ORGANISATION
    )
    schedule = models.JSONField("расписание", default=dict)
    schedule_kind = models.CharField(
        "вид срока", max_length=20, choices=ScheduleKind.choices, default=ScheduleKind.UNKNOWN
    )
    schedule_manual = models.BooleanField("срок задан вручную", default=False)
    schedule_problem = models.CharField("замечание к сроку", max_length=300, blank=True)
    evidence_kind = models.CharField(
        "что сдаёт организация", max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.ANY
    )
    version = IntegerVersionField()

    class Meta:
        verbose_name = "пункт дорожной карты"
        verbose_name_plural = "пункты дорожной карты"
        ordering = ["roadmap", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="roadmap_roadmapitem_content_not_empty"),
            models.CheckConstraint(
                condition=Q(schedule_kind__in=ScheduleKind.values), name="roadmap_roadmapitem_schedule_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(responsible_kind__in=ResponsibleKind.values),
                name="roadmap_roadmapitem_responsible_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(evidence_kind__in=EvidenceKind.values), name="roadmap_roadmapitem_evidence_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.content[:80]}".strip()

    def get_schedule(self) -> Schedule:
        return Schedule.from_json(self.schedule) if self.schedule else Schedule(ScheduleKind.UNKNOWN)

    def set_schedule(self, schedule: Schedule, problem: str = "") -> None:
        self.schedule = schedule.to_json()
        self.schedule_kind = schedule.kind
        self.schedule_problem = problem[:300]

    @property
    def for_each_organisation(self) -> bool:
        return self.responsible_kind == ResponsibleKind.EACH_ORGANISATION


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "не начато"
    IN_PROGRESS = "in_progress", "в работе"
    DONE = "done", "выполнено"
    NOT_DONE = "not_done", "не выполнено"
    POSTPONED = "postponed", "перенесено"


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.POSTPONED)


class OccurrenceQuerySet(models.QuerySet):
    def for_user(self, user) -> OccurrenceQuerySet:
        """Occurrences of the roadmaps the user reads: of a municipal «каждая ОО» item, a curator
        reads the own organisation's part only."""
        return scope_for(user).occurrences(self)

    def open(self) -> OccurrenceQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today) -> OccurrenceQuerySet:
        return self.open().filter(due__lt=today)

    def due_between(self, first, last) -> OccurrenceQuerySet:
        return self.open().filter(due__gte=first, due__lte=last)


def evidence_path(occurrence: Occurrence, filename: str) -> str:
    return f"roadmap/evidence/{occurrence.item.roadmap_id}/{filename}"


class Occurrence(models.Model):
    """One time an item has to be done (and, for «каждая ОО», one organisation's part): its execution."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="occurrences", verbose_name="пункт")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roadmap_occurrences",
        verbose_name="образовательная организация",
        help_text="Для пунктов, которые выполняет каждая ОО: чья это часть.",
    )
    key = models.CharField(max_length=20)
    label = models.CharField("срок", max_length=60, blank=True)
    start = models.DateField("начало", null=True, blank=True)
    planned_due = models.DateField("срок по плану", null=True, blank=True)
    due = models.DateField("срок", null=True, blank=True, db_index=True)
    status = models.CharField("статус", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField("дата выполнения", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)
    evidence_file = models.FileField(
        "документ",
        upload_to=evidence_path,
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
    )
    # The name the document had when uploaded: the storage makes the stored name safe (no spaces,
    # commas, «№»; a suffix when taken), and the user should get back the name they gave.
    evidence_original_name = models.CharField("имя загруженного документа", max_length=255, blank=True)
    evidence_url = models.URLField("ссылка на документ", max_length=500, blank=True)
    orphaned = models.BooleanField(
        "нет в расписании", default=False, help_text="Срок исчез из расписания после правки, а отметка о нём осталась."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="отметил",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)
    version = IntegerVersionField()

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = "исполнение пункта"
        verbose_name_plural = "исполнение пунктов"
        ordering = ["due", "item__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "key"],
                condition=Q(organisation__isnull=True),
                name="roadmap_occurrence_one_per_key",
            ),
            models.UniqueConstraint(
                fields=["item", "organisation", "key"],
                condition=Q(organisation__isnull=False),
                name="roadmap_occurrence_one_per_key_and_organisation",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="roadmap_occurrence_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.DONE) | Q(done_on__isnull=False),
                name="roadmap_occurrence_done_has_date",
                violation_error_message="Укажите дату выполнения.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DONE) | Q(done_on__isnull=True),
                name="roadmap_occurrence_date_only_when_done",
                violation_error_message="Дата выполнения ставится только у выполненного пункта.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.POSTPONED) | Q(due__isnull=False),
                name="roadmap_occurrence_postponed_has_new_date",
                violation_error_message="Укажите новый срок для перенесённого пункта.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.label or 'срок'}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due is not None and self.due < today

    @property
    def evidence_name(self) -> str:
        if not self.evidence_file:
            return ""
        return self.evidence_original_name or PurePath(self.evidence_file.name).name

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_file or self.evidence_url)


class ImportPreview(models.Model):
    """An imported roadmap read but not saved yet: what the preview shows, kept on the server (not in the
    session, which every request rewrites) under a one-time token until «Сохранить», a day at most."""

    token = models.CharField("ключ предпросмотра", max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="кто загрузил"
    )
    data = models.JSONField("прочитанная таблица и выбор пользователя")
    created_at = models.DateTimeField("создан", auto_now_add=True)

    class Meta:
        verbose_name = "предпросмотр загружаемой дорожной карты"
        verbose_name_plural = "предпросмотры загружаемых дорожных карт"
        indexes = [models.Index(fields=["user", "created_at"], name="roadmap_preview_user_recent")]

    def __str__(self) -> str:
        return self.data.get("title", "") if isinstance(self.data, dict) else ""
