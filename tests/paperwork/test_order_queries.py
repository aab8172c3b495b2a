"""The order on pairs costs the same few queries whatever the number of its pairs (issue 20: an order of 200
pairs ≤ 2 s; `manage.py bench --paperwork` times it on the benchmark database)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paperwork import documents
from paperwork.exports import PairOrderExporter
from registry.access import scope_for
from tests import factories

pytestmark = pytest.mark.django_db

# The organisation, the pairs, their mentees (prefetched), the curator, the department's own template (the
# user's roles are read once per request, before).
ORDER_QUERIES = 5


def add_pairs(school, count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        mentor = factories.teacher(school, last_name=f"Наставникова{number}", first_name="Ольга", patronymic="Ивановна")
        mentees = [
            factories.teacher(school, last_name=f"Молодова{number}", first_name="Елена", position="учитель истории"),
        ]
        factories.pair(mentor, mentees, format_name="учитель – учитель", entry_date=date(2026, 9, 1))


def order_queries(world) -> tuple[int, int]:
    scope_for(world.curator_a1)  # the user's roles: read once per request and kept on the user
    with CaptureQueriesContext(connection) as captured:
        exporter = PairOrderExporter(world.curator_a1, {"pk": world.school_a1.pk, "pairs": []}, today=date(2026, 9, 1))
        docx = exporter.docx
    pdf_text = documents.docx_to_html(docx, exporter.verbose_name)
    assert pdf_text.count("<tr>") == exporter.count() + 1  # the headers and a row per pair
    return len(captured), exporter.count()


def test_the_order_costs_the_same_queries_for_2_and_for_12_pairs(world):
    add_pairs(world.school_a1, 2)
    few, pairs = order_queries(world)
    assert pairs == 2
    add_pairs(world.school_a1, 10, start=2)
    many, pairs = order_queries(world)
    assert pairs == 12
    assert few == many == ORDER_QUERIES
