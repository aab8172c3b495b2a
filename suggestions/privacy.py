"""What suggestions keep about a person (152-ФЗ): the lemmas of their texts, and proposal lines naming them.

- The subject's extract lists the proposal lines that named the person (as a mentee or as a mentor).
- Erasing the person's data (registry/privacy.py `erase`) deletes their stored lemmas (read from the texts the
  erasure wipes), the undecided lines naming them, and the reasons (the matched words) of decided ones.

Registered with the registry (`register_held`) by the app (suggestions/apps.py).
"""

from __future__ import annotations

from django.db.models import Q

from registry.models import Person
from registry.privacy import HeldElsewhere, register_held
from suggestions.models import Decision, PersonLemmas, ProposalLine


def _naming(person: Person):
    return ProposalLine.objects.filter(Q(mentee=person) | Q(mentor=person))


def rows(person: Person) -> list[list]:
    lines = _naming(person).select_related("proposal__format").order_by("proposal__created_at", "pk")
    return [
        [
            f"{line.proposal.created_at:%d.%m.%Y}, «{line.proposal.format}»",
            "наставляемый" if line.mentee_id == person.pk else "наставник",
            line.get_decision_display(),
            "; ".join(line.reasons),
        ]
        for line in lines
    ]


def erase(person: Person) -> int:
    """The lemmas, the undecided lines and the decided lines' reasons; how many records went."""
    lemmas, _ = PersonLemmas.objects.filter(person=person).delete()
    pending, _ = _naming(person).filter(decision=Decision.PENDING).delete()
    redacted = _naming(person).exclude(reasons=[]).update(reasons=[])
    return lemmas + pending + redacted


def register() -> None:
    register_held(
        HeldElsewhere(
            key="suggestions",
            sheet="Подбор наставников",
            headers=("Предложение пар", "Роль", "Решение", "Почему"),
            widths=(36, 16, 14, 60),
            rows=rows,
            erase=erase,
        )
    )
