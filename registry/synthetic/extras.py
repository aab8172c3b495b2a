"""What apps above the registry add to the synthetic region (generate_data): each registers how it fills
the generated departments and how it deletes what it added, so that the registry never imports them.

    register(Extra(name="questionnaires", fill=..., delete=...))   in the app's AppConfig.ready()

`fill(department_ids, today)` runs inside generate_data's transaction after the registry's rows are in and
returns what it made as (label, count) pairs for the command's report; `delete(department_ids)` runs
before the registry's own rows of those departments are deleted (its rows point at them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Extra:
    name: str
    fill: Callable[[list[int], date], list[tuple[str, int]]]
    delete: Callable[[list[int]], None]


_extras: dict[str, Extra] = {}


def register(extra: Extra) -> None:
    _extras[extra.name] = extra


def registered() -> list[Extra]:
    return list(_extras.values())
