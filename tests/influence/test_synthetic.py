"""generate_data's questionnaires (influence/synthetic.py): who answered what, by the templates the pages give,
with every participant's stored growth, and gone with the region."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from influence import growth
from influence.aggregates import growth_table
from influence.models import Answer, ParticipantGrowth, Purpose, QuestionKind, Response
from influence.services import template_for
from registry.models import EducationDepartment, Organisation

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_data", "--organisations", "4", "--people", "300", "--pairs", "150", *args, stdout=out)
    return out.getvalue()


def test_generated_questionnaires_are_the_ones_a_school_would_have():
    output = generate("--seed", "5")
    responses = Response.objects.filter(pair__organisation__department__code__startswith="gen-5-")
    assert f"анкет {responses.count()}," in output
    assert responses.filter(purpose=Purpose.BEFORE).exists() and responses.filter(purpose=Purpose.AFTER).exists()
    assert responses.filter(purpose=Purpose.QUALITY).exists()
    month_ago = timezone.localdate() - timedelta(days=30)
    for response in responses.select_related("pair", "participation", "template"):
        assert response.template == template_for(response.pair, response.purpose, response.role)
        assert response.pair.entry_date <= month_ago
        if response.purpose != Purpose.BEFORE:
            assert response.pair.end_date is not None  # «after» and the quality only when completed
        if response.purpose == Purpose.AFTER:
            assert responses.filter(
                pair=response.pair, participation=response.participation, purpose=Purpose.BEFORE
            ).exists()
    scale = Answer.objects.filter(response__in=responses)
    assert scale.count() == sum(
        r.template.questions.filter(kind=QuestionKind.SCALE).count() for r in responses.select_related("template")
    )
    assert not scale.filter(response__purpose=Purpose.BEFORE, number_value__gt=7).exists()
    assert not scale.filter(response__purpose=Purpose.AFTER, number_value__lt=4).exists()

    # The stored growth is the growth the answers give, and the department's table shows it.
    kept = sorted(ParticipantGrowth.objects.values_list("before_id", "motivation_before", "professional_after"))
    assert kept and growth.rebuild() == len(kept)
    assert sorted(ParticipantGrowth.objects.values_list("before_id", "motivation_before", "professional_after")) == kept
    department = EducationDepartment.objects.get(code="gen-5-1")
    table = growth_table(Organisation.objects.filter(department=department).values_list("pk", flat=True))
    assert sum(row.participants for row in table) == 3 * len(kept)  # every scale question is answered


def test_the_region_deleted_takes_its_questionnaires():
    generate("--seed", "6")
    assert Response.objects.exists()
    generate("--seed", "6", "--delete")
    assert not Response.objects.exists() and not Answer.objects.exists() and not ParticipantGrowth.objects.exists()
