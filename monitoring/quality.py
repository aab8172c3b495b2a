"""The data-quality check the monitoring adds to the registry's page: «Участников больше, чем в контингенте».

An organisation whose mentees (mentors, young teachers…) counted for an indicator outnumber the
contingent it reported for that year gives a share over 100 % — the contingent, or the people's
organisation, is wrong. The indicator pages warn beside such a figure; this check lists each such
contingent where the curator who fixes it looks first. The registry keeps the page and the parts per
organisation (registry/quality); it cannot read the contingent or the indicators, so the check is
registered from here when the app is ready (monitoring/apps.py).
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from monitoring.indicators import impossible_cells
from monitoring.models import Contingent
from registry.models import Organisation, User
from registry.quality import Check, register

SLUG = "contingent_exceeded"


def present_contingents(contingents: QuerySet[Contingent]) -> QuerySet[Contingent]:
    return contingents.select_related("organisation").order_by("organisation__short_name", "-year", "pk")


def _exceeded(user: User, organisation_ids: list[int]) -> QuerySet[Contingent]:
    contingents = Contingent.objects.for_user(user).filter(organisation_id__in=organisation_ids)
    found = impossible_cells(organisation_ids)
    if not found:
        return present_contingents(contingents.none())
    rows = reduce(or_, (Q(organisation_id=pk, year=year) for pk, year in found))
    return present_contingents(contingents.filter(rows))


def contingents_exceeded(user: User, organisation: Organisation | None = None) -> QuerySet[Contingent]:
    """The user's organisations' contingents (one organisation's) that fewer people than were counted."""
    organisations = Organisation.objects.for_user(user)
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    return _exceeded(user, list(organisations.values_list("pk", flat=True)))


def contingents_exceeded_of(user: User, organisation_ids: list[int]) -> QuerySet[Contingent]:
    return _exceeded(
        user, list(Organisation.objects.for_user(user).filter(pk__in=organisation_ids).values_list("pk", flat=True))
    )


def with_excesses(user: User, contingents: list[Contingent]) -> list[Contingent]:
    """Each row with `excesses`: the indicators it falls short of, with what was counted."""
    found = impossible_cells({row.organisation_id for row in contingents})
    for row in contingents:
        row.excesses = found.get((row.organisation_id, row.year), [])
    return contingents


CHECK = Check(
    SLUG,
    "Участников больше, чем в контингенте",
    "Организации, в которых по показателю учтено больше людей, чем в сданном ими контингенте за тот же год: "
    "доля выходит больше 100 %. Проверьте контингент или организацию, в базе которой ведутся участники.",
    contingents_exceeded,
    expand=with_excesses,
    model=Contingent,
    present=present_contingents,
    rows_of=contingents_exceeded_of,
    template="monitoring/includes/quality_contingent.html",
)


def register_check() -> None:
    register(CHECK)
