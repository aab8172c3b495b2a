"""Suggestions for one mentee, a proposal started, and a proposal's lines decided.

`suggest` is what «Подобрать наставника» shows and `manage.py suggest_mentors` prints: the top candidates of
the pool (suggestions/rules.py) ranked by the score (suggestions/scoring.py) with their reasons. `decide`
creates the accepted lines' pairs through the registry's pair service in one transaction: every line
chosen or none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common.forms import CONFLICT_MESSAGE
from jobs import runner
from jobs.models import Job, JobKind
from registry.models import EducationDepartment, MentoringFormat, MentoringPair, Organisation, PairMentee, Person
from registry.scope import scope_for
from registry.services.pairs import save_pair
from suggestions import pools, profiles, rules
from suggestions.models import DEFAULT_WEIGHTS, Decision, Proposal, ProposalLine, Weights
from suggestions.scoring import Scorer, asked, reasons

DEFAULT_LIMIT = 5


def weights_of(department_id: int) -> dict[str, int]:
    """The department's weights, or the documented defaults."""
    saved = Weights.objects.filter(department_id=department_id).first()
    return saved.as_dict() if saved else dict(DEFAULT_WEIGHTS)


@dataclass
class Suggestion:
    mentor_id: int
    full_name: str
    organisation: str
    competencies: str
    score: float
    reasons: list[str]
    foreign: bool  # another school's mentor: shown by name, school and competencies only
    load: int = 0
    capacity: int = 0
    position: str = ""


@dataclass
class Suggestions:
    mentee: Person
    format: MentoringFormat
    found: list[Suggestion] = field(default_factory=list)
    refusal: str = ""
    across_department: bool = False


def suggest(mentee: Person, mentoring_format: MentoringFormat, *, limit: int = DEFAULT_LIMIT) -> Suggestions:
    """The best `limit` mentors for `mentee` in the form, each with the score and its reasons.

    `mentee` comes from the caller's access helper (its organisation loaded); the pool is the mentee's
    school, or the department's schools for a staff-only form, whoever asks.
    """
    result = Suggestions(mentee, mentoring_format, across_department=rules.across_department(mentoring_format))
    result.refusal = rules.mentee_refusal(mentee, mentoring_format)
    if result.refusal:
        return result
    year = profiles.this_year()
    (reading,) = profiles.read(Person.objects.filter(pk=mentee.pk))
    if reading.lacks_consent(year):
        result.refusal = (
            f"{mentee.full_name} — несовершеннолетний без действующего согласия на обработку персональных данных: "
            "внесите согласие, прежде чем подбирать пару."
        )
        return result
    if result.across_department:
        organisations = list(
            Organisation.objects.filter(department_id=mentee.organisation.department_id).values_list("pk", flat=True)
        )
    else:
        organisations = [mentee.organisation_id]
    pool = pools.mentors(mentoring_format, organisations)
    already = PairMentee.objects.filter(mentee=mentee, format=mentoring_format, active=True)
    leading = set(already.values_list("mentor_id", flat=True))
    if not pool:
        return result
    weights = weights_of(mentee.organisation.department_id)
    scores = Scorer(pool, weights, year, asked([reading])).matrix([reading])[0]
    pks = np.array(pool.pk, dtype=np.int64)
    scores[(pks == mentee.pk) | np.isin(pks, list(leading))] = -np.inf  # not one's own mentor, nor twice
    order = [int(i) for i in np.lexsort((pks, -scores))[:limit] if scores[i] > -np.inf]  # ties: the earlier first
    chosen = [pool.reading(i) for i in order]
    shown = {
        row["pk"]: row
        for row in Person.objects.filter(pk__in=[m.pk for m in chosen]).values(
            "pk", "last_name", "first_name", "patronymic", "organisation__short_name", "competencies", "position"
        )
    }
    for i, mentor in zip(order, chosen, strict=True):
        row = shown[mentor.pk]
        foreign = mentor.organisation_id != mentee.organisation_id
        result.found.append(
            Suggestion(
                mentor_id=mentor.pk,
                full_name=" ".join(p for p in (row["last_name"], row["first_name"], row["patronymic"]) if p),
                organisation=row["organisation__short_name"],
                competencies=row["competencies"],
                score=round(float(scores[i]), 1),
                reasons=reasons(reading, mentor, weights, year, foreign=foreign),
                foreign=foreign,
                load=0 if foreign else mentor.load,
                capacity=0 if foreign else mentor.capacity,
                position="" if foreign else row["position"],
            )
        )
    return result


