"""Who reads the indicators and enters the contingent: the registry's access helpers with monitoring's
refusals, and the choice of department and years the pages and the downloads share.

The indicator pages are a department's whole picture: for the users who read the department as a
whole (methodists, heads); a curator enters the school's contingent; the methodist loads everyone's.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet
from django.utils import timezone

from monitoring.forms import TableForm
from monitoring.indicators import default_years
from registry.access import department_wide, get_organisation, managed_departments
from registry.models import EducationDepartment, Organisation, User

DEPARTMENT_ONLY = "Показатели муниципалитета открыты методисту и руководителю органа управления образованием."
CONTINGENT_REFUSED = "Вносить контингент могут куратор организации и методист муниципалитета."
UPLOAD_REFUSED = "Загружать контингент всех организаций может методист муниципалитета."


def indicator_departments(user: User) -> QuerySet[EducationDepartment]:
    """The departments whose indicators the user reads; 403 for a curator."""
    return department_wide(user, DEPARTMENT_ONLY)


def table_choice(user: User, data: Mapping | None) -> tuple[TableForm, EducationDepartment, list[int]]:
    """The department and years asked for (or the defaults: the years its data covers); 403 for a curator."""
    departments = indicator_departments(user)
    form = TableForm(data or None, departments=departments)
    chosen = form.cleaned_data if form.is_valid() else {}
    department = chosen.get("department") or departments[0]
    return form, department, chosen_years(form, [department])


def chosen_years(form: TableForm, departments) -> list[int]:
    """The years the form asks for, or — when it names none or names them wrongly — the years the departments'
    data covers (`default_years`)."""
    chosen = form.cleaned_data if form.is_valid() else {}
    years = default_years(departments)
    first, last = chosen.get("first") or years[0], chosen.get("last") or years[-1]
    if last < first or last - first >= TableForm.MAX_YEARS:
        first, last = years[0], years[-1]
    return list(range(first, last + 1))


def contingent_organisation(user: User, pk: int) -> Organisation:
    """An organisation whose contingent the user enters: 404 outside the scope, 403 read-only."""
    return get_organisation(user, pk, write=CONTINGENT_REFUSED)


def contingent_department(user: User) -> EducationDepartment:
    """The department whose whole contingent the user loads (a methodist); 403 for anyone else."""
    return managed_departments(user, UPLOAD_REFUSED)[0]


def year_of(data: Mapping) -> int:
    """The year asked for, or this year."""
    value = str(data.get("year", ""))
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
