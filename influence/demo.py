"""The demo's questionnaires and mentees' results, so that «Мониторинг влияния», a pair's «Анкеты» and the
report's section have something to show: the «before» questionnaires of every participant of a pair that
entered the program more than a month ago, the «after» and the quality of the process of the completed
pairs' participants, and a school year's results for the pupils (the year the pair ended, or this one).
The scores are fixed by the participant (not random), most improve and some do not. Entered as a curator
types them from paper.

Only participants without a questionnaire at that stage get one, so running the demo again changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from influence.models import MenteeOutcome, OlympiadResult, Purpose, QuestionKind, Response, Role, school_year_of
from influence.services import save_response, template_for
from registry.models import MentoringPair, Organisation, PersonCategory

SETTLED_DAYS = 30


def _score(seed: int, purpose: str, order: int) -> int:
    """A plausible 1–10: «before» 3–7, «after» 4–9 (mostly higher), the quality 6–10."""
    if purpose == Purpose.BEFORE:
        return 3 + (seed * 7 + order * 3) % 5
    if purpose == Purpose.AFTER:
        return 4 + (seed * 5 + order * 7) % 6
    return 6 + (seed + order) % 5


def _enter(pair: MentoringPair, participation, purpose: str, seed: int) -> int:
    role = Role.MENTOR if participation is None else Role.MENTEE
    if Response.objects.filter(pair=pair, participation=participation, purpose=purpose).exists():
        return 0
    template = template_for(pair, purpose, role)
    if template is None:
        return 0
    values: dict[int, object] = {}
    for question in template.questions.all():
        if question.kind == QuestionKind.SCALE:
            values[question.pk] = _score(seed, purpose, question.order)
        elif question.kind == QuestionKind.CHOICE and question.choices:
            values[question.pk] = question.choices[(seed + question.order) % len(question.choices)]
        elif question.kind == QuestionKind.NUMBER:
            values[question.pk] = 1 + seed % 4
    save_response(pair=pair, participation=participation, template=template, values=values, user=None)
    return 1


def fill(organisations: dict[str, Organisation]) -> int:
    """Questionnaires and results for the demo organisations' pairs; returns how many questionnaires."""
    settled = timezone.localdate() - timedelta(days=SETTLED_DAYS)
    entered = 0
    pairs = (
        MentoringPair.objects.filter(organisation__in=organisations.values(), entry_date__lte=settled)
        .select_related("organisation", "format")
        .prefetch_related("participations__mentee")
        .order_by("pk")
    )
    for pair in pairs:
        participants = [(None, pair.pk)] + [(p, p.mentee_id) for p in pair.participations.all()]
        stages = [Purpose.BEFORE] + ([Purpose.AFTER, Purpose.QUALITY] if pair.end_date else [])
        for participation, seed in participants:
            for purpose in stages:
                if purpose == Purpose.QUALITY and participation is None:
                    continue  # the quality of the process is the mentees' questionnaire
                entered += _enter(pair, participation, purpose, seed)
            if participation is not None:
                _results(pair, participation, seed)
    return entered


def _results(pair: MentoringPair, participation, seed: int) -> None:
    if participation.mentee.category != PersonCategory.STUDENT:
        return
    before = Decimal("3.2") + Decimal(seed % 8) / 10
    MenteeOutcome.objects.get_or_create(
        participation=participation,
        school_year=school_year_of(pair.end_date or timezone.localdate()),
        defaults={
            "vpr_passed": seed % 5 != 0,
            "mark_before": before,
            "mark_after": min(Decimal("5.0"), before + Decimal(seed % 4) / 10),
            "olympiads": seed % 3,
            "olympiad_result": [OlympiadResult.NONE, OlympiadResult.PARTICIPANT, OlympiadResult.PRIZEWINNER][seed % 3]
            if seed % 3
            else "",
        },
    )
