"""Who reaches suggestions and proposals (the registry's scope applied to this app's rows).

- suggestions for a mentee: whoever reads the mentee (`registry.access.get_person`);
- a proposal of a school: read as the school's rows, decided by who edits the school (its curator, the
  methodists); a department's proposal: read by the department-wide, decided by its methodists;
- the weights: read by anyone of the department, changed by its methodist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from registry.models import EducationDepartment, User
from registry.scope import scope_for
from suggestions.models import Proposal

DECIDE_REFUSED = "Принимать и отклонять предложения может куратор организации или методист муниципалитета."


def get_proposal(user: User, pk: int, *, write: bool = False) -> Proposal:
    """The proposal: 404 outside the reach, 403 for a decision by a read-only user."""
    queryset = Proposal.objects.for_user(user).select_related("organisation", "department", "format", "job")
    proposal = get_object_or_404(queryset, pk=pk)
    if write and not may_decide(user, proposal):
        raise PermissionDenied(DECIDE_REFUSED)
    return proposal


def may_decide(user: User, proposal: Proposal) -> bool:
    scope = scope_for(user)
    if proposal.organisation is None:
        return scope.manages_department(proposal.department_id)
    return scope.edits_organisation(proposal.organisation)


def own_department(user: User, refusal: str) -> EducationDepartment:
    """The department whose suggestions the user works with (the first of their roles); 403 without one."""
    scope = scope_for(user)
    departments = sorted(scope.department_wide | scope.curator_departments)
    if not departments:
        raise PermissionDenied(refusal)
    return EducationDepartment.objects.get(pk=departments[0])


def edits_weights(user: User, department: EducationDepartment) -> bool:
    return scope_for(user).manages_department(department.pk)
