"""Fixtures of the hostile-input stories (tests/security/hostile/__init__.py tells the whole story)."""

from __future__ import annotations

import pytest

from tests.security.hostile.seeding import (
    PAYLOADS,
    Hostile,
    seed,
)


@pytest.fixture(params=["markup", "stress"])
def hostile(request, world) -> Hostile:
    return seed(world, PAYLOADS[request.param])


@pytest.fixture(params=["markup", "formula", "stress"])
def hostile_any(request, world) -> Hostile:
    return seed(world, PAYLOADS[request.param])
