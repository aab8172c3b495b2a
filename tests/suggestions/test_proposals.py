"""A whole proposal: the assignment under capacities, against a greedy pass, decided line by line."""

import random
from datetime import date

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry.models import MentoringPair, PairMentee
from suggestions import proposals
from suggestions.models import Decision, Proposal
from suggestions.services import decide, start_proposal
from tests.suggestions.conftest import grown

YEAR = date.today().year
SUBJECTS = ["математика", "физика", "химия", "история", "шахматы", "биология"]


def school_of_requests(school, rng, mentees=12, mentors=5):
    for i in range(mentees):
        grown(
            school,
            last_name=f"Ученик{i}",
            birth_year=YEAR - rng.randint(11, 15),
            main_request=" и ".join(rng.sample(SUBJECTS, 2)),
        )
    for i in range(mentors):
        grown(
            school,
            last_name=f"Наставник{i}",
            birth_year=YEAR - 17,
            competencies=", ".join(rng.sample(SUBJECTS, 2)),
            max_mentees=rng.randint(1, 3),
            desired_mentee_age="12–14 лет",
        )


@pytest.fixture
def proposal(world, students, django_capture_on_commit_callbacks):
    rng = random.Random(7)
    school_of_requests(world.school_a1, rng)
    school_of_requests(world.school_a2, rng)
    with django_capture_on_commit_callbacks(execute=True):
        made = start_proposal(world.methodist_a, world.department_a, None, students)
    made.refresh_from_db()
    return made


def test_the_proposal_respects_capacities_and_never_crosses_schools(proposal):
    assert proposal.is_computed and proposal.job.status == "done"
    lines = list(proposal.lines.select_related("mentee", "mentor"))
    assert lines
    load: dict[int, int] = {}
    for line in lines:
        assert line.mentee.organisation_id == line.mentor.organisation_id == line.organisation_id
        load[line.mentor_id] = load.get(line.mentor_id, 0) + 1
    for line in lines:
        assert load[line.mentor_id] <= line.mentor.max_mentees
    assert len({line.mentee_id for line in lines}) == len(lines)
    assert proposal.total >= proposal.greedy_total > 0


def test_the_assignment_beats_or_equals_greedy_and_the_sparse_path_agrees(monkeypatch):
    rng = np.random.default_rng(3)
    rows = np.repeat(np.arange(40), 8)
    cols = rng.integers(0, 15, size=len(rows))
    edges = proposals.Edges(rows, cols, rng.uniform(1, 100, size=len(rows)))
    unique = {}
    for i, j, s in zip(edges.rows, edges.cols, edges.scores, strict=True):
        unique[(i, j)] = s
    keys = list(unique)
    edges = proposals.Edges(
        np.array([k[0] for k in keys]), np.array([k[1] for k in keys]), np.array([unique[k] for k in keys])
    )
    free = [int(x) for x in rng.integers(1, 4, size=15)]
    best = proposals.assign(edges, 40, free)
    rough = proposals.greedy(edges, 40, free)
    assert sum(s for *_, s in best) >= sum(s for *_, s in rough)
    for chosen in (best, rough):
        counts = np.bincount([j for _, j, _ in chosen], minlength=15)
        assert all(counts[j] <= free[j] for j in range(15))
    monkeypatch.setattr(proposals, "DENSE_CELLS", 0)
    sparse = proposals.assign(edges, 40, free)
    assert sum(s for *_, s in sparse) == pytest.approx(sum(s for *_, s in best), abs=0.1)


def test_accepted_lines_become_pairs_and_rejected_leave_nothing(proposal, world):
    first, second, third = proposal.lines.order_by("pk")[:3]
    pairs_before = MentoringPair.objects.count()
    accepted, rejected = decide(
        world.methodist_a,
        proposal,
        {first.pk: Decision.ACCEPTED, second.pk: Decision.ACCEPTED, third.pk: Decision.REJECTED},
        proposal.version,
    )
    assert (accepted, rejected) == (2, 1)
    assert MentoringPair.objects.count() == pairs_before + 2
    for line in (first, second):
        line.refresh_from_db()
        assert line.decision == Decision.ACCEPTED
        assert PairMentee.objects.filter(pair=line.pair, mentee=line.mentee_id, mentor=line.mentor_id).exists()
        assert not line.pair.has_order
    third.refresh_from_db()
    assert third.decision == Decision.REJECTED and third.pair is None
    assert not PairMentee.objects.filter(mentee=third.mentee_id, active=True).exists()


