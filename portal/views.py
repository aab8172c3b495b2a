"""The home page: what is waiting for the user across the registry, the roadmaps and the departments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal import dashboard


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", dashboard.build(request.user, timezone.localdate()))
