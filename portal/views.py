"""The home page: what is waiting for the user across the registry, the roadmaps and the departments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from portal import dashboard
from region.access import coordinated_regions
from registry.access import scope_for


def home(request: HttpRequest) -> HttpResponse:
    # A regional coordinator holds no role in a department: their home is the region's page.
    if scope_for(request.user).is_empty and coordinated_regions(request.user):
        return redirect("region_overview")
    return render(request, "portal/home.html", dashboard.build(request.user, timezone.localdate()))
