"""The demo's documents: the signed order of СОШ № 1 that fixed the pair formed in October, entered by its
curator as the order page does it (the number and date written onto the pair: its «pairs without an order»
problem clears). The other pair of the school without an order stays so, for the data-quality page.

The order is made once: running the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date

from paperwork import services
from paperwork.models import SignedOrder
from registry.models import MentoringPair, Organisation, User

NUMBER = "134-од"
DAY = date(2026, 10, 7)
CURATOR = "kurator.sosh1"


def fill(organisations: dict[str, Organisation]) -> int:
    """The signed order of the demo school; how many orders were made (0 or 1)."""
    school = organisations.get("sosh1")
    curator = User.objects.filter(username=CURATOR).first()
    if school is None or curator is None or SignedOrder.objects.filter(organisation=school, number=NUMBER).exists():
        return 0
    pairs = list(
        MentoringPair.objects.filter(organisation=school, entry_date__lte=DAY, order_number="", end_date__isnull=True)
        .filter(entry_date__gte=date(2026, 9, 1))
        .order_by("pk")
    )
    if not pairs:
        return 0
    services.record_order(organisation=school, pairs=pairs, number=NUMBER, day=DAY, user=curator)
    return 1
