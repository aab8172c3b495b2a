"""Questionnaire answers are personal data (152-ФЗ): listed in the subject's extract, destroyed with the
person when their data is erased. Registered with registry/privacy.py (`register_held`) by the app."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from influence.models import Answer, AnswerLink, MenteeOutcome, Response, school_year_label
from registry.models import Person
from registry.privacy import HeldElsewhere, register_held


def _responses(person: Person):
    """The person's own questionnaires: as a mentee of a pair, and as the mentor of a pair."""
    return Response.objects.filter(Q(participation__mentee=person) | Q(participation__isnull=True, pair__mentor=person))


def rows(person: Person) -> list[list]:
    answers = (
        Answer.objects.filter(response__in=_responses(person))
        .select_related("response__template", "response__entered_by", "question")
        .order_by("response__pair_id", "response__purpose", "question__order", "pk")
    )
    return [
        [
            f"{answer.response.template.title} (версия {answer.response.template.version})",
            f"пара № {answer.response.pair_id}",
            answer.response.created_at,
            answer.response.get_entry_method_display(),
            answer.question.text,
            answer.text_value or answer.number_value,
        ]
        for answer in answers
    ]


def erase(person: Person) -> int:
    """Delete the person's questionnaires with their answers, the personal links sent for them (an e-mail
    address), and the audit entries that hold them."""
    responses = list(_responses(person).values_list("pk", flat=True))
    answers = list(Answer.objects.filter(response_id__in=responses).values_list("pk", flat=True))
    sent = AnswerLink.objects.filter(
        Q(participation__mentee=person) | Q(participation__isnull=True, pair__mentor=person)
    )
    sent_ids = list(sent.values_list("pk", flat=True))
    AnswerLink.objects.filter(pk__in=sent_ids).delete()  # first: the audit entries of their deletion go below
    LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(Response), object_id__in=responses)
        | Q(content_type=ContentType.objects.get_for_model(Answer), object_id__in=answers)
        | Q(content_type=ContentType.objects.get_for_model(AnswerLink), object_id__in=sent_ids)
    ).delete()
    Response.objects.filter(pk__in=responses).delete()  # the answers go with them
    return len(responses)


def _yes_no(value: bool | None) -> str:
    return "не сдавал(а)" if value is None else ("сдан" if value else "не сдан")


def outcome_rows(person: Person) -> list[list]:
    """The person's outcomes as a mentee, per pair and school year."""
    outcomes = MenteeOutcome.objects.filter(participation__mentee=person).order_by(
        "participation__pair_id", "school_year", "pk"
    )
    return [
        [
            f"пара № {outcome.participation.pair_id}",
            school_year_label(outcome.school_year),
            _yes_no(outcome.vpr_passed),
            _yes_no(outcome.oge_passed),
            _yes_no(outcome.ege_passed),
            outcome.mark_before,
            outcome.mark_after,
            outcome.olympiads,
            outcome.get_olympiad_result_display(),
            outcome.comment,
        ]
        for outcome in outcomes.select_related("participation")
    ]


def erase_outcomes(person: Person) -> int:
    """Delete the person's outcomes as a mentee and the audit entries that hold them."""
    outcomes = list(MenteeOutcome.objects.filter(participation__mentee=person).values_list("pk", flat=True))
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(MenteeOutcome), object_id__in=outcomes
    ).delete()
    MenteeOutcome.objects.filter(pk__in=outcomes).delete()
    return len(outcomes)


def register() -> None:
    register_held(
        HeldElsewhere(
            key="questionnaires",
            sheet="Анкеты",
            headers=("Анкета", "Пара / группа", "Внесена", "Как внесена", "Вопрос", "Ответ"),
            widths=(40, 18, 16, 26, 60, 24),
            rows=rows,
            erase=erase,
        )
    )
    register_held(
        HeldElsewhere(
            key="mentee_outcomes",
            sheet="Результаты наставляемых",
            headers=(
                "Пара / группа",
                "Учебный год",
                "ВПР",
                "ОГЭ",
                "ЕГЭ",
                "Средний балл до",
                "Средний балл после",
                "Олимпиад",
                "Результат олимпиад",
                "Комментарий",
            ),
            widths=(18, 12, 14, 14, 14, 14, 14, 10, 20, 40),
            rows=outcome_rows,
            erase=erase_outcomes,
        )
    )
