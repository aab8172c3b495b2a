"""The data-quality check the events add to the registry's page: «Наставники без обучения» — a mentor in an
active pair who took part in no training event (courses, seminars, «Школа молодого педагога» …) in the last
three years. The registry keeps the page and the parts per organisation (registry/quality); it cannot read the
events, so the check is registered from here when the app is ready (events/apps.py). Its parts are renewed by
the organisation's people, pairs and training (registry/freshness.py TRAINING: a participation saved or
deleted, an event's dates or kind changed)."""

from __future__ import annotations

from events.training import TRAINING_YEARS, mentors_without_training, mentors_without_training_of, present_mentors
from registry.models import Person
from registry.quality import Check, register

SLUG = "mentor_training"

CHECK = Check(
    SLUG,
    "Наставники без обучения",
    f"Наставники действующих пар, которые за последние {TRAINING_YEARS} года не участвовали ни в одном "
    "мероприятии-обучении (курсы повышения квалификации, семинары, школа молодого педагога …). Внесите их "
    "участие в разделе «Мероприятия».",
    mentors_without_training,
    model=Person,
    present=present_mentors,
    rows_of=mentors_without_training_of,
    template="events/includes/quality_training.html",
)


def register_check() -> None:
    register(CHECK)
