"""The import's last steps (part of `_Import`, engine.py): the rules checked, everything written in
one transaction and rolled back unless saved, and the report's counts and lines."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from common import bulk
from registry import freshness
from registry.models import MentoringPair, PairMentee, PairStage, Person, PersonCategory
from registry.services.errors import integrity_message
from registry.services.pairs import check_pair, participation_facts

from .cells import _contains_words, short_name
from .report import MAX_PROBLEMS, Problem, _plural
from .rows import BATCH, _chunks, _Group, _Member, _Row, _Who


class _Writing:
    """Writing and reporting; mixed into `_Import` (engine.py)."""

    # --- writing -----------------------------------------------------------------------------

    def write(self) -> None:
        with transaction.atomic():
            self.insert_people()
            self.save_changes(Person)
            ended = self.save_changes(MentoringPair)
            # As save_pair keeps the copies in step (participation_facts): a completed pair's
            # participations are no longer active.
            for chunk in _chunks([pair.pk for pair in ended if pair.end_date is not None]):
                PairMentee.objects.filter(pair_id__in=chunk).update(active=False)
            self.check_rules()
            self.insert_pairs()
            self.insert_participations()
            self.save_changes(PairMentee)
            self.audit.flush()
            # A mentor of another organisation: their load is part of that organisation's checks.
            self.touched.update(
                group.mentor.person.organisation_id for group in self.groups.values() if group.usable_members()
            )
            freshness.touch(*self.touched)
            keep = self.commit and not self.all_problems
            if not keep:
                transaction.set_rollback(True)
        self.report.saved = keep

    def guarded(self, objects: list, write: Callable[[list], None], blame: Callable, *, insert: bool) -> list:
        """Write all at once; if the database refuses, write one by one to find the rows it refuses."""
        if not objects:
            return []
        try:
            with transaction.atomic():
                write(objects)
            return objects
        except (IntegrityError, DataError):
            pass
        written = []
        for obj in objects:
            if insert:
                obj.pk = None
                obj._state.adding = True
            try:
                with transaction.atomic():
                    write([obj])
                written.append(obj)
            except IntegrityError as error:
                for row, key in blame(obj):
                    self.problem(row, key, integrity_message(error))
            except DataError:
                for row, key in blame(obj):
                    self.problem(
                        row, key, "Значение не помещается в поле реестра: сократите текст или исправьте число."
                    )
        return written

    def insert_people(self) -> None:
        wanted = [who for who in self.whos if any(row.ok for row, _ in who.refs)]
        by_person = {id(who.person): who for who in wanted}
        people = self.guarded(
            [who.person for who in wanted],
            bulk.insert,
            lambda person: by_person[id(person)].refs,
            insert=True,
        )
        self.audit.created(people)

    def save_changes(self, model) -> list:
        items = list(self.changes[model].values())
        if not items:
            return []
        fields = set().union(*(changed for _, _, changed in items))
        now = timezone.now()
        for _, obj, _ in items:
            if hasattr(obj, "version"):
                obj.version += 1  # as concurrency's save would: an edit form opened before is refused
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
        extra = {name for name in ("version", "updated_at") if hasattr(items[0][1], name)}
        written = self.guarded(
            [obj for _, obj, _ in items],
            lambda objs: model.objects.bulk_update(objs, sorted(fields | extra), batch_size=BATCH),
            lambda obj: self.blame[id(obj)],
            insert=False,
        )
        done = {id(obj) for obj in written}
        for before, obj, changed in items:
            if id(obj) in done:
                self.audit.updated(before, obj, changed)
        return written

    def draft_pair(self, group: _Group) -> MentoringPair:
        if group.pair is None:
            group.pair = bulk.new(
                MentoringPair,
                organisation=self.organisation,
                mentor=group.mentor.person,
                format=group.format,
                entry_date=group.entry_date,
                end_date=group.end_date,
                results=group.results,
                mentor_feedback_url=group.feedback_url,
            )
            if group.end_date:
                group.pair.stage = PairStage.RESULT
        return group.pair

    def check_rules(self) -> None:
        """check_pair over every pair that gains mentees, its messages placed on their rows."""
        done = len(self.rows)
        for group in self.groups.values():
            members = [member for member in group.usable_members() if member.existing is None]
            done += len(group.rows)
            self.tick(done)
            if not members:
                continue
            pair = self.draft_pair(group)
            mentees = [member.who.person for member in members]
            if all(member.who.new for member in members):
                # People new to the registry have no pairs in it to clash with (clashes within the
                # file are check_file_clashes' business): check a completed copy, with no query.
                errors = check_pair(self.completed_copy(pair), mentees)
            else:
                errors = check_pair(pair, mentees)
            if not errors:
                continue
            mentor_errors = self.mentor_errors(pair)
            for error in errors:
                if error in mentor_errors:
                    if group.mentor.external:
                        error += (
                            f" {group.mentor.person.full_name} вносится как внешний участник: место работы "
                            f"«{group.mentor.person.workplace}» — не организация муниципалитета."
                        )
                    for member in members:
                        self.problem(member.row, "mentor", error)
                    continue
                for member in self.members_named(error, members):
                    self.problem(member.row, self.mentee_key, error)

    @staticmethod
    def completed_copy(pair: MentoringPair) -> MentoringPair:
        """The pair as if completed: check_pair looks for clashes with other active pairs only for an
        active pair, so it checks the copy without a query. (A shallow copy: it keeps the pair's
        loaded mentor and form, and costs less than making a pair anew.)"""
        completed = copy.copy(pair)
        completed.end_date = pair.entry_date
        return completed

    def mentor_errors(self, pair: MentoringPair) -> set[str]:
        """The messages of check_pair about the mentor alone."""
        return set(check_pair(self.completed_copy(pair), []))

    @staticmethod
    def members_named(message: str, members: list[_Member]) -> list[_Member]:
        named = [m for m in members if _contains_words(message, m.who.person.full_name)]
        longest = [
            m
            for m in named
            if not any(
                other.who.person.full_name != m.who.person.full_name
                and m.who.person.full_name in other.who.person.full_name
                for other in named
            )
        ]
        return longest or members

    def insert_pairs(self) -> None:
        groups = [g for g in self.groups.values() if g.new and g.usable_members()]
        by_pair = {id(self.draft_pair(group)): group for group in groups}
        pairs = self.guarded(
            [group.pair for group in groups],
            bulk.insert,
            lambda pair: [(member.row, "end_date") for member in by_pair[id(pair)].usable_members()],
            insert=True,
        )
        self.audit.created(pairs)

    def insert_participations(self) -> None:
        rows, by_participation = [], {}
        for group in self.groups.values():
            members = [member for member in group.usable_members() if member.existing is None]
            if not members:
                continue
            facts = participation_facts(group.pair)
            for member in members:
                mentee = member.who.person
                participation = bulk.new(
                    PairMentee,
                    pair=group.pair,
                    mentee=mentee,
                    mentee_organisation_id=mentee.organisation_id,
                    mentee_category=mentee.category,
                    results=member.results,
                    feedback_url=member.feedback_url,
                    completion_mark=member.completion_mark,
                    **facts,
                )
                participation.mentor = group.pair.mentor  # for the audit entry's text, without a query
                by_participation[id(participation)] = member
                rows.append(participation)
        written = self.guarded(
            rows,
            bulk.insert,
            lambda participation: [(by_participation[id(participation)].row, self.mentee_key)],
            insert=True,
        )
        self.audit.created(written)

    # --- the report --------------------------------------------------------------------------

    def describe(self) -> None:
        report = self.report
        for who in {who for row in self.rows if row.ok for who in (row.mentor, *row.mentees) if who}:
            (report.created if who.new else report.matched)["people"] += 1
            if not who.new and id(who.person) in self.changes[Person]:
                report.filled["people"] += 1
        for group in self.groups.values():
            members = group.usable_members()
            if not members:
                continue
            (report.created if group.new else report.matched)["pairs"] += 1
            if not group.new and id(group.pair) in self.changes[MentoringPair]:
                report.filled["pairs"] += 1
            for member in members:
                (report.created if member.existing is None else report.matched)["participations"] += 1
                if member.existing is not None and id(member.existing) in self.changes[PairMentee]:
                    report.filled["participations"] += 1
        report.lines = [(row.number, self.line(row)) for row in self.rows]
        report.problem_count = len(self.all_problems)
        problems = sorted(self.all_problems, key=lambda p: (p.row or 0, len(p.column or ""), p.column or ""))
        report.problems = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            report.problems.append(
                Problem(None, None, None, f"… и ещё {more} {_plural(more, 'ошибка', 'ошибки', 'ошибок')}.")
            )

    def line(self, row: _Row) -> str:
        if not row.ok:
            return "Не загружается: исправьте ошибки этой строки."
        group = row.group
        count = len(group.usable_members())
        new_members = [member for member in row.members if member.existing is None]
        if group.new:
            head = (
                "Новая пара"
                if count == 1
                else (f"Новая группа ({count} {_plural(count, 'наставляемый', 'наставляемых', 'наставляемых')})")
            )
        elif not new_members:
            head = "Уже в реестре"
        else:
            head = (
                "Пара уже в реестре, добавлен наставляемый"
                if len(new_members) == 1
                else ("Пара уже в реестре, добавлены наставляемые")
            )
        mentees = ", ".join(short_name(member.who.person) for member in row.members)
        text = (
            f"{head}: {short_name(group.mentor.person)} — {mentees}, «{group.format.name}», "
            f"с {group.entry_date:%d.%m.%Y}"
        )
        end = self.end_of(group)
        if end:
            text += f", завершена {end:%d.%m.%Y}"
        parts = [text]
        introduced = [who for who in (row.mentor, *row.mentees) if who and who.new and who.introduced is row]
        if introduced:
            parts.append("новые участники: " + ", ".join(self.person_label(who) for who in introduced))
        if row.filled:
            parts.append("дополнено: " + ", ".join(dict.fromkeys(row.filled)))
        if row.kept:
            parts.append("в реестре другое значение, оставлено: " + ", ".join(dict.fromkeys(row.kept)))
        parts.extend(row.notes)
        return "; ".join(parts)

    @staticmethod
    def person_label(who: _Who) -> str:
        person = who.person
        label = f"{short_name(person)} ({PersonCategory(person.category).label.lower()}"
        if person.workplace:
            label += f", место работы: {person.workplace}"
        return label + ")"
