"""No view reads another tenant's rows: every URL of the matrix, watched row by row.

Other schools and another department are filled with data of every kind. Then each URL of the
permission matrix is requested as a curator, a methodist of the same department and a methodist of
the other department, while every model instance Django builds from a database row is checked
against the user's scope (`post_init`). A view that loads a foreign row — even one it then refuses
with 403/404, or one it only uses to compute a number — fails here with the URL, model and row.
Views that go through the access layer (registry/access.py and the `for_user` querysets) never do.

The regional coordinator holds no role in a department: of a tenant's rows they may read only the
departments of their region and those departments' organisations (the names the aggregates are shown
under) — never a person, a pair, a consent, a roadmap or a log row, of any department.
"""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.db.models.signals import post_init
from django.urls import reverse

from events.models import Event, EventDocument, EventKind, EventParticipant
from jobs.models import Job, JobKind, JobStatus
from monitoring.models import Contingent
from practices.models import Practice, PracticeFile, PracticePair, PracticeStep
from registry.access import Scope, scope_for
from registry.models import (
    AccessKind,
    Consent,
    EducationDepartment,
    Meeting,
    MeetingKind,
    Membership,
    MentoringFormat,
    MentoringPair,
    MentoringProgram,
    Organisation,
    PairMentee,
    Person,
    PersonalDataAccess,
    RoleModel,
)
from roadmap.models import Occurrence, ResponsibleKind, Roadmap, RoadmapItem, Section
from suggestions.models import PersonLemmas, Proposal, ProposalLine, Weights
from tests import factories
from tests.conftest import client_for
from tests.roadmap.conftest import make_roadmap
from tests.test_permissions import MATRIX, _roadmap

WATCHED_PERSONAS = ["curator_a1", "methodist_a", "methodist_b", "coordinator"]


def tenant(instance) -> tuple[int, int | None] | None:
    """(department, organisation or None for a department's own row), or None: not a tenant's row."""
    model = type(instance)
    if model is EducationDepartment:
        return instance.pk, None
    if model is Organisation:
        return instance.department_id, instance.pk
    if model in (Person, MentoringProgram, MentoringPair, Contingent):
        return ORGANISATIONS[instance.organisation_id], instance.organisation_id
    if model is Consent:
        return tenant_of_row(Person, instance.person_id)
    if model in (PairMentee, Meeting):
        return tenant_of_row(MentoringPair, instance.pair_id)
    if model in (Membership, PersonalDataAccess, Roadmap):
        return instance.department_id, instance.organisation_id
    if model in (Section, RoadmapItem):
        return tenant_of_row(Roadmap, instance.roadmap_id)
    if model is Occurrence:
        department, organisation = tenant_of_row(RoadmapItem, instance.item_id)
        return department, instance.organisation_id or organisation
    if model in (MentoringFormat, RoleModel, MeetingKind, EventKind):
        return (instance.department_id, None) if instance.department_id else None
    if model is Event:
        return instance.department_id, instance.organisation_id
    if model is EventDocument:
        return ROWS.get((Event, instance.event_id))
    if model is EventParticipant:
        return ORGANISATIONS[instance.organisation_id], instance.organisation_id
    if model in (Proposal, Weights):
        return instance.department_id, getattr(instance, "organisation_id", None)
    if model is ProposalLine:
        return ORGANISATIONS[instance.organisation_id], instance.organisation_id
    if model is PersonLemmas:
        return tenant_of_row(Person, instance.person_id)
    if model is Practice:
        return instance.department_id, instance.organisation_id
    if model in (PracticeFile, PracticePair, PracticeStep):
        return ROWS.get((Practice, instance.practice_id))
    return None


ORGANISATIONS: dict[int, int] = {}
ROWS: dict[tuple[type, int], tuple[int, int | None]] = {}


def tenant_of_row(model, pk):
    return ROWS[(model, pk)]


def remember_every_row():
    """The tenant of every row, read before the request (so the check itself makes no query)."""
    ORGANISATIONS.clear()
    ROWS.clear()
    ORGANISATIONS.update(Organisation.objects.values_list("pk", "department_id"))
    for model in (Person, MentoringPair, Roadmap, RoadmapItem, Event, Practice):
        for instance in model.objects.all():
            ROWS[(model, instance.pk)] = tenant(instance)


def visible(scope: Scope, row: tuple[int, int | None], model=None, region_departments=frozenset()) -> bool:
    department, organisation = row
    if model in (EducationDepartment, Organisation) and department in region_departments:
        return True  # a coordinator's region: the names the aggregates stand under
    return (
        department in scope.department_wide
        or organisation in scope.curator_organisations
        or (organisation is None and department in scope.curator_departments)
    )


