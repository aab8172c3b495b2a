"""The stored growth of each participant (ParticipantGrowth): renewed from the answers whenever one of their
«before» or «after» questionnaires is saved, and built for many pairs at once (generated data, the benchmark).

A participant's score of a group at a stage is the average of their 1–10 answers to that group's questions
in that stage's questionnaire; each answer takes its group from its own question, so answers to an
older version of a questionnaire stay scored by the questions they answered. A line is kept only for a
participant with both questionnaires, its groups filled only where answered in both.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, QuerySet, Sum

from influence.models import Answer, GrowthGroup, ParticipantGrowth, Purpose, QuestionKind

BATCH = 5000


def _lines(answers: QuerySet[Answer]) -> Iterable[ParticipantGrowth]:
    """The growth lines of the participants whose answers these are (one query)."""
    rows = (
        answers.filter(
            response__purpose__in=[Purpose.BEFORE, Purpose.AFTER],
            kind=QuestionKind.SCALE,
            number_value__isnull=False,
        )
        .exclude(question__growth_group="")
        .values(
            "response_id",
            "response__purpose",
            pair_id=F("response__pair_id"),
            participation_id=F("response__participation_id"),
            role=F("response__role"),
            group=F("question__growth_group"),
        )
        .annotate(total=Sum("number_value"), count=Count("pk"))
        .order_by()
    )
    participants: dict[tuple, dict[str, dict]] = {}  # (pair, participation) → purpose → response and groups
    for row in rows.iterator(chunk_size=BATCH):
        stage = participants.setdefault((row["pair_id"], row["participation_id"]), {}).setdefault(
            row["response__purpose"], {"response": row["response_id"], "role": row["role"], "groups": {}}
        )
        stage["groups"][row["group"]] = (row["total"], row["count"])
    for (pair_id, participation_id), found in participants.items():
        before, after = found.get(Purpose.BEFORE), found.get(Purpose.AFTER)
        if before is None or after is None:
            continue
        line = ParticipantGrowth(
            pair_id=pair_id,
            participation_id=participation_id,
            before_id=before["response"],
            after_id=after["response"],
            role=before["role"],
        )
        for group in GrowthGroup.values:
            if group in before["groups"] and group in after["groups"]:
                (before_sum, before_count), (after_sum, after_count) = before["groups"][group], after["groups"][group]
                first, then, improved = ParticipantGrowth.score_fields(group)
                setattr(line, first, before_sum / before_count)
                setattr(line, then, after_sum / after_count)
                setattr(line, improved, after_sum * before_count > before_sum * after_count)  # exact
        yield line


def renew(pair_id: int, participation_id: int | None) -> None:
    """One participant's lines again from their answers (a questionnaire of theirs was saved): two queries
    and an insert."""
    with transaction.atomic():
        ParticipantGrowth.objects.filter(pair_id=pair_id, participation_id=participation_id).delete()
        answers = Answer.objects.filter(response__pair_id=pair_id, response__participation_id=participation_id)
        ParticipantGrowth.objects.bulk_create(_lines(answers))


def rebuild(pair_ids: Iterable[int] | None = None) -> int:
    """Every line of these pairs (all with None) from their answers: for data loaded past the forms —
    generated data, the benchmark. Returns how many lines are kept."""
    answers = Answer.objects.all()
    kept = ParticipantGrowth.objects.all()
    if pair_ids is not None:
        pair_ids = list(pair_ids)
        answers = answers.filter(response__pair_id__in=pair_ids)
        kept = kept.filter(pair_id__in=pair_ids)
    with transaction.atomic():
        kept.delete()
        lines = ParticipantGrowth.objects.bulk_create(_lines(answers), batch_size=BATCH)
    return len(lines)
