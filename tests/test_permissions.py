"""The permission matrix: every URL of the project × every persona → the expected status.

Outside a user's scope an object answers 404 (nothing leaks between tenants or schools);
inside the scope a write by a read-only role answers 403; anonymous requests go to login.
A URL pattern added to the project without a row here fails `test_every_url_is_in_the_matrix`.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jobs.models import Job, JobKind, JobStatus
from registry.models import MentoringFormat, MentoringKind, RoleModel
from tests import factories
from tests.conftest import PERSONAS, client_for

M, H, C1, C2, MB, R, ANON = PERSONAS

# Namespaces served by Django itself for the system administrator, not by this project's views.
EXCLUDED_NAMESPACES = {"admin"}


def everyone(status, anonymous=302, coordinator=None):
    """The same for every signed-in persona; the regional coordinator's own where a page treats them apart."""
    return {
        M: status,
        H: status,
        C1: status,
        C2: status,
        MB: status,
        R: status if coordinator is None else coordinator,
        ANON: anonymous,
    }


def department_write(methodist_b=404):
    """A1's object written: methodist A may; head A and curator A1 see it but may not; others don't see it."""
    return {M: 200, H: 403, C1: 403, C2: 404, MB: methodist_b, R: 404, ANON: 302}


def organisation_write():
    """A1's registry data written: its curator and the methodist may; the head reads; others don't see it."""
    return {M: 200, H: 403, C1: 200, C2: 404, MB: 404, R: 404, ANON: 302}


def organisation_read():
    return {M: 200, H: 200, C1: 200, C2: 404, MB: 404, R: 404, ANON: 302}


def data_entry(status=200):
    """Creating people, programs, pairs: curators and methodists, in their own scope."""
    return {M: status, H: 403, C1: status, C2: status, MB: status, R: 403, ANON: 302}


def person_of_a1(world):
    return {"pk": factories.student(world.school_a1).pk}


def consent_of_a1(world):
    return {"pk": factories.ConsentFactory(person=factories.student(world.school_a1)).pk}


def program_of_a1(world):
    return {"pk": factories.ProgramFactory(organisation=world.school_a1).pk}


def pair_of_a1(world):
    mentor = factories.student(world.school_a1, birth_year=2008)
    return {"pk": factories.pair(mentor, [factories.student(world.school_a1)]).pk}


def meeting_of_a1(world):
    from datetime import date

    from registry.models import Meeting, MeetingKind

    pair = pair_of_a1(world)["pk"]
    kind = MeetingKind.objects.filter(department__isnull=True).first()
    meeting = Meeting.objects.create(pair_id=pair, kind=kind, date=date(2025, 10, 1), note="Первая встреча")
    return {"pk": pair, "meeting_pk": meeting.pk}


def mentor_questionnaire_of_a1(world):
    return {**pair_of_a1(world), "purpose": "before"}


def mentee_questionnaire_of_a1(world):
    from registry.models import PairMentee

    pair = pair_of_a1(world)["pk"]
    return {"pk": pair, "purpose": "after", "participation": PairMentee.objects.get(pair_id=pair).pk}


def mentor_link_of_a1(world):
    return {**pair_of_a1(world), "purpose": "before"}


def mentee_link_of_a1(world):
    return {**mentee_questionnaire_of_a1(world), "purpose": "before"}


def _sent_link(world):
    """A personal link to the «before» questionnaire sent for the mentee (a pupil) of an A1 pair, with a
    token known to the test."""
    from influence import links
    from influence.models import AnswerLink
    from registry.models import PairMentee

    participation = PairMentee.objects.select_related("pair").get(pk=mentee_link_of_a1(world)["participation"])
    link = links.send_link(
        pair=participation.pair,
        participation=participation,
        purpose="before",
        recipient="representative",
        email="mama@example.ru",
        user=world.curator_a1,
        site_url="http://testserver/",
    )
    token = "t" * 43
    AnswerLink.objects.filter(pk=link.pk).update(token_hash=links.hash_token(token))
    return link, token


def school_a1_chosen(world):
    return {"_query": f"organisation={world.school_a1.pk}"}


def growth_cell_of_a1(world):
    """A figure of «Мониторинг влияния» narrowed to school A1 (the query string names the school)."""
    from urllib.parse import urlencode

    cell = {"year": 2025, "mentoring_format": "студент – ученик", "role": "mentee", "group": "motivation"}
    return {"_query": urlencode({"organisation": world.school_a1.pk, **cell})}


def mentee_outcome_of_a1(world):
    """The outcomes of the 2025/26 school year of the mentee of an A1 pair (entered in September 2025)."""
    return {**mentee_questionnaire_of_a1(world), "year": 2025, "purpose": None}


def _without_purpose(make):
    def build(world):
        return {k: v for k, v in make(world).items() if k != "purpose"}

    return build


def link_of_a1(world):
    link, _ = _sent_link(world)
    return {"pk": link.pair_id, "link": link.pk}


def answer_link(world):
    _, token = _sent_link(world)
    return {"token": token}


def reference_formats(world):
    return {"kind": "formats"}


def own_format_of_department_a(world):
    item = MentoringFormat.objects.create(department=world.department_a, name="выпускник – ученик")
    return {"kind": "formats", "pk": item.pk}


def own_role_model_of_department_a(world):
    item = RoleModel.objects.create(
        department=world.department_a,
        name="старший – младший",
        format=MentoringFormat.objects.get(name="ученик – ученик"),
    )
    return {"kind": "role-models", "pk": item.pk}


def common_kind(world):
    return {"kind": "kinds", "pk": MentoringKind.objects.get(name="реверсивное").pk}


def common_questionnaire(world):
    from influence.models import QuestionnaireTemplate

    return {"pk": QuestionnaireTemplate.objects.filter(department__isnull=True).order_by("pk").first().pk}


def own_questionnaire_of_department_a(world):
    from influence.editor import copy_version
    from influence.models import QuestionnaireTemplate

    common = QuestionnaireTemplate.objects.filter(department__isnull=True).order_by("pk").first()
    return {"pk": copy_version(common, world.department_a, "Анкета Кедровского округа").pk}


def question_of_department_a(world):
    from influence.models import QuestionnaireTemplate

    template = QuestionnaireTemplate.objects.get(pk=own_questionnaire_of_department_a(world)["pk"])
    return {"pk": template.questions.order_by("order")[1].pk}


def department_lists_write():
    """An own list item of department A: curators of A read the lists too, so they get 403, not 404."""
    return {M: 200, H: 403, C1: 403, C2: 403, MB: 404, R: 404, ANON: 302}


def curator_a1_membership(world):
    return {"pk": world.curator_a1.memberships.get().pk}


