"""Entering a participant's questionnaire: the template a participation answers, and its answers saved at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from influence import growth
from influence.models import (
    Answer,
    EntryMethod,
    Purpose,
    Question,
    QuestionKind,
    QuestionnaireTemplate,
    Response,
    Role,
)
from registry.models import MentoringPair, PairMentee, User


def template_for(pair: MentoringPair, purpose: str, role: str) -> QuestionnaireTemplate | None:
    """The questionnaire a participant of the pair answers at a stage: the department's own before the
    common one, one made for the pair's form before one for every form, the newest version first."""
    templates = (
        QuestionnaireTemplate.objects.filter(purpose=purpose, role=role)
        .filter(Q(department__isnull=True) | Q(department_id=pair.organisation.department_id))
        .filter(Q(formats__isnull=True) | Q(formats=pair.format_id))
        .annotate(
            own=Case(When(department__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()),
            general=Case(When(formats__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by("own", "general", "-version", "pk")
    )
    return templates.first()


def response_of(pair: MentoringPair, participation: PairMentee | None, purpose: str) -> Response | None:
    return Response.objects.filter(pair=pair, participation=participation, purpose=purpose).first()


def save_response(
    *,
    pair: MentoringPair,
    participation: PairMentee | None,
    template: QuestionnaireTemplate,
    values: dict[int, Any],
    user: User | None,
    entry_method: str = EntryMethod.PAPER,
    response: Response | None = None,
) -> Response:
    """A new or corrected response with its answers, in one transaction: `values` maps a question's pk to
    its cleaned value (an int for a scale or a number, text otherwise; None or "" for no answer). `user` is
    None for an answer sent through a personal link (no account)."""
    with transaction.atomic():
        if response is None:
            response = Response(
                template=template,
                pair=pair,
                participation=participation,
                entered_by=user,
                entry_method=entry_method,
                purpose=template.purpose,
                role=template.role,
            )
            response.full_clean(exclude=["entered_by"])
        else:
            response.entered_by = user
            response.entry_method = entry_method
        assert (template.role == Role.MENTEE) == (participation is not None), "a mentee's questionnaire has one"
        response.save()
        existing = {answer.question_id: answer for answer in response.answers.all()}
        for question in response.template.questions.all():
            value = values.get(question.pk)
            answer = existing.get(question.pk)
            if value is None or value == "":
                if answer is not None:
                    answer.delete()
                continue
            answer = answer or Answer(response=response, question=question)
            if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                answer.number_value, answer.text_value = int(value), ""
            else:
                answer.number_value, answer.text_value = None, str(value)
            answer.save()
        if response.purpose in (Purpose.BEFORE, Purpose.AFTER):
            growth.renew(pair.pk, None if participation is None else participation.pk)
    return response


def questions_of(template: QuestionnaireTemplate) -> list[Question]:
    return list(template.questions.order_by("order"))
