"""The synthetic region's pairs and groups: which forms the people of an organisation allow, who mentors
whom (loads spread, nobody their own mentor, at most one active pair of a form), the pairs' dates and
stages, and their meetings. A mixin of `Generator` (registry/synthetic/generator.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from registry.models import (
    Meeting,
    MentoringPair,
    Organisation,
    OrganisationKind,
    PairStage,
    Person,
)
from registry.models.people import ADULT_AGE, STAFF_CATEGORIES
from registry.synthetic.words import (
    CS,
    EM,
    GR,
    MEETING_NOTES,
    RESULTS,
    S,
    T,
    W,
)


class Pairing:
    """Needs the generator's `rng`, `today`, `formats`, `chance`, `pick` and `day_between`."""

    def options(self, kind: str, people: list[Person]) -> list[tuple[float, str, list[int], list[int]]]:
        """(weight, form key, mentor pool, mentee pool) of the forms this organisation can run."""
        this_year = self.year
        students = [i for i, p in enumerate(people) if p.category == S]
        older = [i for i in students if this_year - people[i].birth_year >= 14]
        adults = [i for i in students if this_year - people[i].birth_year >= ADULT_AGE]
        teachers = [i for i, p in enumerate(people) if p.category == T]
        staff = [i for i, p in enumerate(people) if p.category in STAFF_CATEGORIES]
        young = [i for i in staff if people[i].is_young_teacher or people[i].is_young_specialist]
        young_set = set(young)
        experienced = [i for i in staff if i not in young_set] or staff
        staff_mentees = young * 4 + staff  # young teachers first of all, but any colleague may ask
        outsiders = [i for i, p in enumerate(people) if p.category in (CS, GR)]
        employees = [i for i, p in enumerate(people) if p.category == EM]
        deputies = [i for i, p in enumerate(people) if p.category == W]
        if kind == OrganisationKind.KINDERGARTEN:
            wanted = [(85, "tt", experienced, staff_mentees), (15, "ht", deputies, teachers)]
        elif kind == OrganisationKind.COLLEGE:
            wanted = [
                (55, "ss", adults or older, students),
                (20, "es", employees, students),
                (20, "tt", experienced, staff_mentees),
                (5, "ht", deputies, teachers),
            ]
        else:
            wanted = [
                (70, "uu", older or students, students),
                (18, "tt", experienced, staff_mentees),
                (5, "su", outsiders, students),
                (4, "eu", employees, older),
                (3, "ht", deputies, teachers),
            ]
        usable = [w for w in wanted if self.feasible(w[2], w[3])]
        if not usable and len(people) >= 2:
            everyone = list(range(len(people)))  # a tiny base: any form open to any participants
            usable = [(1, "su", everyone, everyone)]
        return usable

    @staticmethod
    def feasible(mentors: list[int], mentees: list[int]) -> bool:
        return bool(mentors and mentees) and (len(set(mentees)) > 1 or any(m != mentees[0] for m in mentors[:2]))

    def pair_dates(self) -> tuple[date, date | None, date | None]:
        span = self.years * 365
        entry = self.today - timedelta(days=7 + int((span - 7) * self.rng.random() ** 3))  # mostly recent
        if self.chance(0.7):  # to the end of the school year, as most programs run
            may = date(entry.year + (1 if entry.month >= 6 else 0), 5, 31)
            planned = may if (may - entry).days >= 60 else date(may.year + 1, 5, 31)
        else:
            planned = entry + timedelta(days=self.rng.choice([60, 90, 180]))
        end = None
        if planned < self.today and self.chance(0.85):
            end = min(self.today, planned + timedelta(days=self.rng.randint(-20, 10)))
        elif planned >= self.today and self.chance(0.05):
            end = self.day_between(entry, self.today)
        if self.chance(0.05):
            planned = None
        return entry, planned, max(end, entry) if end else None

    def pairs_for(self, organisation: Organisation, people: list[Person], count: int, programs: dict) -> list:
        """Plan `count` pairs of the organisation: (pair, mentor index, mentee indices)."""
        rng = self.rng
        options = self.options(organisation.kind, people)
        if not options:
            return [], Counter()
        weights = [o[0] for o in options]
        active_in = set()  # (mentee index, form key) of active pairs: one per form
        load = Counter()
        planned = []
        for _ in range(count):
            _, key, mentor_pool, mentee_pool = rng.choices(options, weights=weights)[0]
            entry, planned_end, end = self.pair_dates()
            size = 1 if self.chance(0.85) else rng.randint(2, 4)
            mentor = self.choose_mentor(mentor_pool, mentee_pool, load)
            mentees = self.choose_mentees(mentor, mentee_pool, size, key, active_in if end is None else None)
            if not mentees:  # nobody free for an active pair of this form: it becomes a completed one
                end = self.day_between(entry, self.today)
                mentees = self.choose_mentees(mentor, mentee_pool, size, key, None)
            if end is None:
                active_in.update((m, key) for m in mentees)
                load[mentor] += len(mentees)
            fmt = self.refs.format[key]
            pair = MentoringPair(
                organisation=organisation,
                format=fmt,
                entry_date=entry,
                planned_end_date=planned_end,
                end_date=end,
                version=1,
                program_id=programs.get(entry.year if entry.month >= 9 else entry.year - 1)
                if self.chance(0.92)
                else None,
                role_model_id=rng.choice(self.refs.role_models[fmt.pk])
                if self.refs.role_models[fmt.pk] and self.chance(0.9)
                else None,
                kind_id=(
                    self.refs.kind_group
                    if len(mentees) > 1
                    else rng.choice(self.refs.kind_other)
                    if self.refs.kind_other and self.chance(0.15)
                    else self.refs.kind_one
                )
                if self.chance(0.95)
                else None,
                stage=self.stage(entry, planned_end, end),
            )
            if self.chance(0.85):
                pair.order_number = rng.choice(
                    [f"{rng.randint(1, 250)}-ОД", f"№ {rng.randint(1, 120)}/01-05", f"{rng.randint(1, 300)}"]
                )
                pair.order_date = entry - timedelta(days=rng.randint(0, 14))
            if end:
                pair.results = self.pick(RESULTS["student" if key in ("uu", "su", "eu", "ss", "es") else "staff"])
                if self.chance(0.3):
                    pair.mentor_feedback_url = (
                        f"https://{organisation.code}.example.ru/nastavnichestvo/{rng.randint(1, 99999)}"
                    )
            planned.append((pair, mentor, mentees, key))
        return planned, load

    def choose_mentor(self, pool: list[int], mentee_pool: list[int], load: Counter) -> int:
        for attempt in range(6):
            mentor = self.rng.choice(pool)
            if (load[mentor] < 3 or attempt == 5) and (len(set(mentee_pool)) > 1 or mentee_pool[0] != mentor):
                return mentor
        return next(m for m in pool if len(set(mentee_pool)) > 1 or m != mentee_pool[0])

    def choose_mentees(self, mentor: int, pool: list[int], size: int, key: str, active_in: set | None) -> list[int]:
        chosen: list[int] = []

        def free(i: int) -> bool:
            return i != mentor and i not in chosen and (active_in is None or (i, key) not in active_in)

        for _ in range(size * 6):
            candidate = self.rng.choice(pool)
            if free(candidate):
                chosen.append(candidate)
                if len(chosen) == size:
                    return chosen
        if not chosen:
            start = self.rng.randrange(len(pool))
            for candidate in pool[start:] + pool[:start]:
                if free(candidate):
                    return [candidate]
        return chosen

    def stage(self, entry: date, planned: date | None, end: date | None) -> str:
        if end:
            return PairStage.RESULT if self.chance(0.9) else PairStage.REFLECTION
        if planned is None or planned < self.today:
            return PairStage.IMPLEMENTATION if self.chance(0.6) else PairStage.REFLECTION
        done = (self.today - entry).days / max(1, (planned - entry).days)
        return (
            PairStage.PREPARATION
            if done < 0.1
            else PairStage.DESIGN
            if done < 0.25
            else PairStage.IMPLEMENTATION
            if done < 0.8
            else PairStage.REFLECTION
        )

    def meetings(self, pair: MentoringPair) -> list[Meeting]:
        if not self.max_meetings or not self.refs.meeting_kinds:
            return []
        last = pair.end_date or self.today
        count = self.rng.randint(0, self.max_meetings)
        kinds = self.refs.meeting_kinds
        days = sorted(self.day_between(pair.entry_date, last) for _ in range(count))
        made = []
        for n, day in enumerate(days):
            final = pair.end_date is not None and n == count - 1
            kind = kinds[-1] if final else kinds[min(n, len(kinds) - 2)]
            made.append(
                Meeting(
                    pair=pair,
                    date=day,
                    kind_id=kind,
                    note=self.rng.choice(MEETING_NOTES),
                    feedback="Наставляемый доволен, цели понятны" if self.chance(0.3) else "",
                )
            )
        return made
