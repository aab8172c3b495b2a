"""What the home page shows a user: each department they read as a whole (its organisations by kind,
those without a curator), the organisations they curate, the registry's counts and the roadmap's
agenda counts. A fixed number of queries whatever the size of the department."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from registry.access import scope_for
from registry.models import EducationDepartment, MentoringPair, Organisation, OrganisationKind, Person, Role, User
from roadmap import agenda


def department_cards(user: User) -> list[dict]:
    scope = scope_for(user)
    departments = (
        EducationDepartment.objects.filter(pk__in=scope.department_wide)
        .annotate(
            organisation_count=Count("organisations", distinct=True),
            curator_count=Count("memberships__user", filter=Q(memberships__role=Role.CURATOR), distinct=True),
        )
        .order_by("name")
    )
    in_reach = Organisation.objects.filter(department_id__in=scope.department_wide)
    kind_counts = {
        (row["department_id"], row["kind"]): row["n"]
        for row in in_reach.values("department_id", "kind").annotate(n=Count("pk"))
    }
    without_curator = {
        row["department_id"]: row["n"]
        for row in in_reach.exclude(memberships__role=Role.CURATOR).values("department_id").annotate(n=Count("pk"))
    }
    return [
        {
            "department": department,
            "is_methodist": scope.manages_department(department.pk),
            "kinds": [
                (label, kind_counts.get((department.pk, value), 0))
                for value, label in OrganisationKind.choices
                if kind_counts.get((department.pk, value))
            ],
            "without_curator": without_curator.get(department.pk, 0),
        }
        for department in departments
    ]


def registry_counts(user: User) -> dict[str, int]:
    """People and pairs the user sees: one query each."""
    people = Person.objects.for_user(user).current()
    pairs = MentoringPair.objects.for_user(user)
    return {
        "people": people.count(),
        "active_pairs": pairs.active().count(),
        "minors_without_consent": people.minors().without_consent().count(),
    }


def build(user: User, today: date) -> dict:
    """The home page's context."""
    scope = scope_for(user)
    return {
        "department_cards": department_cards(user),
        "curated": Organisation.objects.filter(pk__in=scope.curator_organisations)
        .select_related("department")
        .prefetch_related("memberships__user"),
        "scope": scope,
        "registry": registry_counts(user),
        "roadmap": agenda.counts(user, today),
    }