# --- Proposals ---------------------------------------------------------------------------------------


def start_proposal(
    user, department: EducationDepartment, organisation: Organisation | None, mentoring_format: MentoringFormat
) -> Proposal:
    """A proposal row and its job (run once the request's transaction commits)."""
    proposal = Proposal.objects.create(
        department=department, organisation=organisation, format=mentoring_format, created_by=user
    )
    where = organisation.short_name if organisation else department.name
    title = f"Предложение пар: {where}, «{mentoring_format}»"[: Job._meta.get_field("title").max_length]
    job = runner.start(Job(owner=user, kind=JobKind.SUGGESTIONS, title=title, params={"proposal": proposal.pk}))
    Proposal.objects.filter(pk=proposal.pk).update(job=job)
    proposal.job = job
    return proposal


def decide(user, proposal: Proposal, decisions: dict[int, str], version: int) -> tuple[int, int]:
    """Accept and reject lines of a proposal: the accepted become pairs (one each, through the registry's
    pair service, audited like any pair, without an order), all in one transaction — a line that breaks a
    rule by now refuses them all, with its reason (ValidationError). Returns (accepted, rejected)."""
    scope = scope_for(user)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("format").get(pk=proposal.pk)
        if locked.version != version:
            raise ValidationError(CONFLICT_MESSAGE)
        lines = list(
            locked.lines.filter(pk__in=list(decisions), decision=Decision.PENDING).select_related(
                "organisation", "mentee__organisation", "mentor__organisation"
            )
        )
        accepted = [line for line in lines if decisions[line.pk] == Decision.ACCEPTED]
        rejected = [line for line in lines if decisions[line.pk] == Decision.REJECTED]
        if any(not scope.edits_organisation(line.organisation) for line in lines):
            raise PermissionDenied("Принимать предложение может куратор организации или методист муниципалитета.")
        year = profiles.this_year()
        mentors = {m.pk: m for m in profiles.read(Person.objects.filter(pk__in={line.mentor_id for line in accepted}))}
        taken: dict[int, int] = {}
        errors: list[str] = []
        today = date.today()
        for line in accepted:
            refusals = rules.mentor_refusals(mentors[line.mentor_id], year, taken.get(line.mentor_id, 0))
            if refusals:
                errors.append(f"{line.mentor.full_name} для {line.mentee.full_name}: {'; '.join(refusals)}.")
                continue
            taken[line.mentor_id] = taken.get(line.mentor_id, 0) + 1
            pair = MentoringPair(
                organisation=line.organisation, mentor=line.mentor, format=locked.format, entry_date=today
            )
            try:
                line.pair = save_pair(pair, [line.mentee])
            except ValidationError as error:
                errors.extend(error.messages)
            line.decision = Decision.ACCEPTED
        if errors:
            raise ValidationError(errors)
        for line in rejected:
            line.decision = Decision.REJECTED
        ProposalLine.objects.bulk_update([*accepted, *rejected], ["decision", "pair"])
        locked.save(update_fields=["version"])
    return len(accepted), len(rejected)


def default_format(mentee: Person, formats) -> MentoringFormat | None:
    """The first form (in the list's order) whose rule admits the mentee."""
    return next((f for f in formats if not rules.mentee_refusal(mentee, f)), None)
