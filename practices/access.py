"""Who sees and does what in the bank of practices: the registry's scope with this app's refusals.

- a curator reads the own school's practices, creates them, edits a draft and submits it;
- a methodist reads the department's, edits any not published, returns one «на доработку», approves,
  publishes and unpublishes;
- a head reads the department's and changes nothing;
- another department's user (and the regional coordinator) finds nothing: 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from practices.models import Practice, PracticeFile, PracticeState
from registry.access import scope_for
from registry.models import Organisation, User

CREATE_REFUSED = "Практику добавляет куратор образовательной организации или методист муниципалитета."
EDIT_REFUSED = "Изменять практику может куратор её организации, пока это черновик, или методист муниципалитета."
REVIEW_REFUSED = "Одобряет, возвращает на доработку и публикует практики методист муниципалитета."
PUBLISHED_REFUSED = "Опубликованную практику изменить нельзя: методист сначала снимает её с публикации."


def practices(user: User) -> QuerySet[Practice]:
    return Practice.objects.for_user(user).select_related("organisation", "format", "role_model", "program")


def creatable_organisations(user: User) -> QuerySet[Organisation]:
    """Where the user may add a practice; 403 for anyone who enters no data."""
    scope = scope_for(user)
    if not scope.writes_anywhere:
        raise PermissionDenied(CREATE_REFUSED)
    return scope.editable_organisations(Organisation.objects.all()).order_by("short_name")


def reviews(user: User, practice: Practice) -> bool:
    """The methodists of the practice's department approve, return, publish."""
    return scope_for(user).manages_department(practice.department_id)


def edits(user: User, practice: Practice) -> bool:
    """The text, files and pairs: its school's curator while a draft; a methodist until published."""
    if practice.state == PracticeState.PUBLISHED:
        return False
    if reviews(user, practice):
        return True
    return practice.state == PracticeState.DRAFT and practice.organisation_id in scope_for(user).curator_organisations


def submits(user: User, practice: Practice) -> bool:
    return practice.state == PracticeState.DRAFT and scope_for(user).edits_organisation(practice.organisation)


def get_practice(user: User, pk: int, *, edit: bool = False, review: bool = False, submit: bool = False) -> Practice:
    """The practice, or 404 outside the user's reach; 403 when asked to change what the user may not."""
    practice = get_object_or_404(practices(user), pk=pk)
    if review and not reviews(user, practice):
        raise PermissionDenied(REVIEW_REFUSED)
    if edit and not edits(user, practice):
        raise PermissionDenied(PUBLISHED_REFUSED if practice.is_published and reviews(user, practice) else EDIT_REFUSED)
    if submit and not scope_for(user).edits_organisation(practice.organisation):
        raise PermissionDenied(EDIT_REFUSED)
    return practice


def get_practice_file(user: User, pk: int, *, edit: bool = False) -> PracticeFile:
    """A file of a practice the user reads (404 otherwise); `edit`: of one the user edits (403)."""
    queryset = PracticeFile.objects.filter(practice__in=Practice.objects.for_user(user)).select_related("practice")
    practice_file = get_object_or_404(queryset, pk=pk)
    if edit and not edits(user, practice_file.practice):
        raise PermissionDenied(EDIT_REFUSED)
    return practice_file


def review_queue(user: User) -> QuerySet[Practice]:
    """The submitted practices of the departments the user manages; 403 for anyone but a methodist."""
    scope = scope_for(user)
    if not scope.is_methodist:
        raise PermissionDenied(REVIEW_REFUSED)
    return practices(user).filter(department_id__in=scope.methodist_departments, state=PracticeState.SUBMITTED)
