"""A whole proposal: the best assignment of mentors to the mentees without an active pair, as a job.

The mentees of a school (or of every school of the department, for a methodist) who have a request and
no active pair, and the mentors of the pool with places left (suggestions/rules.py). For a form that is
not staff-only, pairs never cross schools, so each school is a problem of its own; a staff-only form
takes its mentors from the whole department.

Each problem is solved as an assignment over capacity slots: a mentor with k places left is k columns,
each mentee a row with a private «nobody» column worth 0, so the sum of the scores is the maximum over
all matchings that respect the capacities (scipy's `linear_sum_assignment`). Scores are computed in
chunks of mentees; each mentee keeps its `KEEP` best mentors, so memory stays bounded by mentees × KEEP
(and the dense matrix, used while it stays under `DENSE_CELLS`; past it the same problem goes to scipy's
sparse `min_weight_full_bipartite_matching`). A greedy pass over the same candidates (the best remaining
score first) is computed too and its total stored beside the assignment's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from jobs import runner
from jobs.models import Job, JobKind, JobStatus
from registry.models import Organisation
from suggestions import profiles, rules
from suggestions.models import Proposal, ProposalLine
from suggestions.profiles import Mentors, Reading
from suggestions.scoring import Scorer, asked, reasons
from suggestions.services import weights_of

KEEP = 30  # candidates kept per mentee
CHUNK = 500  # mentees scored at once
DENSE_CELLS = 4_000_000  # rows × columns of a dense assignment (32 MB of float64)
FORBIDDEN = -1e9


@dataclass
class Edges:
    """Each mentee's best candidates: rows (mentee index), columns (mentor index), scores."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray


def candidate_edges(scorer: Scorer, mentees: list[Reading], progress=None, done: int = 0, total: int = 0) -> Edges:
    rows, cols, scores = [], [], []
    mentor_pks = np.array(scorer.mentors.pk, dtype=np.int64)
    keep = min(KEEP, len(scorer.mentors))
    for start in range(0, len(mentees), CHUNK):
        chunk = mentees[start : start + CHUNK]
        matrix = scorer.matrix(chunk)
        own = np.array([m.pk for m in chunk], dtype=np.int64)[:, None] == mentor_pks[None, :]
        matrix[own] = FORBIDDEN  # nobody is their own mentor
        best = np.argpartition(-matrix, keep - 1, axis=1)[:, :keep] if keep < matrix.shape[1] else None
        if best is None:
            best = np.tile(np.arange(matrix.shape[1]), (len(chunk), 1))
        picked = np.take_along_axis(matrix, best, axis=1)
        allowed = picked > FORBIDDEN / 2
        rows.append((np.arange(len(chunk))[:, None] + start).repeat(best.shape[1], axis=1)[allowed])
        cols.append(best[allowed])
        scores.append(picked[allowed])
        if progress is not None:
            progress(done + start + len(chunk), total)
    if not rows:
        return Edges(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32))
    return Edges(np.concatenate(rows), np.concatenate(cols), np.concatenate(scores).astype(np.float64))


def assign(edges: Edges, mentees: int, free: list[int]) -> list[tuple[int, int, float]]:
    """The matching of the greatest total score: (mentee, mentor, score); a mentor at most `free` times."""
    if not len(edges.rows):
        return []
    degree = np.bincount(edges.cols, minlength=len(free))
    slots_of = [min(free[j], int(degree[j])) for j in range(len(free))]
    first = np.concatenate([[0], np.cumsum(slots_of)]).astype(np.int64)
    slots = int(first[-1])
    slot_mentor = np.repeat(np.arange(len(free)), slots_of)
    columns = slots + mentees
    found: list[tuple[int, int, float]] = []
    if mentees * columns <= DENSE_CELLS:
        matrix = np.full((mentees, columns), FORBIDDEN)
        for k in range(max(slots_of, default=0)):
            has = np.array([slots_of[j] > k for j in edges.cols], dtype=bool)
            matrix[edges.rows[has], first[edges.cols[has]] + k] = edges.scores[has]
        matrix[np.arange(mentees), slots + np.arange(mentees)] = 0
        chosen_rows, chosen_cols = linear_sum_assignment(matrix, maximize=True)
    else:
        # Sparse: each edge once per slot of its mentor, a tiny weight for «nobody» (zero is no edge).
        counts = np.array([slots_of[j] for j in edges.cols], dtype=np.int64)
        rows = np.repeat(edges.rows, counts)
        offsets = np.concatenate([np.arange(c) for c in counts]) if counts.sum() else np.zeros(0, np.int64)
        cols = np.repeat(first[edges.cols], counts) + offsets
        data = np.repeat(edges.scores, counts) + 1e-3
        rows = np.concatenate([rows, np.arange(mentees)])
        cols = np.concatenate([cols, slots + np.arange(mentees)])
        data = np.concatenate([data, np.full(mentees, 1e-6)])
        graph = csr_matrix((data, (rows, cols)), shape=(mentees, columns))
        chosen_rows, chosen_cols = min_weight_full_bipartite_matching(graph, maximize=True)
    best = {(int(i), int(j)): float(s) for i, j, s in zip(edges.rows, edges.cols, edges.scores, strict=True)}
    for i, column in zip(chosen_rows, chosen_cols, strict=True):
        if column < slots:
            mentor = int(slot_mentor[column])
            score = best.get((int(i), mentor))
            if score is not None:
                found.append((int(i), mentor, score))
    return found