def school_a1(world):
    return {"pk": world.school_a1.pk}


def export_job_of_curator_a1(world):
    base = {"base": "mentees", "period": "current", "organisations": [], "filters": {}, "format": "xlsx"}
    job = Job.objects.create(
        owner=world.curator_a1,
        kind=JobKind.EXPORT,
        status=JobStatus.DONE,
        title="База",
        filename="База.xlsx",
        params={"exporter": "bases", "params": base, "reach": [world.school_a1.pk]},
    )
    job.file.save("База.xlsx", ContentFile(b"PK"))
    return {"pk": job.pk}


def checked_upload_of_curator_a1(world):
    job = Job.objects.create(
        owner=world.curator_a1,
        kind=JobKind.IMPORT_CHECK,
        status=JobStatus.DONE,
        title="Проверка",
        report={"ok": False, "problems": []},
        params={"organisation": world.school_a1.pk, "base": "mentees", "filename": "x.xlsx"},
    )
    return {"pk": job.pk}


def own_job_only():
    """A background job is its owner's alone."""
    return {M: 404, H: 404, C1: 200, C2: 404, MB: 404, R: 404, ANON: 302}


def no_args(world):
    return {}


def reset_link(world):
    return {"uidb64": "MQ", "token": "set-password"}


# --- roadmaps -------------------------------------------------------------------------------------


def _roadmap(world, organisation=None):
    from roadmap.models import ResponsibleKind
    from tests.roadmap.conftest import make_roadmap

    return make_roadmap(
        world.department_a,
        organisation,
        period_text="2022–2024 гг.",
        items=[
            ("1.1.", "Утверждение рабочей группы", "Ежегодно сентябрь", ResponsibleKind.EACH_ORGANISATION),
            ("1.2.", "Мониторинг", "До 01.05.2022", ResponsibleKind.ORGANISATION),
        ],
    )


def municipal_roadmap(world):
    return {"pk": _roadmap(world).pk}


def roadmap_of_a1(world):
    return {"pk": _roadmap(world, world.school_a1).pk}


def municipal_section(world):
    return {"pk": _roadmap(world).sections.get().pk}


def municipal_item(world):
    return {"pk": _roadmap(world).items.get(number="1.2.").pk}


def municipal_own_mark(world):
    return {"pk": _roadmap(world).items.get(number="1.2.").occurrences.get().pk}


def a1_part_of_municipal_item(world):
    item = _roadmap(world).items.get(number="1.1.")
    return {"pk": item.occurrences.filter(organisation=world.school_a1).first().pk}


def mark_of_a1_roadmap(world):
    return {"pk": _roadmap(world, world.school_a1).items.get(number="1.2.").occurrences.get().pk}


def evidence_of_a1_roadmap(world):
    occurrence = _roadmap(world, world.school_a1).items.get(number="1.2.").occurrences.get()
    occurrence.evidence_file.save("Приказ.pdf", ContentFile(b"%PDF-1.4"))
    return {"pk": occurrence.pk}


def _register(world):
    """Department A's document register of the current school year, with one document due in a week."""
    from datetime import timedelta

    from django.utils import timezone

    from roadmap import register
    from roadmap.models import Roadmap

    kept = Roadmap.objects.registers().filter(department=world.department_a).first()
    if kept is not None:  # several rows of a page walk ask for it in one world
        return kept
    today = timezone.localdate()
    found = register.open_register(
        world.department_a, register.academic_period(register.current_school_year(today)), user=None
    )
    item = register.new_requirement(found)
    item.content = "Приказ о назначении куратора"
    due = min(max(today + timedelta(days=7), found.period_start), found.period_end)
    register.save_requirement(item, due)
    return found


def register_of_department_a(world):
    return {"pk": _register(world).pk}


def requirement_of_department_a(world):
    return {"pk": _register(world).items.get().pk}


def a1_part_of_register(world):
    """School A1's part of the register's document, already given as a link (so a stale save is the conflict)."""
    part = _register(world).items.get().occurrences.get(organisation=world.school_a1)
    part.evidence_url = "https://school.example.ru/nastavnichestvo"
    part.save()
    return {"pk": part.pk}


def department_read():
    """Anything of department A read: everyone of the department, nobody else."""
    return {M: 200, H: 200, C1: 200, C2: 200, MB: 404, R: 404, ANON: 302}


def municipal_write(status=200):
    """A municipal roadmap changed: its methodists only; the department's others read it (403)."""
    return {M: status, H: 403, C1: 403, C2: 403, MB: 404, R: 404, ANON: 302}


# --- monitoring -----------------------------------------------------------------------------------


def indicator_cell_of_department_a(world):
    return {"_query": f"indicator=young_teachers_share&year=2025&department={world.department_a.pk}"}


def indicator_cell_of_school_a1(world):
    return {
        "_query": (
            f"indicator=students_mentees_share&year=2025&department={world.department_a.pk}"
            f"&organisation={world.school_a1.pk}"
        )
    }


def contingent_of_a1(world):
    return {"pk": world.school_a1.pk, "year": 2025}


def department_wide(status=200):
    """The department's whole picture: methodists and heads (each their own department), not curators."""
    return {M: status, H: status, C1: 403, C2: 403, MB: status, R: 403, ANON: 302}


def methodists_only(status=200):
    """The personal-data journals and the contingent upload: each methodist their own department's; nobody else."""
    return {M: status, H: 403, C1: 403, C2: 403, MB: status, R: 403, ANON: 302}


def curator_a1_user(world):
    return {"pk": world.curator_a1.pk}


def reminded_of_department_a():
    """Another user's reminders: the department's methodists; another department's user is not found."""
    return {M: 200, H: 403, C1: 403, C2: 403, MB: 404, R: 403, ANON: 302}


def reminded_themselves(status=200):
    """One's own reminders: curators and methodists (a head is not reminded)."""
    return {M: status, H: 403, C1: status, C2: status, MB: status, R: 403, ANON: 302}


# --- reporting collections -------------------------------------------------------------------------


def collection_of_department_a(world, **fields):
    from datetime import date

    from reporting.models import Collection

    collection = Collection.objects.create(
        department=world.department_a,
        title="Мониторинг ЦМН, май 2027",
        deadline=date(2027, 5, 20),
        first_year=2025,
        last_year=2025,
        requirements=["contingent"],
        created_by=world.methodist_a,
        **fields,
    )
    return {"pk": collection.pk}


def a1_in_collection(world):
    return {**collection_of_department_a(world), "organisation_pk": world.school_a1.pk}


