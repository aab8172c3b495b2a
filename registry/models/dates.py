"""Dates the database itself keeps plausible: a pair active since year 1 counted in every year's
indicators. The forms say it in Russian first (common.forms: 2000 up to ten years ahead); the database
refuses anything before 2000 or after 2100, by named constraints `<app>_<model>_<field>_plausible`."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def plausible(model: str, *fields: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (EARLIEST, LATEST)}),
            name=f"registry_{model}_{name}_plausible",
            violation_error_message="Дата вне разумных пределов: не раньше 2000 года и не позже 2100-го.",
        )
        for name in fields
    ]