def fill(organisation, tag):
    """One of everything in an organisation, with the tag in its texts."""
    mentor = factories.teacher(organisation, last_name=f"Наставник{tag}")
    mentee = factories.student(organisation, last_name=f"Наставляемый{tag}", birth_year=2012)
    factories.ConsentFactory(person=mentee)
    factories.ProgramFactory(organisation=organisation)
    pair = factories.pair(mentor, [mentee], format_name="студент – ученик")
    Meeting.objects.create(
        pair=pair, kind=MeetingKind.objects.filter(department__isnull=True).first(), date=date(2025, 10, 1)
    )
    Contingent.objects.create(organisation=organisation, year=2025, students_total=500, students_10_18=300)
    event = Event.objects.create(
        department=organisation.department,
        kind=EventKind.objects.get(department=None, name="Конкурс"),
        title=f"Конкурс {tag}",
        level="school",
        organisation=organisation,
        start_date=date(2025, 10, 1),
        end_date=date(2025, 10, 1),
    )
    EventDocument.objects.create(event=event, file="events/d.pdf", original_name=f"документ {tag}.pdf")
    EventParticipant.objects.create(event=event, person=mentor, result="winner")
    EventParticipant.objects.create(event=event, pair=pair)
    practice = Practice.objects.create(
        organisation=organisation, format=pair.format, title=f"Практика {tag}", description=f"Описание {tag}"
    )
    PracticeFile.objects.create(practice=practice, file="practices/p.pdf", original_name=f"файл {tag}.pdf")
    PracticePair.objects.create(practice=practice, pair=pair)
    PracticeStep.objects.create(practice=practice, from_state="draft", to_state="submitted")
    PersonalDataAccess.objects.create(
        user_name=tag,
        kind=AccessKind.VIEW,
        department=organisation.department,
        organisation=organisation,
        person=mentee,
        what=f"карточка {tag}",
    )


@pytest.fixture
def crowded(world):
    """Schools A2 and B1 and department B hold data of every kind; so does A1 through the matrix."""
    fill(world.school_a2, "A2")
    fill(world.school_b1, "B1")
    _roadmap(world, world.school_a2)
    make_roadmap(
        world.department_b,
        period_text="2022–2024 гг.",
        title="Карта Б",
        items=[("1.1.", "Рабочая группа", "Ежегодно сентябрь", ResponsibleKind.EACH_ORGANISATION)],
    )
    MentoringFormat.objects.create(department=world.department_b, name="своя форма Б")
    EventKind.objects.create(department=world.department_b, name="свой вид Б")
    municipal_b = Event.objects.create(
        department=world.department_b,
        kind=EventKind.objects.get(department=None, name="Семинар"),
        title="Семинар Б",
        start_date=date(2025, 11, 1),
        end_date=date(2025, 11, 1),
    )
    EventParticipant.objects.create(event=municipal_b, person=factories.teacher(world.school_b1), training_hours=4)
    job = Job.objects.create(
        owner=world.curator_a2, kind=JobKind.EXPORT, status=JobStatus.DONE, title="Чужая", filename="Чужая.xlsx"
    )
    job.file.save("Чужая.xlsx", ContentFile(b"PK"))
    return world


# Pages whose scope is not the user's: they read the rows a secret in the URL opens, for anyone who holds it.
PUBLIC_PAGE = (
    "the department's public page (issue 21): reads the published practices, their files and the surnames to mask "
    "of the department its code names, signed in or not (tests/practices/test_public.py: nothing unpublished, "
    "no name of the registry)"
)
NOT_USER_SCOPED = {
    **dict.fromkeys(("public_practices", "public_practice", "public_file", "public_feed"), PUBLIC_PAGE),
    "influence_answer": "the personal answer link: its token opens one questionnaire, signed in or not "
    "(tests/influence/test_answer_links.py: it shows no name and refuses a used, expired or forged token)",
}


def _cases():
    for name, kwargs, method, _expected in MATRIX:
        if name in NOT_USER_SCOPED:
            continue
        for persona in WATCHED_PERSONAS:
            yield pytest.param(name, kwargs, method, persona, id=f"{name}-{method}-{persona}")


@pytest.mark.parametrize("name, kwargs, method, persona", list(_cases()))
def test_no_view_reads_a_foreign_row(crowded, name, kwargs, method, persona):
    arguments = kwargs(crowded)
    query = arguments.pop("_query", "")
    url = reverse(name, kwargs=arguments) + (f"?{query}" if query else "")
    user = getattr(crowded, persona)
    scope = scope_for(user)
    region_departments = frozenset(
        EducationDepartment.objects.filter(in_region__coordinators__user=user).values_list("pk", flat=True)
    )
    client = client_for(crowded, persona)
    remember_every_row()
    foreign = []

    def watch(sender, instance, **_):
        if instance.pk is None:  # built in code, not read from the database
            return
        if sender is Job and instance.owner_id != user.pk:
            foreign.append(f"Job #{instance.pk} of another user")
            return
        row = (
            tenant(instance)
            if (
                sender not in (Consent, PairMentee, Meeting, Section, RoadmapItem, Occurrence)
                or _known(sender, instance)
            )
            else None
        )
        if row is not None and not visible(scope, row, sender, region_departments):
            foreign.append(f"{sender.__name__} #{instance.pk} (department {row[0]}, organisation {row[1]})")

    post_init.connect(watch, weak=False)
    try:
        getattr(client, method)(url)
    finally:
        post_init.disconnect(watch)
    assert not foreign, f"{persona} {method.upper()} {url} read rows outside the scope: {sorted(set(foreign))}"


