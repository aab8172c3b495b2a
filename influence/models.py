"""Questionnaires of the monitoring of influence (МР-42/02, Приложение 2) and their answers.

A QuestionnaireTemplate is a versioned questionnaire: for the quality of the process, or for the influence
before entering the program and after completing it, for a mentor or a mentee. Its scale questions belong
to growth groups (мотивационно-личностный, компетентностный, профессиональный) so that «before» and
«after» compare. A Response is one participant's answers at one stage: a mentee's participation in a pair
(PairMentee), or the pair's mentor (no participation). A template version that has responses is never
changed under them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from concurrency.fields import IntegerVersionField
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry import freshness
from registry.models import EducationDepartment, MentoringFormat, MentoringPair, PairMentee

SCALE_MIN, SCALE_MAX = 1, 10
USED_TEMPLATE = "По этой версии анкеты уже внесены ответы: её вопросы изменить нельзя. Создайте новую версию анкеты."
USED_VERSION = "По этой версии анкеты уже внесены ответы: изменить её нельзя. Создайте новую версию анкеты."


class Purpose(models.TextChoices):
    QUALITY = "quality", "Качество процесса"
    BEFORE = "before", "До начала программы"
    AFTER = "after", "По завершении программы"


class Role(models.TextChoices):
    MENTOR = "mentor", "Наставник"
    MENTEE = "mentee", "Наставляемый"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "Шкала от 1 до 10"
    CHOICE = "choice", "Выбор варианта"
    NUMBER = "number", "Число"
    TEXT = "text", "Короткий ответ"


class GrowthGroup(models.TextChoices):
    MOTIVATION = "motivation", "Мотивационно-личностный рост"
    COMPETENCE = "competence", "Компетентностный рост"
    PROFESSIONAL = "professional", "Профессиональный рост"


class EntryMethod(models.TextChoices):
    PAPER = "paper", "С бумажной анкеты куратором"
    PARTICIPANT_LINK = "participant_link", "По ссылке участником"
    REPRESENTATIVE_LINK = "representative_link", "По ссылке законным представителем"


class QuestionnaireTemplate(models.Model):
    """Анкета: one version of a questionnaire, common (of the methodology) or a department's own."""

    purpose = models.CharField("назначение", max_length=20, choices=Purpose.choices)
    role = models.CharField("кто заполняет", max_length=20, choices=Role.choices)
    formats = models.ManyToManyField(
        MentoringFormat,
        blank=True,
        related_name="+",
        verbose_name="формы наставничества",
        help_text="Пусто — для всех форм.",
    )
    title = models.CharField("название", max_length=300)
    version = models.PositiveSmallIntegerField("версия", default=1)
    # The edit's concurrency check (django-concurrency): «version» is the questionnaire's own number.
    revision = IntegerVersionField()
    is_seeded = models.BooleanField(
        "из методологии, можно уточнить",
        default=False,
        help_text="Внесена из методических рекомендаций; формулировки можно уточнить в новой версии.",
    )
    department = models.ForeignKey(
        EducationDepartment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="орган управления образованием",
        help_text="Пусто — общая анкета методологии.",
    )

    class Meta:
        verbose_name = "анкета"
        verbose_name_plural = "анкеты"
        ordering = ["purpose", "role", "title", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=Purpose.values), name="influence_questionnairetemplate_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="influence_questionnairetemplate_role_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="influence_questionnairetemplate_title_not_empty"),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="influence_questionnairetemplate_version_positive"
            ),
            models.UniqueConstraint(
                "title",
                "version",
                condition=Q(department__isnull=True),
                name="influence_questionnairetemplate_common_version_unique",
                violation_error_message="Такая версия общей анкеты уже есть.",
            ),
            models.UniqueConstraint(
                "department",
                "title",
                "version",
                condition=Q(department__isnull=False),
                name="influence_questionnairetemplate_version_unique_in_department",
                violation_error_message="Такая версия анкеты муниципалитета уже есть.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (версия {self.version})"

    def save(self, *args, **kwargs) -> None:
        self._refuse_when_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_used:
            raise ValidationError(USED_VERSION)
        return super().delete(*args, **kwargs)

    @property
    def is_used(self) -> bool:
        return self.pk is not None and self.responses.exists()

    def _refuse_when_used(self) -> None:
        """A version with answers keeps its title, purpose, role, version and department as answered."""
        if self.pk is None:
            return
        stored = QuestionnaireTemplate.objects.filter(pk=self.pk).values(*_TEMPLATE_FACTS).first()
        if stored is None or stored == {name: getattr(self, name) for name in _TEMPLATE_FACTS}:
            return
        if self.is_used:
            raise ValidationError(USED_VERSION)


_TEMPLATE_FACTS = ("purpose", "role", "title", "version", "is_seeded", "department_id")


def _refuse_formats_when_used(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """The forms of mentoring a version with answers serves stay as answered (their pairs read it)."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if reverse:  # from a form's side: the templates it is added to or removed from
        used = Response.objects.filter(template_id__in=pk_set or ()).exists()
    else:
        used = instance.is_used
    if used:
        raise ValidationError(USED_VERSION)


models.signals.m2m_changed.connect(
    _refuse_formats_when_used, sender=QuestionnaireTemplate.formats.through, dispatch_uid="influence_template_formats"
)


class Question(models.Model):
    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.CASCADE, related_name="questions", verbose_name="анкета"
    )
    order = models.PositiveSmallIntegerField("номер")
    text = models.CharField("вопрос", max_length=500)
    kind = models.CharField("вид ответа", max_length=20, choices=QuestionKind.choices, default=QuestionKind.SCALE)
    choices = models.JSONField("варианты ответа", default=list, blank=True, help_text="Для вопроса с выбором.")
    required = models.BooleanField("обязательный", default=True)
    revision = IntegerVersionField()  # the edit's concurrency check
    growth_group = models.CharField(
        "группа роста", max_length=20, choices=GrowthGroup.choices, blank=True, help_text="Только для шкалы 1–10."
    )

    class Meta:
        verbose_name = "вопрос анкеты"
        verbose_name_plural = "вопросы анкет"
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                "template",
                "order",
                name="influence_question_order_unique",
                violation_error_message="Вопрос с таким номером в анкете уже есть.",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="influence_question_text_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="influence_question_kind_valid"),
            models.CheckConstraint(
                condition=Q(growth_group="") | Q(kind=QuestionKind.SCALE, growth_group__in=GrowthGroup.values),
                name="influence_question_growth_group_on_scale",
                violation_error_message="Группа роста бывает только у вопроса со шкалой от 1 до 10.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    def save(self, *args, **kwargs) -> None:
        self._refuse_when_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_when_used()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.kind == QuestionKind.CHOICE and not (
            isinstance(self.choices, list) and self.choices and all(isinstance(c, str) and c for c in self.choices)
        ):
            raise ValidationError({"choices": "Для вопроса с выбором укажите варианты ответа."})
        if self.growth_group and self.kind != QuestionKind.SCALE:
            raise ValidationError({"growth_group": "Группа роста бывает только у вопроса со шкалой от 1 до 10."})
        self._refuse_when_used()

    def _refuse_when_used(self) -> None:
        """A version with answers stays as it was answered (its old answers are scored by it)."""
        template_id = self.template_id
        if self.pk is not None:
            template_id = Question.objects.filter(pk=self.pk).values_list("template_id", flat=True).first()
        if template_id and Response.objects.filter(template_id__in={template_id, self.template_id}).exists():
            raise ValidationError(USED_TEMPLATE)


class ResponseQuerySet(models.QuerySet):
    def for_pair(self, pair: MentoringPair):
        return self.filter(pair=pair)


class Response(models.Model):
    """One participant's answers at one stage: a mentee's (participation) or the mentor's (none)."""

    template = models.ForeignKey(
        QuestionnaireTemplate, on_delete=models.PROTECT, related_name="responses", verbose_name="анкета (версия)"
    )
    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="+", verbose_name="пара")
    participation = models.ForeignKey(
        PairMentee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="участие наставляемого",
        help_text="Пусто — анкета наставника пары.",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    entry_method = models.CharField(
        "как внесена", max_length=30, choices=EntryMethod.choices, default=EntryMethod.PAPER
    )
    # Copies of the template's facts, so that the rules below are the database's own.
    purpose = models.CharField(max_length=20, choices=Purpose.choices, editable=False)
    role = models.CharField(max_length=20, choices=Role.choices, editable=False)
    created_at = models.DateTimeField("внесена", auto_now_add=True)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "заполненная анкета"
        verbose_name_plural = "заполненные анкеты"
        ordering = ["pair", "purpose", "pk"]
        constraints = [
            models.UniqueConstraint(
                "pair",
                "participation",
                "purpose",
                condition=Q(participation__isnull=False),
                name="influence_response_once_per_mentee_and_stage",
                violation_error_message="Эта анкета наставляемого уже внесена.",
            ),
            models.UniqueConstraint(
                "pair",
                "purpose",
                condition=Q(participation__isnull=True),
                name="influence_response_once_per_mentor_and_stage",
                violation_error_message="Эта анкета наставника уже внесена.",
            ),
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="influence_response_purpose_valid"),
            models.CheckConstraint(
                condition=Q(role=Role.MENTOR, participation__isnull=True)
                | Q(role=Role.MENTEE, participation__isnull=False),
                name="influence_response_role_matches_participant",
                violation_error_message="Анкета наставника — без наставляемого, анкета наставляемого — с ним.",
            ),
            models.CheckConstraint(
                condition=Q(entry_method__in=EntryMethod.values), name="influence_response_entry_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} — пара #{self.pair_id}"

    def save(self, *args, **kwargs) -> None:
        self.purpose, self.role = self.template.purpose, self.template.role
        super().save(*args, **kwargs)

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved or deleted questionnaire renews (registry/freshness.py): its pair's
        organisation, whose data-quality checks «Нет входной/итоговой анкеты» it changes."""
        return [self.pair.organisation_id]


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name="анкета")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name="вопрос")
    number_value = models.IntegerField("число или балл", null=True, blank=True)
    text_value = models.CharField("ответ", max_length=500, blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, editable=False)  # the question's

    class Meta:
        verbose_name = "ответ"
        verbose_name_plural = "ответы"
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(
                "response",
                "question",
                name="influence_answer_once_per_question",
                violation_error_message="На этот вопрос ответ уже есть.",
            ),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.SCALE)
                | Q(number_value__isnull=False, number_value__gte=SCALE_MIN, number_value__lte=SCALE_MAX),
                name="influence_answer_scale_within_1_10",
                violation_error_message="Оценка по шкале — от 1 до 10.",
            ),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="influence_answer_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text_value or str(self.number_value)

    def save(self, *args, **kwargs) -> None:
        self.kind = self.question.kind
        super().save(*args, **kwargs)

    def get_additional_data(self) -> dict:
        """Kept by auditlog with each entry: the pair, so that a deleted answer stays in the pair's history."""
        return {"pair": self.response.pair_id}

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved or deleted answer renews: its pair's organisation (the figures of
        influence read the answers). No query when the response came with the answer (as it is saved)."""
        return self.response.touched_organisations()


class ParticipantGrowth(models.Model):
    """One participant's scores before and after in each growth group, kept from their two questionnaires
    (influence/growth.py renews it whenever either is saved) so that the tables of influence sum one stored
    line per participant instead of grouping every answer — one line, not one per group, so that a
    municipality's table reads a third as many rows. A group's score at a stage is the average of its 1–10
    answers; «improved» is worked out exactly (in integers) when the line is kept. A group not answered at
    both stages is empty. Gone with either questionnaire (a deleted or erased response takes it along).

    The columns are the growth groups of GrowthGroup, three by the methodology (`score_fields`)."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="+")
    participation = models.ForeignKey(PairMentee, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    before = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="+")
    after = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    motivation_before = models.FloatField(null=True)
    motivation_after = models.FloatField(null=True)
    motivation_improved = models.BooleanField(null=True)
    competence_before = models.FloatField(null=True)
    competence_after = models.FloatField(null=True)
    competence_improved = models.BooleanField(null=True)
    professional_before = models.FloatField(null=True)
    professional_after = models.FloatField(null=True)
    professional_improved = models.BooleanField(null=True)

    class Meta:
        verbose_name = "рост участника"
        verbose_name_plural = "рост участников"
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(
                        **{
                            f"{group}_before__isnull": True,
                            f"{group}_after__isnull": True,
                            f"{group}_improved__isnull": True,
                        }
                    )
                    | Q(
                        **{
                            f"{group}_before__gte": SCALE_MIN,
                            f"{group}_before__lte": SCALE_MAX,
                            f"{group}_after__gte": SCALE_MIN,
                            f"{group}_after__lte": SCALE_MAX,
                            f"{group}_improved__isnull": False,
                        }
                    ),
                    name=f"influence_participantgrowth_{group}_whole",
                )
                for group in ("motivation", "competence", "professional")
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="influence_participantgrowth_role_valid"),
        ]

    def __str__(self) -> str:
        return f"Рост участника пары #{self.pair_id}"

    @staticmethod
    def score_fields(group: str) -> tuple[str, str, str]:
        """The columns of a growth group: before, after, improved."""
        return f"{group}_before", f"{group}_after", f"{group}_improved"