def greedy(edges: Edges, mentees: int, free: list[int]) -> list[tuple[int, int, float]]:
    """The best remaining score first: what a person pairing by hand from the top of each list does."""
    left = list(free)
    paired = np.zeros(mentees, dtype=bool)
    found = []
    for k in np.lexsort((edges.cols, edges.rows, -edges.scores)):
        i, j = int(edges.rows[k]), int(edges.cols[k])
        if not paired[i] and left[j] > 0:
            paired[i] = True
            left[j] -= 1
            found.append((i, j, float(edges.scores[k])))
    return found


@dataclass
class Problem:
    mentees: list[Reading]
    mentors: list[Reading]


def problems(proposal: Proposal, year: int) -> list[Problem]:
    """The proposal's independent problems: one per school, or the whole department for a staff-only form."""
    mentoring_format = proposal.format
    if proposal.organisation_id:
        schools = [proposal.organisation_id]
    else:
        schools = list(
            Organisation.objects.filter(department_id=proposal.department_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    mentees = [
        m
        for m in profiles.read(rules.unpaired_mentees(mentoring_format, schools).order_by("pk"))
        if not m.lacks_consent(year)
    ]
    if rules.across_department(mentoring_format):
        everywhere = Organisation.objects.filter(department_id=proposal.department_id).values("pk")
        pool = profiles.read(rules.mentor_pool(mentoring_format, everywhere).order_by("pk"), with_places=True)
        return [Problem(mentees, [m for m in pool if not rules.mentor_refusals(m, year)])]
    pool = [
        m
        for m in profiles.read(rules.mentor_pool(mentoring_format, schools).order_by("pk"), with_places=True)
        if not rules.mentor_refusals(m, year)
    ]
    found = []
    for school in schools:
        here = [m for m in mentees if m.organisation_id == school]
        if here:
            found.append(Problem(here, [m for m in pool if m.organisation_id == school]))
    return found


def compute(proposal: Proposal, progress=None) -> None:
    """Fill the proposal's lines (the assignment) and its totals (and the greedy pass's)."""
    year = profiles.this_year()
    weights = weights_of(proposal.department_id)
    parts = problems(proposal, year)
    total_mentees = sum(len(p.mentees) for p in parts)
    mentor_ids = {m.pk for p in parts for m in p.mentors}
    lines: list[ProposalLine] = []
    total = greedy_total = 0.0
    greedy_pairs = done = 0
    for part in parts:
        if not part.mentors:
            done += len(part.mentees)
            continue
        scorer = Scorer(Mentors.of(part.mentors), weights, year, asked(part.mentees))
        edges = candidate_edges(scorer, part.mentees, progress, done, total_mentees)
        done += len(part.mentees)
        free = [m.free for m in part.mentors]
        for i, j, score in assign(edges, len(part.mentees), free):
            mentee, mentor = part.mentees[i], part.mentors[j]
            foreign = bool(proposal.organisation_id) and mentor.organisation_id != proposal.organisation_id
            total += score
            lines.append(
                ProposalLine(
                    proposal=proposal,
                    organisation_id=mentee.organisation_id,
                    mentee_id=mentee.pk,
                    mentor_id=mentor.pk,
                    score=round(score, 2),
                    reasons=reasons(mentee, mentor, weights, year, foreign=foreign),
                )
            )
        matched = greedy(edges, len(part.mentees), free)
        greedy_total += sum(score for _, _, score in matched)
        greedy_pairs += len(matched)
    with transaction.atomic():
        ProposalLine.objects.bulk_create(lines, batch_size=2000)
        Proposal.objects.filter(pk=proposal.pk).update(
            computed_at=timezone.now(),
            mentees=total_mentees,
            mentors=len(mentor_ids),
            total=round(total, 2),
            greedy_total=round(greedy_total, 2),
            greedy_pairs=greedy_pairs,
        )


def proposal_of(job: Job) -> Proposal | None:
    return Proposal.objects.select_related("format").filter(pk=job.params.get("proposal")).first()


def _allowed(job: Job) -> bool:
    return Proposal.objects.for_user(job.owner).filter(pk=job.params.get("proposal")).exists()


@runner.handles(
    JobKind.SUGGESTIONS,
    result_template="suggestions/job_result.html",
    result_context=lambda job: {"proposal_id": job.params.get("proposal")},
    allowed=_allowed,
)
def run_proposal(job: Job, progress: runner.ProgressWriter) -> None:
    proposal = proposal_of(job)
    if proposal is None:
        runner.finish(job.pk, JobStatus.FAILED, message="Предложение удалено.")
        return
    if not proposal.is_computed:
        compute(proposal, progress)
    runner.finish(job.pk, JobStatus.DONE)
