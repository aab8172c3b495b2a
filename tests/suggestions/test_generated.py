"""generate_data writes requests and competencies that overlap as real ones do, and proposals work on them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q

from registry.models import Organisation, PairMentee, Person
from suggestions.models import Proposal
from suggestions.proposals import compute
from tests import factories


@pytest.mark.django_db
def test_generated_requests_meet_generated_competencies():
    call_command(
        "generate_data", "--organisations", "3", "--people", "600", "--pairs", "250", "--seed", "5", stdout=StringIO()
    )
    people = Person.objects.filter(organisation__department__code__startswith="gen-5-")
    assert people.filter(competencies__contains="эксперт ОГЭ по").exists()
    assert people.filter(Q(main_request__contains="ОГЭ по") | Q(main_request__contains="олимпиаде по")).exists()
    unpaired = people.exclude(main_request="").exclude(pk__in=PairMentee.objects.filter(active=True).values("mentee"))
    assert unpaired.exists()
    department = (
        Organisation.objects.filter(code__startswith="").filter(department__code__startswith="gen-5-")[0].department
    )
    proposal = Proposal.objects.create(department=department, format=factories.mentoring_format("ученик – ученик"))
    compute(proposal)
    proposal.refresh_from_db()
    assert proposal.total >= proposal.greedy_total
    assert any(reason.startswith("Запрос и компетенции") for line in proposal.lines.all() for reason in line.reasons)
