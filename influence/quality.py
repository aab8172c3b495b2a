"""The data-quality checks the monitoring of influence adds to the registry's page: «Нет входной анкеты» and
«Нет итоговой анкеты».

Growth is compared between a participant's «before» questionnaire (entering the program) and «after»
(completing it); a missing one leaves the participant out of every figure of influence. The checks list the
pairs where a curator still has to enter one: an active pair a month in the program without the «before»
questionnaire of its mentor or of a mentee, a completed pair without the «after» one. The registry keeps
the page and the parts per organisation (registry/quality); it cannot import this app, so the checks are
registered from here when the app is ready (influence/apps.py). A saved or deleted questionnaire renews its
pair's organisation's version of the pairs (influence/models.py, `touched_organisations`), so a check
clears at once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from influence.models import Purpose, Response
from registry.models import MentoringPair, Organisation, PairMentee, User
from registry.quality import Check, register
from registry.quality.checks import present_pairs_by_organisation

SETTLING_DAYS = 30  # a pair is asked for its «before» questionnaires a month after entering the program


def lacking(purpose: str) -> Q:
    """A pair some participant of which has no questionnaire of `purpose`: the mentor, or a mentee whose
    participation is as active as the pair (all of an active pair's, all of a completed one's)."""
    mentor_answered = Response.objects.filter(pair=OuterRef("pk"), participation__isnull=True, purpose=purpose)
    mentee_answered = Response.objects.filter(pair=OuterRef("pair_id"), participation=OuterRef("pk"), purpose=purpose)
    mentee_missing = PairMentee.objects.filter(pair=OuterRef("pk")).exclude(Exists(mentee_answered))
    return ~Exists(mentor_answered) | Exists(mentee_missing)


def _within(queryset: QuerySet, organisation: Organisation | None) -> QuerySet:
    return queryset.filter(organisation=organisation) if organisation is not None else queryset


def pairs_without_before(
    user: User, organisation: Organisation | None = None, *, today: date | None = None
) -> QuerySet[MentoringPair]:
    """Active pairs in the program SETTLING_DAYS or longer without the «before» questionnaire of a participant."""
    today = today or timezone.localdate()
    pairs = MentoringPair.objects.for_user(user).active()
    return present_pairs_by_organisation(
        _within(pairs, organisation)
        .filter(entry_date__lte=today - timedelta(days=SETTLING_DAYS))
        .filter(lacking(Purpose.BEFORE))
    )


def pairs_without_after(user: User, organisation: Organisation | None = None) -> QuerySet[MentoringPair]:
    """Completed pairs without the «after» questionnaire of a participant."""
    pairs = MentoringPair.objects.for_user(user).completed()
    return present_pairs_by_organisation(_within(pairs, organisation).filter(lacking(Purpose.AFTER)))


NO_BEFORE = Check(
    "no_before_questionnaire",
    "Нет входной анкеты",
    f"Действующие пары и группы, вошедшие в программу {SETTLING_DAYS} дней назад и раньше, у которых нет анкеты "
    "«до начала программы» наставника или кого-то из наставляемых: без неё рост участника не с чем сравнить.",
    pairs_without_before,
    model=MentoringPair,
    present=present_pairs_by_organisation,
    template="influence/includes/quality_no_before.html",
)
NO_AFTER = Check(
    "no_after_questionnaire",
    "Нет итоговой анкеты",
    "Завершённые пары и группы, у которых нет анкеты «по завершении программы» наставника или кого-то из "
    "наставляемых: рост участника в мониторинг влияния не попадёт.",
    pairs_without_after,
    model=MentoringPair,
    present=present_pairs_by_organisation,
    template="influence/includes/quality_no_after.html",
)


def register_checks() -> None:
    register(NO_BEFORE)
    register(NO_AFTER)
