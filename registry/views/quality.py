"""The data-quality page («Качество данных»): the checks of registry/quality/, for the user's scope.

The overview shows every check with its count and its first rows; `?section=<slug>` shows one
check in full, page by page; `?organisation=<pk>` narrows both to one organisation of the scope.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from registry import privacy
from registry import quality as checks
from registry.access import chosen_organisation, scope_for
from registry.models import MentoringPair, Organisation, Person

PREVIEW_ROWS = 10  # rows a section shows on the overview (its full list is a link away); at most checks.PREVIEW_ROWS
PAGE_SIZE = 50


@dataclass
class Section:
    check: checks.Check
    count: int
    rows: list
    full_query: str  # the query string of the section's full list
    page: Page | None = None

    @property
    def has_more(self) -> bool:
        return self.count > len(self.rows)


def _people_in(sections: list[Section]):
    """The people a page of checks names: people, pairs' mentors, the people of duplicate groups."""
    for section in sections:
        for row in section.rows:
            if isinstance(row, Person):
                yield row
            elif isinstance(row, MentoringPair):
                yield row.mentor
            elif isinstance(row, checks.DuplicateGroup):
                yield from row.people


@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = scope_for(user)
    organisations = list(
        Organisation.objects.for_user(user).select_related("department").order_by("department__name", "short_name")
    )
    organisation = chosen_organisation(organisations, request.GET.get("organisation", ""))
    base = {"organisation": organisation.pk} if organisation else {}

    organisation_ids = [o.pk for o in organisations]
    slug = request.GET.get("section", "")
    if slug:
        check = checks.CHECKS_BY_SLUG.get(slug)
        if check is None:
            raise Http404("Такого раздела нет.")
        page = checks.section_page(user, organisation_ids, organisation, check, request.GET.get("page"), PAGE_SIZE)
        section = Section(check, page.paginator.count, page.object_list, urlencode({**base, "section": slug}), page)
        sections = [section]
    else:
        section = None
        sections = [
            Section(check, count, rows, urlencode({**base, "section": check.slug}))
            for check, count, rows in checks.overview(user, organisation_ids, organisation, PREVIEW_ROWS)
        ]
    privacy.record_shown(request, _people_in(sections), what="качество данных")
    return render(
        request,
        "registry/quality.html",
        {
            "sections": sections,
            "section": section,
            "organisations": organisations,
            "organisation": organisation,
            "show_filter": len(organisations) > 1,
            "show_department": len({o.department_id for o in organisations}) > 1,
            "overview_query": urlencode(base),
            "scope": scope,
        },
    )


@require_GET
def quality_summary(request: HttpRequest) -> HttpResponse:
    """The counts alone, as a fragment the home page loads after it has shown (htmx)."""
    scope = scope_for(request.user)
    organisation_ids = Organisation.objects.for_user(request.user).values_list("pk", flat=True)
    counts = [] if scope.is_empty else checks.counts(request.user, organisation_ids)
    return render(request, "registry/includes/quality_summary.html", {"quality_counts": counts})
