"""The demo contingent: the numbers the shares need, for 2025 and 2026, reported by every demo
organisation but the kindergarten-like last one (so the page shows what missing numbers look like).

Only organisations without a record for the year get one, so running the demo again changes nothing.
"""

from __future__ import annotations

from monitoring.models import Contingent
from registry.models import Organisation

# code: (students total, aged 10–18, teachers, young specialists, young teachers under 35)
NUMBERS = {
    "sosh1": (812, 455, 54, 6, 5),
    "sosh3": (640, 371, 43, 4, 4),
    "gimn2": (930, 560, 61, 7, 6),
    "oosh-lugovoe": (96, 51, 14, 1, 1),
}


def fill(organisations: dict[str, Organisation]) -> int:
    created = 0
    for year, scale in ((2025, 0.97), (2026, 1.0)):
        for code, numbers in NUMBERS.items():
            organisation = organisations.get(code)
            if organisation is None:
                continue
            values = [round(n * scale) if i < 2 else n for i, n in enumerate(numbers)]
            _, made = Contingent.objects.get_or_create(
                organisation=organisation,
                year=year,
                defaults=dict(
                    zip(
                        ("students_total", "students_10_18", "teachers", "young_specialists", "young_teachers"),
                        values,
                        strict=False,
                    )
                ),
            )
            created += made
    return created