def snapshot_of_department_a(world):
    from django.utils import timezone

    from reporting.models import Collection, Snapshot

    collection = Collection.objects.get(
        pk=collection_of_department_a(world, state="closed", closed_at=timezone.now())["pk"]
    )
    snapshot = Snapshot.objects.create(
        collection=collection,
        department=world.department_a,
        taken_at=timezone.now(),
        data={"years": [2025], "indicators": [], "bases": [], "confirmations": []},
    )
    snapshot.indicators_file.save("s.xlsx", ContentFile(b"PK"))
    return {"pk": snapshot.pk}


def snapshot_file_of_department_a(world):
    return {**snapshot_of_department_a(world), "file_format": "xlsx"}


def two_snapshots_of_department_a(world):
    first = snapshot_of_department_a(world)["pk"]
    return {"_query": f"before={first}&after={first}"}


def department_methodist_write(status=200):
    """A collection of department A changed: its methodist; its head and curators see it (403)."""
    return {M: status, H: 403, C1: 403, C2: 403, MB: 404, R: 404, ANON: 302}


def curator_a1_confirms(status=200):
    """School A1's confirmation: its curator only; the department's others 403; A2's curator does not see A1."""
    return {M: 403, H: 403, C1: status, C2: 404, MB: 404, R: 404, ANON: 302}


def snapshot_read():
    """A snapshot: the department's methodists and heads; its curators 403; another department 404."""
    return {M: 200, H: 200, C1: 403, C2: 403, MB: 404, R: 404, ANON: 302}


