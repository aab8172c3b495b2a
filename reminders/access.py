"""Who sees whose reminders: a methodist those of the department's curators and methodists (another
department's user does not exist: 404); a curator and a methodist their own; nobody else (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from registry.access import methodist_scope, scope_for
from registry.models import User
from reminders import letters

LIST_REFUSED = "Напоминания кураторов видит и отправляет методист муниципалитета."
OWN_REFUSED = "Напоминания приходят кураторам и методистам."


def reminded_users(user: User) -> tuple[QuerySet[User], frozenset[int]]:
    """The users whose reminders a methodist sees, and the methodist's departments; 403 for anyone else."""
    departments = methodist_scope(user, LIST_REFUSED).methodist_departments
    return letters.reminded_users(departments), departments


def get_reminded_user(user: User, pk: int) -> tuple[User, frozenset[int]]:
    """One of them: 404 outside the methodist's departments."""
    users, departments = reminded_users(user)
    return get_object_or_404(users, pk=pk), departments


def own_reminders(user: User) -> None:
    """A curator or a methodist; 403 for a head (who is not reminded)."""
    scope = scope_for(user)
    if not (scope.is_curator or scope.is_methodist):
        raise PermissionDenied(OWN_REFUSED)