def _known(sender, instance) -> bool:
    """A child row whose parent was remembered (parents created by the request itself are new, not foreign)."""
    parent = {
        Consent: (Person, "person_id"),
        PairMentee: (MentoringPair, "pair_id"),
        Meeting: (MentoringPair, "pair_id"),
        Section: (Roadmap, "roadmap_id"),
        RoadmapItem: (Roadmap, "roadmap_id"),
        Occurrence: (RoadmapItem, "item_id"),
    }[sender]
    return (parent[0], getattr(instance, parent[1])) in ROWS


def test_the_watch_catches_a_foreign_read(crowded):
    """The check can fail: reading school B1's person by primary key, bypassing the access layer, is caught."""
    scope = scope_for(crowded.curator_a1)
    remember_every_row()
    outsider = Person.objects.filter(organisation=crowded.school_b1).first()
    assert not visible(scope, tenant(outsider))
    assert visible(
        scope,
        tenant(Person.objects.filter(organisation=crowded.school_a1).first() or factories.student(crowded.school_a1)),
    )


def test_the_watch_lets_the_coordinator_read_only_the_regions_departments_and_organisations(crowded):
    """For the regional coordinator a department of the region and its schools are visible, a person of those
    schools is not, nor a department outside the region."""
    scope = scope_for(crowded.coordinator)
    region = frozenset({crowded.department_a.pk})
    remember_every_row()
    person = Person.objects.filter(organisation=crowded.school_a2).first()
    assert not visible(scope, tenant(person), Person, region)
    assert visible(scope, tenant(crowded.school_a1), Organisation, region)
    assert visible(scope, tenant(crowded.department_a), EducationDepartment, region)
    assert not visible(scope, tenant(crowded.department_b), EducationDepartment, region)


# --- The public pages: no user's scope, so their own rule ------------------------------------------------------

PERSONAL = (Person, MentoringPair, PairMentee, Consent, Meeting, PersonalDataAccess, EventParticipant, PracticePair)


def _public_cases():
    for name, kwargs, method, _expected in MATRIX:
        if NOT_USER_SCOPED.get(name) == PUBLIC_PAGE:
            yield pytest.param(name, kwargs, method, id=f"{name}-{method}")


@pytest.mark.parametrize("name, kwargs, method", list(_public_cases()))
def test_the_public_pages_read_only_the_published_practices_of_the_department_they_name(crowded, name, kwargs, method):
    """Seen anonymously, a public page builds no row of a person, a pair, a consent, a meeting, an access-log entry,
    an event's participant or a practice's pair — and of practices only the published ones of the department its
    code names, with their files, that department and its schools (a draft of A1 and a published practice of
    department B exist meanwhile)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.test_permissions import practice_of_a1

    practice_of_a1(crowded, "draft")
    other = Practice.objects.create(
        organisation=crowded.school_b1,
        format=MentoringFormat.objects.filter(department__isnull=True).first(),
        title="Практика Б",
        description="Чужая.",
        state="published",
        published_at=timezone.now(),
    )
    arguments = kwargs(crowded)
    url = reverse(name, kwargs=arguments)
    department = EducationDepartment.objects.get(code=arguments["code"])
    published = set(Practice.objects.filter(department=department, state="published").values_list("pk", flat=True))
    assert other.pk not in published
    read = []

    def watch(sender, instance, **_):
        if instance.pk is None:
            return
        if sender in PERSONAL or sender is get_user_model():
            read.append(f"{sender.__name__} #{instance.pk}")
        elif sender is Practice and instance.pk not in published:
            read.append(f"Practice #{instance.pk} ({instance.state}, department {instance.department_id})")
        elif sender is PracticeFile and instance.practice_id not in published:
            read.append(f"PracticeFile #{instance.pk} of practice {instance.practice_id}")
        elif sender is EducationDepartment and instance.pk != department.pk:
            read.append(f"EducationDepartment #{instance.pk}")
        elif sender is Organisation and instance.department_id != department.pk:
            read.append(f"Organisation #{instance.pk} of department {instance.department_id}")

    post_init.connect(watch, weak=False)
    try:
        response = getattr(client_for(crowded, "anonymous"), method)(url)
    finally:
        post_init.disconnect(watch)
    assert response.status_code == 200
    assert not read, f"anonymous {method.upper()} {url} read: {sorted(set(read))}"
