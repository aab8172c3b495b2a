"""The live checklist: each requirement of a collection, met or not, for each organisation.

Nothing here is stored: every page reads the registry as it is now. The data-quality figures come from
the registry's per-organisation parts (registry/quality, `problems_by_organisation`), so a matrix of a
whole department costs only the organisations whose data changed since it was last read.

    CONTINGENT       the contingent of each year of the collection entered (a number at least)
    QUALITY          no open problem of the checks kept per organisation (the questionnaires' own checks
                     aside), or, in the confirmation, a comment explaining each check that has problems
    BASES_CONFIRMED  met by the curator's tick «базы актуальны» given with the confirmation itself
    QUESTIONNAIRES   no «Нет входной анкеты» / «Нет итоговой анкеты» problems (influence/quality.py) among
                     the pairs of the collection's years: an active pair that entered the program by the end
                     of the last year lacks its «before» questionnaires, a pair completed within the years
                     its «after» ones (a collection of the past does not ask for this year's pairs, nor
                     one of this year for the pairs completed long ago)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from influence.models import Purpose
from influence.quality import NO_AFTER, NO_BEFORE, SETTLING_DAYS, lacking
from monitoring.models import Contingent
from registry.models import MentoringPair, User
from registry.quality import CHECKS_BY_SLUG, per_organisation, problems_by_organisation
from reporting.models import Collection, Confirmation, Requirement

QUESTIONNAIRE_CHECKS = (NO_BEFORE.slug, NO_AFTER.slug)
CONTINGENT_NUMBERS = ("students_total", "students_10_18", "teachers", "young_specialists", "young_teachers")


@dataclass
class Problem:
    slug: str
    title: str
    count: int
    comment: str = ""


@dataclass
class Status:
    requirement: Requirement
    met: bool
    detail: str = ""
    # Met by the confirmation itself (the tick «базы актуальны»): never holds a confirmation back.
    at_confirmation: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.requirement.label


@dataclass
class OrganisationChecklist:
    organisation_id: int
    statuses: list[Status]
    confirmation: Confirmation | None

    @property
    def ready(self) -> bool:
        """Every requirement holds (or is met by the confirmation itself): the curator may confirm."""
        return all(status.met or status.at_confirmation for status in self.statuses)

    @property
    def unmet(self) -> list[Status]:
        return [status for status in self.statuses if not (status.met or status.at_confirmation)]

    def quality_problems(self) -> list[Problem]:
        return next((s.problems for s in self.statuses if s.requirement == Requirement.QUALITY), [])


def _contingent_years(collection: Collection, organisation_ids: list[int]) -> dict[int, set[int]]:
    """organisation -> the years of the collection whose contingent it entered (a number at least)."""
    entered = Q()
    for name in CONTINGENT_NUMBERS:
        entered |= Q(**{f"{name}__isnull": False})
    rows = (
        Contingent.objects.filter(organisation_id__in=organisation_ids, year__in=collection.years)
        .filter(entered)
        .values_list("organisation_id", "year")
    )
    found: dict[int, set[int]] = {}
    for organisation_id, year in rows:
        found.setdefault(organisation_id, set()).add(year)
    return found


def _questionnaires_missing(
    user: User, collection: Collection, organisation_ids: list[int]
) -> dict[int, dict[str, int]]:
    """organisation -> check slug -> its pairs of the collection's years without a questionnaire: the
    questionnaires' own checks (influence/quality.py), narrowed to the years."""
    start, end = date(collection.first_year, 1, 1), date(collection.last_year, 12, 31)
    settled = timezone.localdate() - timedelta(days=SETTLING_DAYS)
    pairs = MentoringPair.objects.for_user(user).filter(organisation_id__in=organisation_ids)
    missing = {
        NO_BEFORE.slug: pairs.active().filter(entry_date__lte=min(end, settled)).filter(lacking(Purpose.BEFORE)),
        NO_AFTER.slug: pairs.completed().filter(end_date__gte=start, end_date__lte=end).filter(lacking(Purpose.AFTER)),
    }
    found: dict[int, dict[str, int]] = {}
    for slug, queryset in missing.items():
        rows = queryset.order_by().values_list("organisation_id").annotate(total=Count("pk"))
        for organisation_id, total in rows:
            found.setdefault(organisation_id, {})[slug] = total
    return found


def checklists(
    user: User, collection: Collection, organisation_ids: Iterable[int], *, comments: dict[int, dict] | None = None
) -> dict[int, OrganisationChecklist]:
    """Each organisation's checklist now. `comments` (organisation -> {check slug: text}) stands in for
    the confirmation's comments when the curator is about to confirm."""
    organisation_ids = list(organisation_ids)
    requirements = collection.requirement_list
    confirmations = {
        c.organisation_id: c
        for c in collection.confirmations.filter(organisation_id__in=organisation_ids).select_related("confirmed_by")
    }
    problems = problems_by_organisation(user, organisation_ids) if Requirement.QUALITY in requirements else {}
    questionnaires = (
        _questionnaires_missing(user, collection, organisation_ids)
        if Requirement.QUESTIONNAIRES in requirements
        else {}
    )
    contingents = _contingent_years(collection, organisation_ids) if Requirement.CONTINGENT in requirements else {}
    quality_slugs = [c.slug for c in per_organisation() if c.slug not in QUESTIONNAIRE_CHECKS]
    result = {}
    for pk in organisation_ids:
        confirmation = confirmations.get(pk)
        given = (comments or {}).get(pk)
        if given is None:
            given = confirmation.comments if confirmation else {}
        counts = problems.get(pk, {})
        statuses = []
        for requirement in requirements:
            if requirement == Requirement.CONTINGENT:
                missing = [year for year in collection.years if year not in contingents.get(pk, set())]
                detail = "нет контингента за " + ", ".join(map(str, missing)) if missing else "внесён"
                statuses.append(Status(requirement, not missing, detail))
            elif requirement == Requirement.QUALITY:
                found = [
                    Problem(slug, CHECKS_BY_SLUG[slug].title, counts[slug], str(given.get(slug, "")).strip())
                    for slug in quality_slugs
                    if counts.get(slug)
                ]
                unexplained = [p for p in found if not p.comment]
                if not found:
                    detail = "проблем нет"
                elif unexplained:
                    detail = "; ".join(f"{p.title}: {p.count}" for p in unexplained)
                else:
                    detail = "каждая проблема объяснена"
                statuses.append(Status(requirement, not unexplained, detail, problems=found))
            elif requirement == Requirement.BASES_CONFIRMED:
                if confirmation:
                    statuses.append(Status(requirement, True, "отмечено при подтверждении"))
                else:
                    statuses.append(Status(requirement, False, "отмечается при подтверждении", at_confirmation=True))
            elif requirement == Requirement.QUESTIONNAIRES:
                lacking = questionnaires.get(pk, {})
                found = [
                    Problem(slug, CHECKS_BY_SLUG[slug].title, lacking[slug])
                    for slug in QUESTIONNAIRE_CHECKS
                    if lacking.get(slug)
                ]
                detail = "; ".join(f"{p.title}: {p.count}" for p in found) or "все анкеты внесены"
                statuses.append(Status(requirement, not found, detail, problems=found))
        result[pk] = OrganisationChecklist(pk, statuses, confirmation)
    return result