def test_one_line_that_breaks_a_rule_by_now_refuses_them_all(proposal, world):
    first, second = proposal.lines.order_by("pk")[:2]
    second.mentor.archived_at = "2025-01-01T00:00Z"
    second.mentor.save()
    pairs_before = MentoringPair.objects.count()
    with pytest.raises(ValidationError):
        decide(
            world.methodist_a, proposal, {first.pk: Decision.ACCEPTED, second.pk: Decision.ACCEPTED}, proposal.version
        )
    assert MentoringPair.objects.count() == pairs_before
    assert not proposal.lines.exclude(decision=Decision.PENDING).exists()


def test_a_stale_page_is_refused(proposal, world):
    line = proposal.lines.first()
    with pytest.raises(ValidationError):
        decide(world.methodist_a, proposal, {line.pk: Decision.ACCEPTED}, proposal.version - 1)


def test_the_pages_of_a_curator(world, students, as_persona, django_capture_on_commit_callbacks):
    rng = random.Random(11)
    school_of_requests(world.school_a1, rng, mentees=4, mentors=2)
    client = as_persona("curator_a1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("proposal_list"), {"organisation": world.school_a1.pk, "format": students.pk}, follow=True
        )
    assert response.status_code == 200
    assert "рассчитывается в фоне" in response.content.decode()
    proposal = Proposal.objects.get()
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert "Сумма оценок жадного подбора" in page and "Принять" in page
    line = proposal.lines.first()
    response = client.post(
        reverse("proposal_detail", args=[proposal.pk]), {"version": proposal.version, f"line-{line.pk}": "accepted"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.pair is not None
    job_page = client.get(reverse("job_detail", args=[proposal.job_id])).content.decode()
    assert "Открыть предложение пар" in job_page
    mentee = line.mentee
    fragment = client.get(reverse("suggestion_candidates"), {"mentee": mentee.pk}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "Подбор наставника для" in fragment.content.decode()


def test_the_pair_form_asks_for_its_first_mentee_and_form(world, students, as_persona):
    mentee = grown(world.school_a1, birth_year=YEAR - 13, main_request="шахматы")
    grown(world.school_a1, last_name="Шахматов", birth_year=YEAR - 17, competencies="шахматы", max_mentees=1)
    client = as_persona("curator_a1")
    url = reverse("suggestion_candidates")
    answer = client.get(url, {"mentees_choice": mentee.pk, "format": students.pk}, HTTP_HX_REQUEST="true")
    page = answer.content.decode()
    assert "Шахматов" in page and "Запрос и компетенции: шахматы" in page
    assert "<html" not in page  # a fragment
    assert "Сначала выберите наставляемого" in client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert client.get(url).status_code == 404
    other = grown(world.school_a2, birth_year=YEAR - 13, main_request="шахматы")
    assert client.get(url, {"mentee": other.pk}).status_code == 404  # another school's pupil: not there


def test_the_methodist_tunes_the_weights_and_the_others_read_them(world, as_persona):
    from suggestions.models import Weights
    from suggestions.services import weights_of

    assert weights_of(world.department_a.pk)["request_competencies"] == 6
    url = reverse("suggestion_weights")
    fields = {
        "request_competencies": 10,
        "request_achievements": 0,
        "request_interests": 0,
        "subject": 0,
        "age": 0,
        "same_school": 0,
        "load": 0,
    }
    assert as_persona("head_a").post(url, fields).status_code == 403
    assert as_persona("methodist_a").post(url, {**fields, "age": 11}).status_code == 200  # the form again
    assert not Weights.objects.exists()
    assert as_persona("methodist_a").post(url, fields).status_code == 302
    assert Weights.objects.get(department=world.department_a).request_competencies == 10
    assert weights_of(world.department_b.pk)["request_competencies"] == 6
    page = as_persona("curator_a1").get(url).content.decode()
    assert "disabled" in page


def test_erasing_a_person_takes_their_lemmas_and_the_lines_naming_them(proposal, world):
    from registry import privacy
    from suggestions.models import PersonLemmas, ProposalLine

    first, second = proposal.lines.order_by("pk")[:2]
    decide(world.methodist_a, proposal, {second.pk: Decision.REJECTED}, proposal.version)
    for line in (first, second):
        mentee = line.mentee
        assert PersonLemmas.objects.filter(person=mentee).exists()
        mentee.archived_at = "2025-01-01T00:00Z"
        mentee.save()
        privacy.erase(mentee, user=world.methodist_a)
        assert not PersonLemmas.objects.filter(person=mentee).exists()
    assert not ProposalLine.objects.filter(pk=first.pk).exists()
    assert ProposalLine.objects.get(pk=second.pk).reasons == []
