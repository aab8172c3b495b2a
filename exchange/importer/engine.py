"""The import's engine: `_Import` holds the work's state and runs its steps; the steps are in
matching.py (reading rows, people, pairs) and writing.py (saving, checking, the report)."""

from __future__ import annotations

from collections import defaultdict

from exchange.official import FORMS, OfficialForm
from exchange.reading import ReadSheet
from registry.models import MentoringFormat, MentoringPair, Organisation, PairMentee

from .audit import _Audit
from .cells import format_key, format_sides, organisation_key
from .matching import _Matching
from .report import ImportReport, Problem
from .rows import MENTEE_KEY, _Group, _Row, _Who
from .writing import _Writing

PROGRESS_EVERY = 250  # rows between progress calls


class _Import(_Matching, _Writing):
    """One import of a read sheet into the report's organisation: the state all its steps share."""

    def __init__(self, report: ImportReport, sheet: ReadSheet, user, commit: bool, progress) -> None:
        self.report = report
        self.kind = report.kind
        self.form: OfficialForm = FORMS[report.kind]
        self.sheet = sheet
        self.organisation = report.organisation
        self.commit = commit
        self.progress = progress
        # A check is rolled back whatever it finds, and no audit entry can fail it: it writes none.
        self.audit = _Audit(user, enabled=commit)
        self.mentee_key = MENTEE_KEY[report.kind]
        self.rows = [_Row(row.number, row.values) for row in sheet.rows]
        self.total = 2 * len(self.rows)
        self.all_problems: list[Problem] = []
        self._seen: set[tuple] = set()
        # organisation id -> name_key -> people (found, and new ones named earlier in the file)
        self.pools: dict[int, dict[str, list[_Who]]] = defaultdict(lambda: defaultdict(list))
        self.groups: dict[tuple, _Group] = {}
        self.pairs: dict[tuple, MentoringPair] = {}
        self.participations: dict[tuple[int, int], PairMentee] = {}
        # model -> id(obj) -> (snapshot before the first change, obj, changed fields)
        self.changes: dict[type, dict[int, tuple]] = defaultdict(dict)
        # id(obj) -> the (row, column key) whose values change it, for a refusal's message
        self.blame: dict[int, list[tuple[_Row, str]]] = defaultdict(list)
        self.whos: list[_Who] = []
        self.touched: set[int] = {self.organisation.pk}
        self.reported = 0

    # --- problems and progress ---------------------------------------------------------------

    def problem(self, row: _Row | None, key: str | None, message: str) -> None:
        seen = (row.number if row else None, key, message)
        if seen in self._seen:
            return
        self._seen.add(seen)
        if row is not None:
            row.ok = False
        column = self.sheet.columns.get(key) if key else None
        header = self.form.column(key).header if key else None
        self.all_problems.append(Problem(row.number if row else None, column, header, message))

    def tick(self, done: int) -> None:
        if self.progress and done - self.reported >= PROGRESS_EVERY:
            self.reported = done
            self.progress(done, self.total)

    # --- the steps ---------------------------------------------------------------------------

    def run(self) -> None:
        self.load_reference()
        for index, row in enumerate(self.rows, start=1):
            self.parse(row)
            self.tick(index)
        self.load_people()
        for row in self.rows:
            self.resolve(row)
        self.load_pairs()
        for row in self.rows:
            if row.ok:
                self.join_group(row)
        self.fill_pairs()
        self.check_file_clashes()
        self.write()
        self.describe()
        if self.progress:
            self.progress(self.total, self.total)

    def load_reference(self) -> None:
        department_id = self.organisation.department_id
        formats = MentoringFormat.objects.for_department(department_id).order_by("position", "name")
        self.formats = list(formats)
        self.format_by_key: dict[str, MentoringFormat] = {}
        # A department's own item wins over a common one of the same name.
        for item in sorted(self.formats, key=lambda f: f.department_id is not None):
            self.format_by_key[format_key(item.name)] = item
        self.format_sides = {item.pk: format_sides(item.name) for item in self.formats}
        organisations = list(Organisation.objects.filter(department_id=department_id))
        self.organisation_names: list[tuple[str, Organisation]] = sorted(
            {
                (organisation_key(name), organisation)
                for organisation in organisations
                for name in (organisation.short_name, organisation.full_name)
                if organisation_key(name)
            },
            key=lambda item: (-len(item[0]), item[1].pk),
        )
        self._workplaces: dict[str, Organisation | None] = {}
