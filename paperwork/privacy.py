"""A signed order's scan names every participant of the pairs it fixed (152-ФЗ): it is kept only while it
has a right to be.

- Erasing a person's data (registry/privacy.py `erase`) destroys the scans of the orders that fixed a pair
  of theirs — a picture of a signed page cannot be redacted as a text is. The order's number and date stay
  (on the order and on its pairs: they name no one), and the school keeps its paper original.
- An order none of whose pairs is left (deleted by the administrator, say) keeps no scan: housekeeping
  (portal/housekeeping.py) takes it off, and sweeps the scan files no order points to.
- The subject's extract lists the orders that named the person, and whether their scan is still kept.

Registered with the registry (`register_held`) by the app (paperwork/apps.py).
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet

from paperwork.models import SignedOrder
from registry.models import Person
from registry.privacy import HeldElsewhere, register_held


def orders_naming(person: Person) -> QuerySet[SignedOrder]:
    """The signed orders that fixed a pair of the person, as its mentor or as a mentee."""
    pairs = Q(pairs__mentor=person) | Q(pairs__participations__mentee=person)
    return SignedOrder.objects.filter(pk__in=SignedOrder.objects.filter(pairs).values("pk"))


def rows(person: Person) -> list[list]:
    orders = orders_naming(person).select_related("organisation").order_by("date", "pk")
    return [
        [str(order), order.organisation.short_name, "хранится" if order.scan else "не хранится"] for order in orders
    ]


def drop_scans(orders: QuerySet[SignedOrder]) -> list[str]:
    """Take the scans off the orders; their files are deleted once the transaction commits (a file left by
    a failure there is no row's any more: housekeeping sweeps it). The files' names."""
    chosen = orders.exclude(scan="")
    names = list(chosen.values_list("scan", flat=True))
    if names:
        SignedOrder.objects.filter(pk__in=chosen.values("pk")).update(scan="")
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return names


def erase(person: Person) -> int:
    """The scans that named the person; how many went."""
    return len(drop_scans(orders_naming(person)))


def orders_without_pairs() -> QuerySet[SignedOrder]:
    return SignedOrder.objects.filter(pairs__isnull=True)


def register() -> None:
    register_held(
        HeldElsewhere(
            key="signed_order_scans",
            sheet="Приказы о закреплении",
            headers=("Приказ", "Организация", "Скан подписанного приказа"),
            widths=(40, 40, 28),
            rows=rows,
            erase=erase,
        )
    )
