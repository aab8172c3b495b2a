"""The demo's reporting collections: the autumn monitoring, closed, with its snapshot taken (here, at once:
the demo has no worker to wait for), and the spring one still open, two schools already confirmed.

The snapshot is taken by the same code the background job runs (reporting/snapshots.py `take`), so its
figures and files are what a closed collection shows. Each collection is made once (by its title): running
the demo again changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from registry.models import EducationDepartment, Organisation, User
from reporting import services, snapshots
from reporting.models import Collection, CollectionState, Confirmation, Requirement, Snapshot

AUTUMN = "Мониторинг ЦМН, октябрь 2026"
SPRING = "Мониторинг ЦМН, май 2027"
# (organisation, its curator, confirmed at)
AUTUMN_CONFIRMED = [
    ("sosh1", "kurator.sosh1", datetime(2026, 10, 14, 15, 20)),
    ("sosh3", "kurator.sosh3", datetime(2026, 10, 16, 10, 5)),
    ("gimn2", "kurator.gimn2", datetime(2026, 10, 19, 17, 40)),
]
SPRING_CONFIRMED = [("sosh1", "kurator.sosh1"), ("gimn2", "kurator.gimn2")]


def _users() -> dict[str, User]:
    return {user.username: user for user in User.objects.filter(username__startswith="kurator.")}


def _autumn(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User) -> None:
    collection = Collection.objects.create(
        department=department,
        title=AUTUMN,
        deadline=date(2026, 10, 20),
        first_year=2025,
        last_year=2026,
        requirements=[Requirement.CONTINGENT, Requirement.BASES_CONFIRMED],
        created_by=methodist,
        state=CollectionState.CLOSED,
        closed_at=timezone.make_aware(datetime(2026, 10, 21, 9, 30)),
        closed_by=methodist,
    )
    curators = _users()
    for code, username, when in AUTUMN_CONFIRMED:
        Confirmation.objects.create(
            collection=collection,
            organisation=organisations[code],
            confirmed_by=curators.get(username),
            confirmed_at=timezone.make_aware(when),
        )
    snapshot = Snapshot.objects.create(collection=collection, department=department)
    snapshots.take(snapshot, methodist)


def _spring(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User) -> None:
    collection = Collection.objects.create(
        department=department,
        title=SPRING,
        deadline=date(2027, 5, 20),
        first_year=2026,
        last_year=2026,
        requirements=[Requirement.CONTINGENT, Requirement.BASES_CONFIRMED],
        remind_every_days=7,
        created_by=methodist,
    )
    curators = _users()
    for code, username in SPRING_CONFIRMED:
        curator = curators.get(username)
        if curator is None:
            continue
        try:  # as the curator presses «Подтверждаю данные организации»: the requirements checked
            services.confirm(curator, collection, organisations[code], comments={}, bases_ticked=True)
        except services.Refused:
            continue


@transaction.atomic
def fill(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None) -> int:
    """The demo's collections; how many were made."""
    if methodist is None:
        return 0
    made = 0
    existing = set(Collection.objects.filter(department=department).values_list("title", flat=True))
    if AUTUMN not in existing:
        _autumn(department, organisations, methodist)
        made += 1
    if SPRING not in existing:
        _spring(department, organisations, methodist)
        made += 1
    return made