def signed_order_of_a1(world):
    """A signed order of school A1 with its scan (paperwork)."""
    from datetime import date

    from paperwork.models import SignedOrder

    order = SignedOrder(organisation=world.school_a1, number="12-о", date=date(2025, 9, 10))
    order.scan.save("scan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"pk": order.pk}


def own_document_template_of_department_a(world):
    from paperwork.models import DocumentTemplate

    template = DocumentTemplate(department=world.department_a, kind="order", original_name="приказ.docx")
    template.file.save("t.docx", ContentFile(b"PK"), save=True)
    return {"pk": template.pk}


def consent_form_of_a1(world):
    return {**person_of_a1(world), "consent": "data"}


def pair_order_of_a1(world):
    """School A1 with a pair without an order: the order's default choice."""
    pair_of_a1(world)
    return {"pk": world.school_a1.pk}


def built_in_order_template(world):
    return {"kind": "order"}


# --- the bank of practices -------------------------------------------------------------------------------


def practice_of_a1(world, state="draft"):
    """A practice of school A1 in `state`, with a PDF file."""
    from django.utils import timezone

    from practices.models import Practice, PracticeFile

    practice = Practice.objects.create(
        organisation=world.school_a1,
        format=MentoringFormat.objects.filter(department__isnull=True).first(),
        title="Школа молодого педагога",
        description="Открытые уроки с наставником.",
        state=state,
        published_at=timezone.now() if state == "published" else None,
        created_by=world.curator_a1,
    )
    practice_file = PracticeFile(practice=practice, original_name="план.pdf")
    practice_file.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return {"pk": practice.pk}


def practice_file_of_a1(world):
    from practices.models import PracticeFile

    return {"pk": PracticeFile.objects.get(practice_id=practice_of_a1(world)["pk"]).pk}


def practice_in(state):
    return lambda world: practice_of_a1(world, state)


def mentor_of_a1(world):
    """A mentor of a pair in A1: the portfolio's person (issue 21)."""
    return {"pk": pair_of(world.school_a1).mentor_id}


def pair_of(organisation):
    mentor = factories.student(organisation, birth_year=2008)
    return factories.pair(mentor, [factories.student(organisation)])


def nomination_of_a1(world):
    return {**mentor_of_a1(world), "_query": "format=docx"}


def public_page_of_department_a(world):
    return {"code": world.department_a.code}


def public_practice_of_department_a(world):
    return {"code": world.department_a.code, "pk": practice_of_a1(world, "published")["pk"]}


def public_file_of_department_a(world):
    from practices.models import PracticeFile

    practice = public_practice_of_department_a(world)["pk"]
    return {"code": world.department_a.code, "pk": PracticeFile.objects.get(practice_id=practice).pk}


def practice_review(status=200):
    """A practice of A1 reviewed: its department's methodist; its head and curator 403; nobody else sees it."""
    return {M: status, H: 403, C1: 403, C2: 404, MB: 404, R: 404, ANON: 302}


def practice_write(status=200):
    """A draft of A1 changed: its curator and the methodist; the head 403; nobody else sees it."""
    return {M: status, H: 403, C1: status, C2: 404, MB: 404, R: 404, ANON: 302}


# (url name, kwargs, method, {persona: status})


def regional_collection(world):
    """A collection of the world's region (department A is in it; department B is not)."""
    from datetime import date

    from region.models import RegionalCollection

    collection = RegionalCollection.objects.create(
        region=world.region, title="Сбор региона", deadline=date(2030, 6, 1), first_year=2025, last_year=2025
    )
    return {"pk": collection.pk}


def coordinator_only(status=200):
    """The region's own pages: its coordinator; every department's user is refused."""
    return {M: 403, H: 403, C1: 403, C2: 403, MB: 403, R: status, ANON: 302}


def regional_collection_read():
    """A collection of the region: its coordinator, and the methodist of a department in it."""
    return {M: 200, H: 404, C1: 404, C2: 404, MB: 404, R: 200, ANON: 302}


def regional_answer(status=200):
    """Answering for department A: its methodist only; the coordinator answers for no department."""
    return {M: status, H: 404, C1: 404, C2: 404, MB: 404, R: 403, ANON: 302}


# --- events ------------------------------------------------------------------------------------------------


def event_of_department_a(world, organisation=None):
    """A municipal event of department A (or school A1's) with a document and a participant of A1 with a
    certificate."""
    from datetime import date

    from events.models import Event, EventDocument, EventKind, EventParticipant

    event = Event.objects.create(
        department=world.department_a,
        kind=EventKind.objects.get(department=None, name="Семинар"),
        title="Семинар наставников",
        level="school" if organisation else "municipal",
        organisation=organisation,
        start_date=date(2025, 10, 1),
        end_date=date(2025, 10, 1),
    )
    document = EventDocument(event=event, original_name="программа.pdf")
    document.file.save("p.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    participant = EventParticipant(event=event, person=factories.teacher(world.school_a1), training_hours=8)
    participant.certificate.save("c.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    participant.certificate_original_name = "сертификат.pdf"
    participant.save()
    return {"pk": event.pk}


def school_event_of_a1(world):
    return event_of_department_a(world, world.school_a1)


def event_document_of_department_a(world):
    from events.models import EventDocument

    return {"pk": EventDocument.objects.get(event_id=event_of_department_a(world)["pk"]).pk}


def event_participant_of_a1(world):
    from events.models import EventParticipant

    return {"pk": EventParticipant.objects.get(event_id=event_of_department_a(world)["pk"]).pk}


def own_event_kind_of_department_a(world):
    from events.models import EventKind

    return {"pk": EventKind.objects.create(department=world.department_a, name="Слёт наставников").pk}


def event_read():
    """A municipal event of department A: the whole department reads it; another department and the
    coordinator do not find it."""
    return {M: 200, H: 200, C1: 200, C2: 200, MB: 404, R: 404, ANON: 302}


def participant_of_a1_write(status=200):
    """A participant of school A1 in a municipal event: changed by the methodist; the head and A1's curator
    see it (403); A2's curator does not see A1's participant (404)."""
    return {M: status, H: 403, C1: 403, C2: 404, MB: 404, R: 404, ANON: 302}


def mentee_of_a1(world):
    """A pupil of school A1 with a request, for «Подобрать наставника»."""
    mentee = factories.student(world.school_a1, main_request="подготовка к ОГЭ по математике")
    return {"_query": f"mentee={mentee.pk}"}


def proposal_of_a1(world):
    """A computed proposal of pairs for school A1 (suggestions), with one line."""
    from django.utils import timezone

    from suggestions.models import Proposal, ProposalLine

    proposal = Proposal.objects.create(
        department=world.department_a,
        organisation=world.school_a1,
        format=MentoringFormat.objects.get(name="ученик – ученик", department__isnull=True),
        created_by=world.curator_a1,
        computed_at=timezone.now(),
    )
    ProposalLine.objects.create(
        proposal=proposal,
        organisation=world.school_a1,
        mentee=factories.student(world.school_a1, main_request="математика"),
        mentor=factories.student(world.school_a1, birth_year=2008, competencies="математика", max_mentees=2),
        score=50,
        reasons=["Запрос и компетенции: математика"],
    )
    return {"pk": proposal.pk}


def department_reader(write=200, read=200):
    """A page of one's own department: every role of a department reads it; the coordinator has none (403)."""
    return {M: write, H: read, C1: read, C2: read, MB: write, R: 403, ANON: 302}


MATRIX = [
    ("home", no_args, "get", everyone(200, coordinator=302)),
    ("organisation_list", no_args, "get", everyone(200)),
    ("organisation_create", no_args, "get", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    ("organisation_create", no_args, "post", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    ("organisation_detail", school_a1, "get", {M: 200, H: 200, C1: 200, C2: 404, MB: 404, R: 404, ANON: 302}),
    ("organisation_edit", school_a1, "get", department_write()),
    ("organisation_edit", school_a1, "post", department_write()),
    ("curator_invite", school_a1, "get", department_write()),
    ("curator_invite", school_a1, "post", department_write()),
    ("staff_list", no_args, "get", everyone(200)),
    ("membership_remove", curator_a1_membership, "get", department_write()),
    ("membership_remove", curator_a1_membership, "post", {**department_write(), M: 302, R: 404}),
    ("membership_reinvite", curator_a1_membership, "get", everyone(405)),
    ("membership_reinvite", curator_a1_membership, "post", {**department_write(), M: 302, R: 404}),
    # People and consents
    ("person_list", no_args, "get", everyone(200)),
    ("person_create", no_args, "get", data_entry()),
    ("person_create", no_args, "post", data_entry()),
    ("person_autocomplete", no_args, "get", everyone(200)),
    ("person_detail", person_of_a1, "get", organisation_read()),
    ("person_extract", person_of_a1, "post", organisation_write()),
    ("person_erase", person_of_a1, "get", organisation_write()),
    ("access_log", no_args, "get", methodists_only()),
    ("erasure_list", no_args, "get", methodists_only()),
    ("person_edit", person_of_a1, "get", organisation_write()),
    ("person_edit", person_of_a1, "post", organisation_write()),
    ("person_delete", person_of_a1, "get", organisation_write()),
    ("person_delete", person_of_a1, "post", {**organisation_write(), M: 302, C1: 302, R: 404}),
    ("person_restore", person_of_a1, "get", everyone(405)),
    ("person_restore", person_of_a1, "post", {**organisation_write(), M: 302, C1: 302, R: 404}),
    ("consent_create", person_of_a1, "get", organisation_write()),
    ("consent_create", person_of_a1, "post", organisation_write()),
    ("consent_withdraw", consent_of_a1, "get", organisation_write()),
    ("consent_withdraw", consent_of_a1, "post", organisation_write()),
    # Programs
    ("program_list", no_args, "get", everyone(200)),
    ("program_create", no_args, "get", data_entry()),
    ("program_create", no_args, "post", data_entry()),
    ("program_detail", program_of_a1, "get", organisation_read()),
    ("program_edit", program_of_a1, "get", organisation_write()),
    ("program_edit", program_of_a1, "post", organisation_write()),
    # Pairs and meetings
    ("pair_list", no_args, "get", everyone(200)),
    ("pair_create", no_args, "get", data_entry()),
    ("pair_create", no_args, "post", data_entry()),
    ("pair_detail", pair_of_a1, "get", organisation_read()),
    ("pair_edit", pair_of_a1, "get", organisation_write()),
    ("pair_edit", pair_of_a1, "post", organisation_write()),
    ("pair_complete", pair_of_a1, "get", organisation_write()),
    ("pair_complete", pair_of_a1, "post", organisation_write()),
    ("meeting_create", pair_of_a1, "get", organisation_write()),
    ("meeting_create", pair_of_a1, "post", organisation_write()),
    ("meeting_edit", meeting_of_a1, "get", organisation_write()),
    ("meeting_edit", meeting_of_a1, "post", organisation_write()),
    ("meeting_delete", meeting_of_a1, "get", organisation_write()),
    ("meeting_delete", meeting_of_a1, "post", {M: 302, H: 403, C1: 302, C2: 404, MB: 404, R: 404, ANON: 302}),
    # Questionnaires of the monitoring of influence: the pair's own access
    ("influence_pair", pair_of_a1, "get", organisation_read()),
    ("influence_mentor_response", mentor_questionnaire_of_a1, "get", organisation_write()),
    ("influence_mentor_response", mentor_questionnaire_of_a1, "post", organisation_write()),
    ("influence_mentee_response", mentee_questionnaire_of_a1, "get", organisation_write()),
    ("influence_mentee_response", mentee_questionnaire_of_a1, "post", organisation_write()),
    ("influence_mentor_link", mentor_link_of_a1, "get", organisation_write()),
    ("influence_mentor_link", mentor_link_of_a1, "post", organisation_write()),  # empty: the form again
    ("influence_mentee_link", mentee_link_of_a1, "get", organisation_write()),
    ("influence_mentee_link", mentee_link_of_a1, "post", organisation_write()),
    ("influence_mentor_print", mentor_questionnaire_of_a1, "get", organisation_write()),
    ("influence_mentor_print", mentor_questionnaire_of_a1, "post", everyone(405)),
    ("influence_mentee_print", mentee_questionnaire_of_a1, "get", organisation_write()),
    # «Мониторинг влияния»: every user reads their own reach; a school outside it is 404.
    ("influence_results", no_args, "get", everyone(200)),
    ("influence_results", no_args, "post", everyone(405)),
    ("influence_results", school_a1_chosen, "get", organisation_read()),
    ("influence_results_pairs", growth_cell_of_a1, "get", organisation_read()),
    ("influence_results_pairs", no_args, "get", everyone(404, anonymous=302)),  # no figure named
    ("influence_results_export", no_args, "get", everyone(200)),
    ("influence_results_export", school_a1_chosen, "get", organisation_read()),
    ("influence_outcome_edit", _without_purpose(mentee_outcome_of_a1), "get", organisation_write()),
    ("influence_outcome_edit", _without_purpose(mentee_outcome_of_a1), "post", organisation_write()),
    ("influence_outcome_upload", no_args, "get", data_entry()),
    ("influence_outcome_upload", no_args, "post", data_entry()),  # empty: the form again
    ("influence_outcome_template", school_a1_chosen, "get", {**organisation_write(), R: 403}),
    ("influence_link_revoke", link_of_a1, "get", everyone(405)),
    ("influence_link_revoke", link_of_a1, "post", {M: 302, H: 403, C1: 302, C2: 404, MB: 404, R: 404, ANON: 302}),
    # The personal answer link: the one new page without a login (the token is the key; an empty sending
    # shows the form again with its errors)
    ("influence_answer", answer_link, "get", everyone(200, anonymous=200)),
    ("influence_answer", answer_link, "post", everyone(200, anonymous=200)),
    # «Анкеты мониторинга»: everyone of a department reads them; its methodist makes and edits its own versions
    ("influence_template_list", no_args, "get", everyone(200)),
    ("influence_template_detail", common_questionnaire, "get", everyone(200)),
    ("influence_template_detail", own_questionnaire_of_department_a, "get", {**everyone(200), MB: 404, R: 404}),
    (
        "influence_template_copy",
        common_questionnaire,
        "get",
        {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302},
    ),
    (
        "influence_template_copy",
        common_questionnaire,
        "post",
        {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302},
    ),
    ("influence_template_copy", own_questionnaire_of_department_a, "get", department_lists_write()),
    ("influence_template_edit", own_questionnaire_of_department_a, "get", department_lists_write()),
    ("influence_template_edit", own_questionnaire_of_department_a, "post", department_lists_write()),
    ("influence_template_edit", common_questionnaire, "get", everyone(403)),
    ("influence_template_edit", common_questionnaire, "post", everyone(403)),
    ("influence_template_delete", own_questionnaire_of_department_a, "get", department_lists_write()),
    (
        "influence_template_delete",
        own_questionnaire_of_department_a,
        "post",
        {**department_lists_write(), M: 302, R: 404},
    ),
    ("influence_template_delete", common_questionnaire, "post", everyone(403)),
    ("influence_template_question_create", own_questionnaire_of_department_a, "get", department_lists_write()),
    ("influence_template_question_create", own_questionnaire_of_department_a, "post", department_lists_write()),
    ("influence_template_question_create", common_questionnaire, "get", everyone(403)),
    ("influence_template_question_edit", question_of_department_a, "get", department_lists_write()),
    ("influence_template_question_edit", question_of_department_a, "post", department_lists_write()),
    ("influence_template_question_delete", question_of_department_a, "get", department_lists_write()),
    (
        "influence_template_question_delete",
        question_of_department_a,
        "post",
        {**department_lists_write(), M: 302, R: 404},
    ),
    ("influence_template_question_move", question_of_department_a, "get", everyone(405)),
    (
        "influence_template_question_move",
        question_of_department_a,
        "post",
        {**department_lists_write(), M: 302, R: 404},
    ),
    # Documents from the registry (paperwork): the order fixing a school's pairs, consents, own templates
    ("paperwork_pair_order", school_a1, "get", organisation_read()),
    ("paperwork_pair_order", school_a1, "post", everyone(405)),
    ("paperwork_pair_order_download", pair_order_of_a1, "get", organisation_read()),
    ("paperwork_pair_order_download", pair_order_of_a1, "post", organisation_read()),
    ("paperwork_pair_order_number", school_a1, "get", everyone(405)),
    ("paperwork_pair_order_number", school_a1, "post", organisation_write()),  # empty: the page again
    ("paperwork_signed_order_scan", signed_order_of_a1, "get", organisation_read()),
    ("paperwork_consent", consent_form_of_a1, "get", organisation_read()),
    ("paperwork_consent", consent_form_of_a1, "post", everyone(405)),
    ("paperwork_templates", no_args, "get", everyone(200)),
    ("paperwork_templates", no_args, "post", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    ("paperwork_template_off", own_document_template_of_department_a, "get", everyone(405)),
    (
        "paperwork_template_off",
        own_document_template_of_department_a,
        "post",
        {M: 302, H: 403, C1: 403, C2: 403, MB: 404, R: 404, ANON: 302},
    ),
    ("paperwork_template_builtin", built_in_order_template, "get", everyone(200)),
    # Mentor suggestions: «Подобрать наставника», proposals of pairs, the department's weights
    ("suggestion_candidates", mentee_of_a1, "get", organisation_read()),
    ("suggestion_candidates", mentee_of_a1, "post", everyone(405)),
    ("proposal_list", no_args, "get", department_reader()),
    ("proposal_list", no_args, "post", data_entry()),  # empty: the form again
    ("proposal_detail", proposal_of_a1, "get", organisation_read()),
    ("proposal_detail", proposal_of_a1, "post", organisation_write()),  # no version: the page again
    ("suggestion_weights", no_args, "get", department_reader()),
    ("suggestion_weights", no_args, "post", department_reader(read=403)),  # empty: the form again
    # Data quality and reference lists
    ("quality", no_args, "get", everyone(200)),
    ("quality", no_args, "post", everyone(405)),
    ("quality_summary", no_args, "get", everyone(200)),
    ("reference_list", no_args, "get", everyone(200)),
    ("reference_create", reference_formats, "get", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    ("reference_create", reference_formats, "post", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    ("reference_edit", own_format_of_department_a, "get", department_lists_write()),
    ("reference_edit", own_format_of_department_a, "post", department_lists_write()),
    ("reference_edit", own_role_model_of_department_a, "post", department_lists_write()),
    ("reference_edit", common_kind, "get", everyone(403)),
    ("reference_edit", common_kind, "post", everyone(403)),
    # Exchange: the official bases out and in, background jobs
    ("export", no_args, "get", everyone(200)),
    ("export", no_args, "post", everyone(200)),
    ("import_file", no_args, "get", data_entry()),
    ("import_file", no_args, "post", data_entry()),
    ("job_list", no_args, "get", everyone(200)),
    ("job_detail", export_job_of_curator_a1, "get", own_job_only()),
    ("job_download", export_job_of_curator_a1, "get", own_job_only()),
    ("job_confirm", checked_upload_of_curator_a1, "get", everyone(405)),
    ("job_retry", export_job_of_curator_a1, "post", {**own_job_only(), C1: 302, R: 404}),
    ("job_cancel", export_job_of_curator_a1, "post", {**own_job_only(), C1: 302, R: 404}),
    ("job_confirm", checked_upload_of_curator_a1, "post", {**own_job_only(), C1: 302, R: 404}),
    ("import_map", checked_upload_of_curator_a1, "get", everyone(405)),
    ("import_map", checked_upload_of_curator_a1, "post", {**own_job_only(), C1: 302, R: 404}),
    # Roadmaps
    ("roadmap_list", no_args, "get", everyone(200)),
    ("roadmap_agenda", no_args, "get", everyone(200)),
    ("roadmap_create", no_args, "get", data_entry()),
    ("roadmap_create", no_args, "post", data_entry()),
    ("roadmap_import", no_args, "get", data_entry()),
    ("roadmap_import", no_args, "post", data_entry()),
    ("roadmap_import_confirm", no_args, "get", everyone(405)),
    ("roadmap_import_confirm", no_args, "post", everyone(302)),  # no preview in the session: back to the list
    ("roadmap_import_revise", no_args, "get", everyone(405)),
    ("roadmap_import_revise", no_args, "post", everyone(302)),  # no preview kept: back to the import page
    ("roadmap_detail", municipal_roadmap, "get", department_read()),
    ("roadmap_detail", roadmap_of_a1, "get", organisation_read()),
    ("roadmap_matrix", municipal_roadmap, "get", department_read()),
    ("roadmap_export", municipal_roadmap, "get", department_read()),
    ("roadmap_export", roadmap_of_a1, "get", organisation_read()),
    ("roadmap_edit", municipal_roadmap, "get", municipal_write()),
    ("roadmap_edit", municipal_roadmap, "post", municipal_write()),
    ("roadmap_edit", roadmap_of_a1, "get", organisation_write()),
    ("roadmap_edit", roadmap_of_a1, "post", organisation_write()),
    ("roadmap_delete", municipal_roadmap, "get", municipal_write()),
    ("roadmap_delete", municipal_roadmap, "post", municipal_write(302)),
    ("roadmap_delete", roadmap_of_a1, "post", {**organisation_write(), M: 302, C1: 302, R: 404}),
    # A curator copies the municipal roadmap into the own school; a head copies nothing.
    ("roadmap_copy", municipal_roadmap, "get", {M: 200, H: 403, C1: 200, C2: 200, MB: 404, R: 404, ANON: 302}),
    ("roadmap_copy", municipal_roadmap, "post", {M: 200, H: 403, C1: 200, C2: 200, MB: 404, R: 404, ANON: 302}),
    ("roadmap_copy", roadmap_of_a1, "get", organisation_write()),
    ("roadmap_section_create", municipal_roadmap, "get", municipal_write()),
    ("roadmap_section_create", municipal_roadmap, "post", municipal_write()),
    ("roadmap_section_edit", municipal_section, "get", municipal_write()),
    ("roadmap_section_edit", municipal_section, "post", municipal_write()),
    ("roadmap_section_delete", municipal_section, "get", municipal_write(302)),  # not empty: explained
    ("roadmap_section_move", municipal_section, "get", everyone(405)),
    ("roadmap_section_move", municipal_section, "post", municipal_write(302)),
    ("roadmap_item_create", municipal_roadmap, "get", municipal_write()),
    ("roadmap_item_create", municipal_roadmap, "post", municipal_write()),
    ("roadmap_item_edit", municipal_item, "get", municipal_write()),
    ("roadmap_item_edit", municipal_item, "post", municipal_write()),
    ("roadmap_item_delete", municipal_item, "get", municipal_write()),
    ("roadmap_item_delete", municipal_item, "post", municipal_write(302)),
    ("roadmap_item_move", municipal_item, "get", everyone(405)),
    ("roadmap_item_move", municipal_item, "post", municipal_write(302)),
    ("roadmap_occurrence_edit", municipal_own_mark, "get", department_read()),
    ("roadmap_occurrence_edit", municipal_own_mark, "post", municipal_write()),
    ("roadmap_occurrence_edit", a1_part_of_municipal_item, "get", organisation_read()),
    ("roadmap_occurrence_edit", a1_part_of_municipal_item, "post", organisation_write()),
    ("roadmap_occurrence_edit", mark_of_a1_roadmap, "post", organisation_write()),
    ("roadmap_evidence", evidence_of_a1_roadmap, "get", organisation_read()),
    # «Реестр документов»: a municipal roadmap of its own kind, its documents given by the schools
    ("register_index", no_args, "get", everyone(200)),
    (
        "register_index",
        no_args,
        "post",
        {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302},
    ),  # empty: the form
    ("register_detail", register_of_department_a, "get", department_read()),
    ("register_export", register_of_department_a, "get", department_read()),
    ("register_requirement_create", register_of_department_a, "get", municipal_write()),
    ("register_requirement_create", register_of_department_a, "post", municipal_write()),
    ("register_requirement_edit", requirement_of_department_a, "get", municipal_write()),
    ("register_requirement_edit", requirement_of_department_a, "post", municipal_write()),
    ("register_requirement_delete", requirement_of_department_a, "get", municipal_write()),
    ("register_requirement_delete", requirement_of_department_a, "post", municipal_write(302)),
    ("register_submission", a1_part_of_register, "get", organisation_read()),
    ("register_submission", a1_part_of_register, "post", organisation_write()),  # empty: the form again
    # Monitoring
    ("indicators", no_args, "get", department_wide()),
    ("indicators_export", no_args, "get", department_wide()),
    ("indicators_report", no_args, "get", department_wide()),
    ("indicator_breakdown", indicator_cell_of_department_a, "get", department_wide()),
    ("indicator_breakdown", no_args, "get", department_wide(404)),  # no indicator chosen
    ("indicator_drilldown", indicator_cell_of_department_a, "get", department_wide()),
    # Methodist B asks for school A1 of department A: not found in B's department.
    ("indicator_drilldown", indicator_cell_of_school_a1, "get", {**department_wide(), MB: 404, R: 403}),
    ("contingent_list", no_args, "get", everyone(200)),
    ("contingent_edit", contingent_of_a1, "get", {**organisation_write(), H: 403, R: 404}),
    ("contingent_edit", contingent_of_a1, "post", organisation_write()),
    ("contingent_upload", no_args, "get", methodists_only()),
    ("contingent_upload", no_args, "post", methodists_only()),
    ("contingent_template", no_args, "get", methodists_only()),
    # Reminders
    ("reminder_list", no_args, "get", methodists_only()),
    ("reminder_preview", curator_a1_user, "get", reminded_of_department_a()),
    ("reminder_send", curator_a1_user, "get", everyone(405)),
    ("reminder_send", curator_a1_user, "post", {**reminded_of_department_a(), M: 302, R: 403}),
    ("reminder_send_all", no_args, "get", everyone(405)),
    ("reminder_send_all", no_args, "post", methodists_only(302)),
    ("my_reminders", no_args, "get", reminded_themselves()),
    ("my_reminders", no_args, "post", reminded_themselves(400)),  # neither «on» nor «off» asked for
    # Reporting collections
    ("collection_list", no_args, "get", everyone(200)),
    ("collection_create", no_args, "get", {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302}),
    (
        "collection_create",
        no_args,
        "post",
        {M: 200, H: 403, C1: 403, C2: 403, MB: 200, R: 403, ANON: 302},
    ),  # empty: the form
    ("collection_detail", collection_of_department_a, "get", department_read()),
    ("collection_edit", collection_of_department_a, "get", department_methodist_write()),
    ("collection_edit", collection_of_department_a, "post", department_methodist_write()),
    ("collection_close", collection_of_department_a, "get", everyone(405)),
    ("collection_close", collection_of_department_a, "post", department_methodist_write(302)),
    ("collection_remind", collection_of_department_a, "get", everyone(405)),
    ("collection_remind", collection_of_department_a, "post", department_methodist_write(302)),
    ("collection_confirm", a1_in_collection, "get", curator_a1_confirms()),
    ("collection_confirm", a1_in_collection, "post", curator_a1_confirms()),  # requirement not met: the form again
    ("snapshot_detail", snapshot_of_department_a, "get", snapshot_read()),
    ("snapshot_file", snapshot_file_of_department_a, "get", snapshot_read()),
    ("snapshot_retry", snapshot_of_department_a, "get", everyone(405)),
    ("snapshot_retry", snapshot_of_department_a, "post", department_methodist_write(302)),
    # The region
    ("region_overview", no_args, "get", coordinator_only()),
    ("region_collection_list", no_args, "get", {M: 200, H: 403, C1: 403, C2: 403, MB: 403, R: 200, ANON: 302}),
    ("region_collection_create", no_args, "get", coordinator_only()),
    ("region_collection_create", no_args, "post", coordinator_only()),  # empty: the form again
    ("region_collection_detail", regional_collection, "get", regional_collection_read()),
    ("region_collection_answer", regional_collection, "get", regional_answer()),
    ("region_collection_answer", regional_collection, "post", regional_answer()),  # empty: the form again
    ("region_collection_close", regional_collection, "get", everyone(405)),
    (
        "region_collection_close",
        regional_collection,
        "post",
        {M: 403, H: 404, C1: 404, C2: 404, MB: 404, R: 302, ANON: 302},
    ),
    ("snapshot_compare", no_args, "get", department_wide()),
    ("snapshot_compare", two_snapshots_of_department_a, "get", {**department_wide(), MB: 404, R: 403}),
    # Events
    ("event_list", no_args, "get", everyone(200, coordinator=403)),
    ("event_create", no_args, "get", {M: 200, H: 403, C1: 200, C2: 200, MB: 200, R: 403, ANON: 302}),
    ("event_create", no_args, "post", {M: 200, H: 403, C1: 200, C2: 200, MB: 200, R: 403, ANON: 302}),  # the form
    ("event_detail", event_of_department_a, "get", event_read()),
    ("event_detail", school_event_of_a1, "get", organisation_read()),
    ("event_edit", event_of_department_a, "get", department_methodist_write()),
    ("event_edit", event_of_department_a, "post", department_methodist_write()),
    ("event_edit", school_event_of_a1, "get", organisation_write()),
    ("event_delete", event_of_department_a, "get", department_methodist_write()),
    ("event_delete", event_of_department_a, "post", department_methodist_write(302)),
    ("event_held", event_of_department_a, "get", everyone(405)),
    ("event_held", event_of_department_a, "post", department_methodist_write(302)),
    ("event_document_add", event_of_department_a, "get", department_methodist_write()),
    ("event_document_add", event_of_department_a, "post", department_methodist_write()),  # no file: the form
    ("event_document", event_document_of_department_a, "get", event_read()),
    ("event_document_delete", event_document_of_department_a, "get", everyone(405)),
    ("event_document_delete", event_document_of_department_a, "post", department_methodist_write(302)),
    ("event_participant_add", event_of_department_a, "get", department_methodist_write()),
    ("event_participant_add", event_of_department_a, "post", department_methodist_write()),  # empty: the form
    ("event_participant_edit", event_participant_of_a1, "get", participant_of_a1_write()),
    ("event_participant_edit", event_participant_of_a1, "post", participant_of_a1_write()),
    ("event_participant_delete", event_participant_of_a1, "get", everyone(405)),
    ("event_participant_delete", event_participant_of_a1, "post", participant_of_a1_write(302)),
    ("event_certificate", event_participant_of_a1, "get", {**organisation_read(), H: 200}),
    ("event_kind_list", no_args, "get", everyone(200, coordinator=403)),
    ("event_kind_create", no_args, "get", methodists_only()),
    ("event_kind_create", no_args, "post", methodists_only()),  # empty: the form
    ("event_kind_edit", own_event_kind_of_department_a, "get", department_methodist_write()),
    ("event_kind_edit", own_event_kind_of_department_a, "post", department_methodist_write()),
    # The bank of practices
    ("practice_list", no_args, "get", everyone(200)),
    ("practice_queue", no_args, "get", methodists_only()),
    ("practice_create", no_args, "get", data_entry()),
    ("practice_create", no_args, "post", data_entry()),  # empty: the form again
    ("practice_detail", practice_of_a1, "get", organisation_read()),
    ("practice_edit", practice_of_a1, "get", practice_write()),
    ("practice_edit", practice_of_a1, "post", practice_write()),  # empty: the form again
    ("practice_submit", practice_of_a1, "get", everyone(405)),
    ("practice_submit", practice_of_a1, "post", practice_write(302)),
    ("practice_return", practice_in("submitted"), "get", practice_review()),
    ("practice_return", practice_in("submitted"), "post", practice_review()),  # no comment: the form again
    ("practice_approve", practice_in("submitted"), "get", everyone(405)),
    ("practice_approve", practice_in("submitted"), "post", practice_review(302)),
    ("practice_publish", practice_in("approved"), "get", practice_review()),
    ("practice_publish", practice_in("approved"), "post", practice_review(302)),
    ("practice_unpublish", practice_in("published"), "get", everyone(405)),
    ("practice_unpublish", practice_in("published"), "post", practice_review(302)),
    ("practice_file_add", practice_of_a1, "get", everyone(405)),
    ("practice_file_add", practice_of_a1, "post", practice_write(302)),  # no file: a message, back to the page
    ("practice_file", practice_file_of_a1, "get", organisation_read()),
    ("practice_file_delete", practice_file_of_a1, "get", everyone(405)),
    ("practice_file_delete", practice_file_of_a1, "post", practice_write(302)),
    # The mentor's portfolio and nomination sheet: whoever reads the card (tests/practices/test_portfolio.py)
    ("mentor_portfolio", mentor_of_a1, "get", organisation_read()),
    ("mentor_nomination", nomination_of_a1, "get", organisation_read()),
    # The department's public page: no login, published practices only (tests/practices/test_public.py)
    ("public_practices", public_page_of_department_a, "get", everyone(200, anonymous=200)),
    ("public_practice", public_practice_of_department_a, "get", everyone(200, anonymous=200)),
    ("public_file", public_file_of_department_a, "get", everyone(200, anonymous=200)),
    ("public_feed", public_page_of_department_a, "get", everyone(200, anonymous=200)),
    # Accounts
    ("health", no_args, "get", everyone(200, anonymous=200)),
    ("login", no_args, "get", everyone(200, anonymous=200)),
    ("logout", no_args, "post", everyone(302)),
    ("password_change", no_args, "get", everyone(200)),
    ("password_change_done", no_args, "get", everyone(200)),
    ("password_reset", no_args, "get", everyone(200, anonymous=200)),
    ("password_reset_done", no_args, "get", everyone(200, anonymous=200)),
    ("password_reset_confirm", reset_link, "get", everyone(200, anonymous=200)),
    ("password_reset_complete", no_args, "get", everyone(200, anonymous=200)),
]


def _cases():
    for name, kwargs, method, expected in MATRIX:
        assert set(expected) == set(PERSONAS), f"{name}: every persona needs an expected status"
        for persona in PERSONAS:
            yield pytest.param(name, kwargs, method, persona, expected[persona], id=f"{name}-{method}-{persona}")


@pytest.mark.parametrize("name, kwargs, method, persona, status", list(_cases()))
def test_permission_matrix(world, name, kwargs, method, persona, status):
    arguments = kwargs(world)
    query = arguments.pop("_query", "")
    url = reverse(name, kwargs=arguments) + (f"?{query}" if query else "")
    response = getattr(client_for(world, persona), method)(url)
    assert response.status_code == status, f"{persona} {method.upper()} {url}"
    if persona == ANON and status == 302:
        assert response["Location"].startswith(reverse("login")), "anonymous goes to the login page"


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name: name it and add it to MATRIX"
            yield namespace + pattern.name


def test_every_url_is_in_the_matrix():
    covered = {name for name, *_ in MATRIX}
    missing = set(_url_names()) - covered
    assert not missing, f"URL patterns without a row in the permission matrix: {sorted(missing)}"


# The pages answered without a login, each on purpose: a new one must be added here deliberately.
ANONYMOUS_PAGES = {
    "health",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "influence_answer",  # the personal answer link (issue 19): its token is the key
    # The department's public page of published practices, its practice, file and feed (issue 21): no personal data
    "public_practices",
    "public_practice",
    "public_file",
    "public_feed",
}


def test_only_the_pages_meant_for_it_answer_without_a_login():
    reachable = {name for name, _, _, expected in MATRIX if expected[ANON] not in (302, 405)}
    assert reachable == ANONYMOUS_PAGES


def test_an_unknown_answer_link_answers_the_neutral_page_without_a_login(world):
    response = client_for(world, ANON).get(reverse("influence_answer", args=["u" * 43]))
    assert response.status_code == 404
    assert "Ссылка недействительна" in response.content.decode()


def test_admin_is_for_staff_only(world):
    for persona in PERSONAS:
        response = client_for(world, persona).get(reverse("admin:index"))
        assert response.status_code == 302, persona
        assert response["Location"].startswith(reverse("admin:login"))


# --- scope after a role is taken away (issue 24, finding 6) ---------------------------------------------


def test_a_job_and_its_file_leave_with_the_role_that_read_them(world, django_capture_on_commit_callbacks):
    """A removed curator downloaded their old exports (200): a job is reachable only while its owner's
    scope still covers what it read — an export's organisations, an upload's organisation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.exports import BasesExporter
    from registry.models import Membership
    from tests.exchange.test_workbook import mentees_file

    factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    curator = client_for(world, C1)
    BasesExporter.background_after["xlsx"], saved = 0, BasesExporter.background_after["xlsx"]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            curator.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
            upload = SimpleUploadedFile("база.xlsx", mentees_file())
            curator.post(
                reverse("import_file"), {"base": "mentees", "organisation": world.school_a1.pk, "file": upload}
            )
    finally:
        BasesExporter.background_after["xlsx"] = saved
    export_job = Job.objects.get(kind=JobKind.EXPORT)
    check_job = Job.objects.get(kind=JobKind.IMPORT_CHECK)
    urls = [
        reverse("job_detail", args=[export_job.pk]),
        reverse("job_download", args=[export_job.pk]),
        reverse("job_detail", args=[check_job.pk]),
    ]
    assert [curator.get(url).status_code for url in urls] == [200, 200, 200]

    # Still a curator of school A2 (the account stays signed in), no longer of A1, whose data the jobs read.
    factories.MembershipFactory(
        user=world.curator_a1, role="curator", department=world.department_a, organisation=world.school_a2
    )
    membership = Membership.objects.get(user=world.curator_a1, organisation=world.school_a1)
    removed = client_for(world, M).post(reverse("membership_remove", args=[membership.pk]))
    assert removed.status_code == 302

    assert [curator.get(url).status_code for url in urls] == [404, 404, 404]
    assert curator.post(reverse("job_retry", args=[export_job.pk])).status_code == 404
    assert list(curator.get(reverse("job_list")).context["page"].object_list) == []