# --- Data versions (registry/freshness.py) ---------------------------------------------------------

freshness.follow(Response, freshness.PAIRS)  # a pair's questionnaires are part of its pair's data
freshness.follow(Answer, freshness.PAIRS)


LINK_LIFETIME_DAYS = 14


class LinkRecipient(models.TextChoices):
    PARTICIPANT = "participant", "участник"
    REPRESENTATIVE = "representative", "законный представитель"


class AnswerLinkQuerySet(models.QuerySet):
    def unused(self):
        return self.filter(used_at__isnull=True)


class AnswerLink(models.Model):
    """Личная ссылка на анкету: an adult participant (or a minor's legal representative) answers one
    questionnaire without an account, once, before it expires. Only a hash of the token is kept; the URL
    carries the token itself and nothing else (no ids, no names). Revoked = deleted (audited)."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="+", verbose_name="пара")
    participation = models.ForeignKey(
        PairMentee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="участие наставляемого",
        help_text="Пусто — анкета наставника пары.",
    )
    purpose = models.CharField("анкета", max_length=20, choices=Purpose.choices)
    recipient = models.CharField("кому", max_length=20, choices=LinkRecipient.choices)
    email = models.EmailField("адрес электронной почты")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто отправил",
    )
    created_at = models.DateTimeField("отправлена")
    expires_at = models.DateTimeField("действует до")
    used_at = models.DateTimeField("использована", null=True, blank=True)

    objects = AnswerLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "личная ссылка на анкету"
        verbose_name_plural = "личные ссылки на анкеты"
        ordering = ["pair", "purpose", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="influence_answerlink_expires_after_creation",
                violation_error_message="Срок действия ссылки должен заканчиваться после её отправки.",
            ),
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="influence_answerlink_purpose_valid"),
            models.CheckConstraint(
                condition=Q(recipient__in=LinkRecipient.values), name="influence_answerlink_recipient_valid"
            ),
            models.CheckConstraint(condition=~Q(email=""), name="influence_answerlink_email_not_empty"),
            models.UniqueConstraint(
                "pair",
                "participation",
                "purpose",
                condition=Q(used_at__isnull=True, participation__isnull=False),
                name="influence_answerlink_one_unused_per_mentee_and_stage",
                violation_error_message="Для этой анкеты уже есть действующая ссылка.",
            ),
            models.UniqueConstraint(
                "pair",
                "purpose",
                condition=Q(used_at__isnull=True, participation__isnull=True),
                name="influence_answerlink_one_unused_per_mentor_and_stage",
                violation_error_message="Для этой анкеты уже есть действующая ссылка.",
            ),
        ]

    def __str__(self) -> str:
        return f"Ссылка на анкету «{self.get_purpose_display()}» — пара #{self.pair_id}"

    def clean(self) -> None:
        super().clean()
        if self.created_at and self.expires_at and self.expires_at <= self.created_at:
            raise ValidationError({"expires_at": "Срок действия ссылки должен заканчиваться после её отправки."})

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def entry_method(self) -> str:
        if self.recipient == LinkRecipient.REPRESENTATIVE:
            return EntryMethod.REPRESENTATIVE_LINK
        return EntryMethod.PARTICIPANT_LINK

    def get_additional_data(self) -> dict:
        return {"pair": self.pair_id}


# --- Outcomes of mentees per school year (the «results» of the process) ----------------------------

FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR = 2000, 2100
MARK_MIN, MARK_MAX = Decimal("2.0"), Decimal("5.0")
MARK_MESSAGE = "Средний балл — от 2,0 до 5,0."
SCHOOL_YEAR_MESSAGE = "Учебный год — с 2000/01 по 2100/01."
OLYMPIAD_MESSAGE = "Результат олимпиады указывается, только если наставляемый участвовал хотя бы в одной олимпиаде."


def school_year_of(day: date) -> int:
    """The school year a day belongs to, named by the year it starts in (1 September): 2025 for 2025/26."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    """«2025/26» for the school year that starts in 2025."""
    return f"{year}/{(year + 1) % 100:02d}"


class OlympiadResult(models.TextChoices):
    NONE = "none", "без призовых мест"
    PARTICIPANT = "participant", "участник"
    PRIZEWINNER = "prizewinner", "призёр"
    WINNER = "winner", "победитель"


def _mark_in_range(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": MARK_MIN, f"{name}__lte": MARK_MAX})


class MenteeOutcome(models.Model):
    """Результаты наставляемого за учебный год: the exams passed (ВПР, ОГЭ, ЕГЭ; empty — not taken), the
    average mark before and after, the olympiads entered. Optional; entered by the curator on the pair's
    questionnaires page or uploaded for a school from XLSX (influence/outcomes.py)."""

    participation = models.ForeignKey(
        PairMentee, on_delete=models.CASCADE, related_name="+", verbose_name="участие наставляемого"
    )
    school_year = models.PositiveSmallIntegerField(
        "учебный год", help_text="Год начала учебного года: 2025 — это 2025/26."
    )
    vpr_passed = models.BooleanField("ВПР сданы", null=True, blank=True, help_text="Пусто — не писал(а).")
    oge_passed = models.BooleanField("ОГЭ сдан", null=True, blank=True, help_text="Пусто — не сдавал(а).")
    ege_passed = models.BooleanField("ЕГЭ сдан", null=True, blank=True, help_text="Пусто — не сдавал(а).")
    mark_before = models.DecimalField(
        "средний балл до", max_digits=2, decimal_places=1, null=True, blank=True, help_text="От 2,0 до 5,0."
    )
    mark_after = models.DecimalField(
        "средний балл после", max_digits=2, decimal_places=1, null=True, blank=True, help_text="От 2,0 до 5,0."
    )
    olympiads = models.PositiveSmallIntegerField(
        "олимпиад", default=0, help_text="Во скольких олимпиадах участвовал(а)."
    )
    olympiad_result = models.CharField(
        "лучший результат олимпиад", max_length=20, choices=OlympiadResult.choices, blank=True
    )
    comment = models.CharField("комментарий", max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="кто внёс",
    )
    updated_at = models.DateTimeField("изменены", auto_now=True)
    version = IntegerVersionField()

    class Meta:
        verbose_name = "результаты наставляемого"
        verbose_name_plural = "результаты наставляемых"
        ordering = ["participation", "school_year"]
        constraints = [
            models.UniqueConstraint(
                "participation",
                "school_year",
                name="influence_menteeoutcome_once_per_school_year",
                violation_error_message="Результаты этого наставляемого за этот учебный год уже внесены.",
            ),
            models.CheckConstraint(
                condition=Q(school_year__gte=FIRST_SCHOOL_YEAR, school_year__lte=LAST_SCHOOL_YEAR),
                name="influence_menteeoutcome_school_year_range",
                violation_error_message=SCHOOL_YEAR_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_mark_in_range("mark_before"),
                name="influence_menteeoutcome_mark_before_2_5",
                violation_error_message=MARK_MESSAGE,
            ),
            models.CheckConstraint(
                condition=_mark_in_range("mark_after"),
                name="influence_menteeoutcome_mark_after_2_5",
                violation_error_message=MARK_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(olympiad_result="") | Q(olympiad_result__in=OlympiadResult.values),
                name="influence_menteeoutcome_olympiad_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(olympiad_result__in=["", OlympiadResult.NONE]) | Q(olympiads__gte=1),
                name="influence_menteeoutcome_olympiad_result_needs_olympiads",
                violation_error_message=OLYMPIAD_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"Результаты за {school_year_label(self.school_year)} — участие #{self.participation_id}"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)

    @property
    def mark_change(self) -> Decimal | None:
        if self.mark_before is None or self.mark_after is None:
            return None
        return self.mark_after - self.mark_before

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        for name in ("mark_before", "mark_after"):
            value = getattr(self, name)
            if value is not None and not MARK_MIN <= value <= MARK_MAX:
                errors[name] = MARK_MESSAGE
        if self.school_year is not None and not FIRST_SCHOOL_YEAR <= self.school_year <= LAST_SCHOOL_YEAR:
            errors["school_year"] = SCHOOL_YEAR_MESSAGE
        if self.olympiad_result not in ("", OlympiadResult.NONE) and not self.olympiads:
            errors["olympiad_result"] = OLYMPIAD_MESSAGE
        if errors:
            raise ValidationError(errors)

    def touched_organisations(self) -> list[int | None]:
        """Whose data versions a saved outcome renews (registry/freshness.py): the pair's organisation."""
        return [self.participation.organisation_id]


freshness.follow(MenteeOutcome, freshness.PAIRS)  # a mentee's outcomes are part of the pair's data
