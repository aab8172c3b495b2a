"""Every page of the project renders the hostile data inert, as the methodist and the curator."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import client_for
from tests.security.hostile.seeding import (
    C1,
    IMG,
    NOT_FREE_TEXT,
    SCRIPT,
    TEXT_APPS,
    Hostile,
    M,
    Markup,
    R,
    all_free_text_fields,
    failure,
    label,
    lenient_client,
    overlong_values,
    raw_markup,
    seed,
)
from tests.test_permissions import _url_names


def test_every_free_text_column_is_fed_hostile_input(world):
    """A text column added to a model of these apps fails here until `seed` fills it (or it is listed
    in NOT_FREE_TEXT with the reason it cannot hold free text)."""
    hostile = seed(world, Markup())
    missing = all_free_text_fields() - hostile.fill.seeded
    assert not missing, f"text columns no hostile value reaches: {sorted(missing)}"
    stale = set(NOT_FREE_TEXT) - {
        label(f) for app in TEXT_APPS for m in apps.get_app_config(app).get_models() for f in m._meta.concrete_fields
    }
    assert not stale, f"NOT_FREE_TEXT names columns that no longer exist: {sorted(stale)}"


# --- Every page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    kwargs: object = None  # Hostile -> dict of URL kwargs
    query: object = None  # Hostile -> query string
    persona: str = M
    # (record, field) of the values this page must show, escaped: the test cannot pass by not showing them
    shows: object = None  # Hostile -> list[(obj, field name)]

    def url(self, h: Hostile) -> str:
        url = reverse(self.name, kwargs=self.kwargs(h) if self.kwargs else None)
        return url + (f"?{self.query(h)}" if self.query else "")


def pk(attr):
    return lambda h: {"pk": getattr(h, attr).pk}


def answer_token(h) -> str:
    """A personal link sent for the hostile pair's mentee; its token."""
    from influence import links
    from influence.models import AnswerLink

    link = links.send_link(
        pair=h.pair,
        participation=h.participation,
        purpose="quality",
        recipient=links.recipient_for(h.participation.mentee),
        email="someone@example.ru",
        user=h.world.curator_a1,
        site_url="http://testserver/",
    )
    AnswerLink.objects.filter(pk=link.pk).update(token_hash=links.hash_token("h" * 43))
    return "h" * 43


def a1(h):
    return {"pk": h.world.school_a1.pk}


def growth_cell(h) -> str:
    """The hostile pair's mentor with both questionnaires: the figure of «Мониторинг влияния» they are behind."""
    from urllib.parse import urlencode

    from influence.models import Purpose, QuestionKind, Role
    from influence.services import save_response, template_for

    if "growth" not in h.extra:
        for purpose, score in ((Purpose.BEFORE, 4), (Purpose.AFTER, 7)):
            template = template_for(h.pair, purpose, Role.MENTOR)
            values = {q.pk: score for q in template.questions.filter(kind=QuestionKind.SCALE)}
            save_response(pair=h.pair, participation=None, template=template, values=values, user=None)
        h.extra["growth"] = True
    cell = {"year": h.pair.entry_date.year, "mentoring_format": h.pair.format.name, "role": "mentor"}
    return urlencode({**cell, "group": "motivation"})


def cell(code):
    return lambda h: f"indicator={code}&year={h.today.year}&department={h.world.department_a.pk}"


def own_questionnaire(h):
    """Department A's own version of a common questionnaire, its title and first question hostile."""
    if "questionnaire" not in h.extra:
        from influence.editor import copy_version
        from influence.models import QuestionnaireTemplate

        common = QuestionnaireTemplate.objects.filter(department__isnull=True).order_by("pk").first()
        template = h.fill(copy_version(common, h.world.department_a, "Анкета"))
        h.extra["questionnaire"] = template
        h.extra["question"] = h.fill(template.questions.order_by("order").first())
    return h.extra["questionnaire"]


def questionnaire_shows(*names):
    return lambda h: [(own_questionnaire(h), "title", None), *[(h.extra["question"], n, None) for n in names]]


def document_register(h):
    """Department A's document register with a hostile title and document; school A1's part given (a hostile
    link, comment and file name)."""
    if "register" not in h.extra:
        from roadmap import register as registers

        period = registers.academic_period(registers.current_school_year(h.today))
        found = registers.open_register(h.world.department_a, period, user=None)
        item = registers.new_requirement(found)
        item.content = "документ"
        item = h.fill(registers.save_requirement(item, period.start))
        part = h.fill(item.occurrences.get(organisation=h.world.school_a1))
        h.extra.update(register=h.fill(found), requirement=item, register_part=part)
    return h.extra["register"]


def register_shows(*pairs):
    return lambda h: [
        (document_register(h), "title", None),
        (h.extra["requirement"], "content", 50),
        *[(h.extra[key], name, limit) for key, name, limit in pairs],
    ]


def shows(*pairs):
    """shows(("mentor", "last_name"), ("roadmap", "title", 60)) → the records' values the page shows, the
    third item where the page shortens it (truncatechars)."""

    def resolve(h):
        found = []
        for path, name, *limit in pairs:
            obj = h
            for part in path.split("."):
                obj = getattr(obj, part)
            found.append((obj, name, limit[0] if limit else None))
        return found

    return resolve


def collection(h):
    """An open collection of department A with every requirement, its title hostile."""
    if "collection" not in h.extra:
        from reporting.models import Collection, Requirement

        made = Collection.objects.create(
            department=h.world.department_a,
            title="Сбор",
            deadline=h.today,
            first_year=h.today.year,
            last_year=h.today.year,
            requirements=Requirement.values,
        )
        h.extra["collection"] = h.fill(made)
    return h.extra["collection"]


def snapshot(h):
    """A closed collection's snapshot whose frozen data holds the hostile names and a hostile comment."""
    if "snapshot" not in h.extra:
        from django.utils import timezone

        from reporting.models import Collection, Snapshot

        year = str(h.today.year)
        closed = h.fill(
            Collection.objects.create(
                department=h.world.department_a,
                title="Закрытый сбор",
                deadline=h.today,
                first_year=h.today.year,
                last_year=h.today.year,
                state="closed",
                closed_at=timezone.now(),
            )
        )
        school = h.value(h.world.school_a1, "short_name")
        data = {
            "years": [int(year)],
            "indicators": [
                {"code": "x", "number": 1, "title": school, "unit": "%", "cells": {year: {"value": school}}}
            ],
            "bases": [{"organisation": school, "people_total": 1, "pairs_active": 1, "pairs_completed": 0}],
            "confirmations": [
                {"organisation": school, "confirmed_by": school, "confirmed_at": "", "comments": {"x": school}}
            ],
        }
        h.extra["snapshot"] = Snapshot.objects.create(
            collection=closed, department=h.world.department_a, taken_at=timezone.now(), data=data
        )
    return h.extra["snapshot"]


def collection_shows(*extra):
    return lambda h: [(collection(h), "title", None), *[(h.world.school_a1, name, None) for name in extra]]


def snapshot_shows(h):
    return [(snapshot(h).collection, "title", None), (h.world.school_a1, "short_name", None)]


def regional_collection(h):
    """A collection of the region answered by department A with the hostile snapshot."""
    if "regional_collection" not in h.extra:
        from django.utils import timezone

        from region.models import RegionalAnswer, RegionalCollection

        found = h.fill(
            RegionalCollection.objects.create(
                region=h.world.region,
                title="Сбор региона",
                deadline=h.today,
                first_year=h.today.year,
                last_year=h.today.year,
            )
        )
        RegionalAnswer.objects.create(
            collection=found, department=h.world.department_a, snapshot=snapshot(h), answered_at=timezone.now()
        )
        h.extra["regional_collection"] = found
    return h.extra["regional_collection"]


def regional_shows(h):
    return [(regional_collection(h), "title", None), (snapshot(h).collection, "title", None)]


def practice(h):
    """A published practice of school A1 (the bank of practices): its title, description, the methodist's
    comment and a file's name hostile; linked to the hostile pair."""
    if "practice" not in h.extra:
        from django.utils import timezone

        from practices.models import Practice, PracticeFile, PracticePair

        made = Practice.objects.create(
            organisation=h.world.school_a1, format=h.format, role_model=h.role_model, title="П", description="О"
        )
        h.extra["practice"] = h.fill(made)
        PracticePair.objects.create(practice=made, pair=h.pair)
        h.extra["practice_file"] = h.fill(PracticeFile.objects.create(practice=made, file="f.pdf", original_name="f"))
        Practice.objects.filter(pk=made.pk).update(state="published", published_at=timezone.now())
    return h.extra["practice"]


def approved_practice(h):
    """An approved practice of school A1, hostile like `practice`: the methodist edits, returns, publishes it."""
    if "approved_practice" not in h.extra:
        from practices.models import Practice

        made = Practice.objects.create(organisation=h.world.school_a1, format=h.format, title="П", description="О")
        h.extra["approved_practice"] = h.fill(made)
        Practice.objects.filter(pk=made.pk).update(state="approved")
    return h.extra["approved_practice"]


def practice_shows(*names):
    return lambda h: [(practice(h), name, None) for name in names]


def approved_shows(*names):
    return lambda h: [(approved_practice(h), name, None) for name in names]


def public(h, **more):
    return {"code": h.world.department_a.code, **more}


def event_pk(key):
    return lambda h: {"pk": h.extra[key].pk}


def event_shows(*pairs):
    """The hostile events' values (h.extra[key], field[, truncatechars limit])."""
    return lambda h: [(h.extra[key], name, limit[0] if limit else None) for key, name, *limit in pairs]


def proposal(h):
    """A computed proposal of school A1 whose line pairs the hostile mentee with the hostile mentor."""
    from django.utils import timezone

    from suggestions.models import Proposal, ProposalLine

    made = Proposal.objects.create(
        department=h.world.department_a,
        organisation=h.world.school_a1,
        format=h.format,
        created_by=h.world.methodist_a,
        computed_at=timezone.now(),
    )
    ProposalLine.objects.create(
        proposal=made,
        organisation=h.world.school_a1,
        mentee=h.lonely,
        mentor=h.mentor,
        score=1,
        reasons=[f"Запрос и компетенции: {SCRIPT}"],
    )
    return {"pk": made.pk}


PEOPLE_NAMES = (("mentor", "last_name"), ("mentor", "first_name"), ("mentor", "patronymic"))
QUALITY_SLUGS = ("orders", "consents", "overdue", "duplicates", "load", "no_meetings", "mentor_birth_year")
REFERENCE_KINDS = {"formats": "format", "role-models": "role_model", "kinds": "kind", "meeting-kinds": "meeting_kind"}

PAGES = [
    Page("home", shows=shows(("world.department_a", "name"))),
    Page("home", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page("organisation_list", shows=shows(("world.school_a1", "short_name"))),
    Page("organisation_create"),
    Page("organisation_list", query=lambda h: f"q={SCRIPT}"),
    Page(
        "organisation_detail",
        a1,
        shows=shows(
            ("world.school_a1", "short_name"),
            ("world.school_a1", "full_name"),
            ("world.curator_a1", "last_name"),
            ("world.curator_a1", "email"),
        ),
    ),
    Page("organisation_edit", a1, shows=shows(("world.school_a1", "full_name"))),
    Page("curator_invite", a1, shows=shows(("world.school_a1", "short_name"))),
    Page("staff_list", shows=shows(("world.methodist_a", "last_name"), ("world.curator_a1", "username"))),
    Page("staff_list", query=lambda h: f"q={IMG}"),
    Page(
        "membership_remove",
        lambda h: {"pk": h.world.curator_a1.memberships.get().pk},
        shows=shows(("world.curator_a1", "last_name")),
    ),
    # People and consents
    Page("person_list", shows=shows(*PEOPLE_NAMES, ("student", "class_or_group"))),
    Page("person_list", query=lambda h: "archived=on", shows=shows(("archived", "last_name"))),
    Page("person_list", query=lambda h: f"q={SCRIPT}&sort={IMG}"),
    Page("person_create"),
    Page(
        "person_detail",
        pk("mentor"),
        shows=shows(
            *PEOPLE_NAMES,
            ("mentor", "position"),
            ("mentor", "competencies"),
            ("mentor", "achievements"),
            ("mentor", "interests"),
            ("mentor", "desired_mentee_age"),
            ("mentor", "time_resource"),
            ("format", "name"),
        ),
    ),
    Page(
        "person_detail",
        pk("student"),
        shows=shows(
            ("student", "last_name"),
            ("student", "class_or_group"),
            ("student", "main_request"),
            ("consent", "representative_name"),
            ("consent", "representative_relation"),
            ("consent", "note"),
        ),
    ),
    Page("person_detail", pk("archived"), shows=shows(("archived", "archive_reason"), ("archived", "workplace"))),
    Page("person_edit", pk("mentor"), shows=shows(("mentor", "competencies"), ("mentor", "last_name"))),
    Page("person_delete", pk("mentor"), shows=shows(("mentor", "last_name"))),
    Page("consent_create", pk("student"), shows=shows(("student", "last_name"))),
    Page("consent_withdraw", pk("consent"), shows=shows(("student", "last_name"))),
    Page("person_erase", pk("student"), shows=shows(("student", "last_name"))),
    # The personal-data logs
    Page("access_log", shows=shows(("world.methodist_a", "last_name"))),
    Page("access_log", query=lambda h: f"q={SCRIPT}"),
    Page("erasure_list", shows=shows(("world.school_a1", "short_name"))),
    # Programs
    Page("program_list", shows=shows(("program", "name"))),
    Page("program_list", query=lambda h: f"q={SCRIPT}"),
    Page("program_create", shows=shows(("format", "name"))),
    Page(
        "program_detail",
        pk("program"),
        shows=shows(("program", "name"), ("program", "description"), ("format", "name"), ("mentor", "last_name")),
    ),
    Page("program_edit", pk("program"), shows=shows(("program", "description"))),
    # Pairs and meetings
    Page("pair_list", shows=shows(("mentor", "last_name"), ("student", "last_name"), ("format", "name"))),
    Page("pair_list", query=lambda h: f"q={SCRIPT}"),
    Page("pair_create", shows=shows(("format", "name"), ("kind", "name"), ("program", "name"))),
    Page(
        "pair_detail",
        pk("pair"),
        shows=shows(
            ("pair", "order_number"),
            ("pair", "results"),
            ("pair", "mentor_feedback_url"),
            ("format", "name"),
            ("role_model", "name"),
            ("kind", "name"),
            ("program", "name"),
            ("mentor", "last_name"),
            ("participation", "results"),
            ("meeting", "note"),
            ("meeting", "feedback"),
            ("meeting_kind", "name"),
        ),
    ),
    Page("pair_edit", pk("pair"), shows=shows(("pair", "order_number"), ("mentor", "last_name"))),
    Page(
        "pair_complete",
        pk("pair"),
        shows=shows(("pair", "results"), ("participation", "results"), ("student", "last_name")),
    ),
    Page("meeting_create", pk("pair"), shows=shows(("meeting_kind", "name"))),
    Page(
        "meeting_edit",
        lambda h: {"pk": h.pair.pk, "meeting_pk": h.meeting.pk},
        shows=shows(("meeting", "note"), ("meeting", "feedback"), ("meeting_kind", "name")),
    ),
    Page(
        "meeting_delete",
        lambda h: {"pk": h.pair.pk, "meeting_pk": h.meeting.pk},
        shows=shows(("meeting_kind", "name"), ("mentor", "last_name")),
    ),
    # Data quality and reference lists
    Page("quality", shows=shows(("lonely", "last_name"), ("mentor", "last_name"))),
    *[Page("quality", query=lambda h, slug=slug: f"section={slug}") for slug in QUALITY_SLUGS],
    Page("quality_summary"),
    Page(
        "reference_list",
        shows=shows(("format", "name"), ("role_model", "name"), ("kind", "name"), ("meeting_kind", "name")),
    ),
    *[Page("reference_create", lambda h, kind=kind: {"kind": kind}) for kind in REFERENCE_KINDS],
    *[
        Page(
            "reference_edit",
            lambda h, kind=kind, attr=attr: {"kind": kind, "pk": getattr(h, attr).pk},
            shows=shows((attr, "name")),
        )
        for kind, attr in REFERENCE_KINDS.items()
    ],
    # Exchange
    Page("export", shows=shows(("world.school_a1", "short_name"))),
    Page("export", query=lambda h: f"q={SCRIPT}&format={IMG}"),
    Page("import_file", shows=shows(("world.school_a1", "short_name"))),
    Page("job_list", shows=shows(("job", "title"))),
    Page("job_detail", pk("job"), shows=shows(("job", "title"), ("job", "filename"))),
    Page(
        "job_detail",
        lambda h: {"pk": h.extra["failed_job"].pk},
        shows=lambda h: [(h.extra["failed_job"], "title", None), (h.extra["failed_job"], "message", None)],
    ),
    # Roadmaps
    Page("roadmap_list", shows=shows(("roadmap", "title"))),
    Page("roadmap_list", query=lambda h: f"q={SCRIPT}"),
    Page("roadmap_agenda", shows=shows(("occurrence", "label"))),
    Page("roadmap_agenda", persona=C1),
    Page("roadmap_create", shows=shows(("world.department_a", "name"))),
    Page("roadmap_import", shows=shows(("world.department_a", "name"))),
    Page(
        "roadmap_detail",
        pk("roadmap"),
        shows=shows(
            ("roadmap", "title"),
            ("roadmap", "order_number"),
            ("roadmap", "period_text"),
            ("section", "number"),
            ("section", "title"),
            ("item", "number"),
            ("item", "content"),
            ("item", "deadline_text"),
            ("item", "result"),
            ("item", "indicator"),
            ("item", "responsible"),
            ("item", "schedule_problem"),
            ("occurrence", "label"),
        ),
    ),
    Page("roadmap_detail", pk("roadmap"), persona=C1, shows=shows(("part", "label"))),
    Page("roadmap_matrix", pk("roadmap"), shows=shows(("world.school_a1", "short_name"), ("part", "label"))),
    Page("roadmap_edit", pk("roadmap"), shows=shows(("roadmap", "title"))),
    Page("roadmap_delete", pk("roadmap"), shows=shows(("roadmap", "title"))),
    Page("roadmap_copy", pk("roadmap"), shows=shows(("roadmap", "title", 60))),
    Page("roadmap_section_create", pk("roadmap"), shows=shows(("roadmap", "title", 60))),
    Page("roadmap_section_edit", pk("section"), shows=shows(("section", "title"))),
    Page("roadmap_section_delete", pk("empty_section"), shows=shows(("empty_section", "title"))),
    Page("roadmap_item_create", pk("roadmap"), shows=shows(("section", "title"))),
    Page("roadmap_item_edit", pk("item"), shows=shows(("item", "content"), ("item", "schedule_problem"))),
    Page("roadmap_item_delete", pk("item"), shows=shows(("item", "number"))),
    Page(
        "roadmap_occurrence_edit",
        pk("occurrence"),
        shows=shows(("occurrence", "comment"), ("occurrence", "evidence_url"), ("item", "deadline_text")),
    ),
    Page("roadmap_occurrence_edit", pk("part"), persona=C1, shows=shows(("part", "comment"))),
    Page("roadmap_occurrence_edit", pk("occurrence"), query=lambda h: f"next={IMG}"),
    # «Реестр документов»
    Page(
        "register_index",
        query=lambda h: document_register(h) and "year=",
        shows=lambda h: [(document_register(h), "title", None)],
    ),
    Page("register_detail", lambda h: {"pk": document_register(h).pk}, shows=register_shows()),
    Page(
        "register_detail",
        lambda h: {"pk": document_register(h).pk},
        persona=C1,
        shows=register_shows(("register_part", "evidence_url", 40)),
    ),
    Page(
        "register_requirement_create",
        lambda h: {"pk": document_register(h).pk},
        shows=lambda h: [(document_register(h), "period_text", None)],
    ),
    Page(
        "register_requirement_edit",
        lambda h: {"pk": document_register(h) and h.extra["requirement"].pk},
        shows=lambda h: [(h.extra["requirement"], "content", None), (h.extra["requirement"], "result", None)],
    ),
    Page(
        "register_requirement_delete",
        lambda h: {"pk": document_register(h) and h.extra["requirement"].pk},
        shows=lambda h: [(h.extra["requirement"], "content", 200)],
    ),
    Page(
        "register_submission",
        lambda h: {"pk": document_register(h) and h.extra["register_part"].pk},
        persona=C1,
        shows=lambda h: [
            (h.extra["requirement"], "content", 200),
            (h.extra["register_part"], "comment", None),
            (h.extra["register_part"], "evidence_url", None),
        ],
    ),
    # Questionnaires of the monitoring of influence
    Page("influence_pair", pk("pair"), shows=shows(*PEOPLE_NAMES)),
    Page("influence_pair", pk("pair"), persona=C1, shows=shows(("mentor", "last_name"))),
    Page(
        "influence_mentor_response",
        lambda h: {"pk": h.pair.pk, "purpose": "before"},
        shows=shows(("mentor", "last_name")),
    ),
    Page(
        "influence_mentee_response",
        lambda h: {"pk": h.pair.pk, "purpose": "quality", "participation": h.participation.pk},
        persona=C1,
        shows=shows(("participation.mentee", "last_name")),
    ),
    Page(
        "influence_mentor_link",
        lambda h: {"pk": h.pair.pk, "purpose": "after"},
        shows=shows(("mentor", "last_name")),
    ),
    Page(
        "influence_mentee_link",
        lambda h: {"pk": h.pair.pk, "purpose": "before", "participation": h.participation.pk},
        persona=C1,
        shows=shows(("participation.mentee", "last_name")),
    ),
    # A mentee's outcomes of the current school year, and a school's XLSX upload
    Page(
        "influence_outcome_edit",
        lambda h: {
            "pk": h.pair.pk,
            "participation": h.participation.pk,
            "year": h.today.year if h.today.month >= 9 else h.today.year - 1,
        },
        persona=C1,
        shows=shows(("participation.mentee", "last_name")),
    ),
    Page("influence_outcome_upload", shows=shows(("world.school_a1", "short_name"))),
    # The answer page of a personal link: the school's short name, no person's
    Page("influence_answer", lambda h: {"token": answer_token(h)}, shows=shows(("pair.organisation", "short_name"))),
    # «Анкеты мониторинга»: the department's own version with a hostile title and question
    Page("influence_template_list", query=lambda h: own_questionnaire(h) and "q=", shows=questionnaire_shows()),
    Page("influence_template_list", query=lambda h: f"q={SCRIPT}&purpose={IMG}"),
    Page(
        "influence_template_list",
        query=lambda h: own_questionnaire(h) and "q=",
        persona=C1,
        shows=questionnaire_shows(),
    ),
    Page("influence_template_detail", lambda h: {"pk": own_questionnaire(h).pk}, shows=questionnaire_shows("text")),
    Page("influence_template_copy", lambda h: {"pk": own_questionnaire(h).pk}, shows=questionnaire_shows()),
    Page("influence_template_edit", lambda h: {"pk": own_questionnaire(h).pk}, shows=questionnaire_shows()),
    Page("influence_template_delete", lambda h: {"pk": own_questionnaire(h).pk}, shows=lambda h: []),
    Page("influence_template_question_create", lambda h: {"pk": own_questionnaire(h).pk}, shows=questionnaire_shows()),
    Page(
        "influence_template_question_edit",
        lambda h: {"pk": own_questionnaire(h) and h.extra["question"].pk},
        shows=questionnaire_shows("text"),
    ),
    Page(
        "influence_template_question_delete",
        lambda h: {"pk": own_questionnaire(h) and h.extra["question"].pk},
        shows=lambda h: [],
    ),
    Page("influence_results", query=growth_cell, shows=shows(("world.school_a1", "short_name"))),
    Page("influence_results", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page("influence_results", query=lambda h: f"mentoring_format={SCRIPT}&first={IMG}&last=1"),
    Page("influence_results_pairs", query=growth_cell, shows=shows(*PEOPLE_NAMES, ("world.school_a1", "short_name"))),
    Page("influence_results_pairs", query=lambda h: f"{growth_cell(h)}&q={SCRIPT}"),
    # Documents from the registry (paperwork)
    Page("paperwork_pair_order", a1, query=lambda h: "show=all", shows=shows(*PEOPLE_NAMES)),
    Page("paperwork_pair_order", a1, query=lambda h: "show=all", persona=C1, shows=shows(("mentor", "last_name"))),
    Page("paperwork_pair_order", a1, query=lambda h: f"q={SCRIPT}&show={IMG}"),
    Page("paperwork_templates", shows=lambda h: []),
    # Monitoring
    Page("indicators", shows=shows(("world.department_a", "name"))),
    *[
        Page("indicator_breakdown", query=cell(code), shows=shows(("world.school_a1", "short_name")))
        for code in ("orgs_share", "teachers_mentors_share")
    ],
    Page("indicator_drilldown", query=cell("orgs_share"), shows=shows(("world.school_a1", "short_name"))),
    Page("indicator_drilldown", query=cell("programs_count"), shows=shows(("program", "name"))),
    Page("indicator_drilldown", query=cell("teachers_mentors_share"), shows=shows(("mentor", "last_name"))),
    Page("indicator_drilldown", query=cell("students_mentees_share"), shows=shows(("student", "last_name"))),
    Page("contingent_list", shows=shows(("world.school_a1", "short_name"))),
    Page("contingent_list", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page(
        "contingent_edit",
        lambda h: {"pk": h.world.school_a1.pk, "year": h.today.year},
        shows=shows(("world.school_a1", "short_name")),
    ),
    Page("contingent_upload", shows=shows(("world.department_a", "name"))),
    # Reminders
    Page("reminder_list", shows=shows(("world.methodist_a", "last_name"), ("world.curator_a1", "last_name"))),
    Page("reminder_list", query=lambda h: f"q={SCRIPT}&role={IMG}"),
    Page("reminder_preview", lambda h: {"pk": h.world.curator_a1.pk}, shows=shows(("world.curator_a1", "email"))),
    Page("my_reminders", persona=C1, shows=shows(("world.curator_a1", "email"))),
    # Reporting collections
    Page("collection_list", query=lambda h: collection(h) and "q=", shows=collection_shows()),
    Page("collection_list", query=lambda h: f"q={SCRIPT}"),
    Page("collection_create"),
    Page("collection_detail", lambda h: {"pk": collection(h).pk}, shows=collection_shows("short_name")),
    Page("collection_detail", lambda h: {"pk": collection(h).pk}, persona=C1, shows=collection_shows("short_name")),
    Page("collection_edit", lambda h: {"pk": collection(h).pk}, shows=collection_shows()),
    Page(
        "collection_confirm",
        lambda h: {"pk": collection(h).pk, "organisation_pk": h.world.school_a1.pk},
        persona=C1,
        shows=collection_shows("short_name"),
    ),
    Page("snapshot_detail", lambda h: {"pk": snapshot(h).pk}, shows=snapshot_shows),
    Page("snapshot_compare", query=lambda h: f"before={snapshot(h).pk}&after={snapshot(h).pk}", shows=snapshot_shows),
    Page("snapshot_compare", query=lambda h: f"before={SCRIPT}&after={IMG}"),
    # The region
    Page(
        "region_overview",
        persona=R,
        shows=lambda h: [(h.world.region, "name", None), (h.world.department_a, "name", None)],
    ),
    Page("region_overview", persona=R, query=lambda h: f"first={SCRIPT}&last={IMG}&indicator={SCRIPT}&region={IMG}"),
    Page(
        "region_collection_list",
        persona=R,
        query=lambda h: regional_collection(h) and "page=1",
        shows=lambda h: [(regional_collection(h), "title", None)],
    ),
    Page(
        "region_collection_list",
        query=lambda h: regional_collection(h) and "page=1",
        shows=lambda h: [(regional_collection(h), "title", None)],
    ),
    Page("region_collection_create", persona=R, shows=lambda h: [(h.world.region, "name", None)]),
    Page("region_collection_detail", lambda h: {"pk": regional_collection(h).pk}, persona=R, shows=regional_shows),
    Page("region_collection_detail", lambda h: {"pk": regional_collection(h).pk}, shows=regional_shows),
    Page("region_collection_answer", lambda h: {"pk": regional_collection(h).pk}, shows=regional_shows),
    # The bank of practices and the department's public page
    Page("practice_list", query=lambda h: practice(h) and "page=1", shows=practice_shows("title")),
    Page("practice_list", query=lambda h: f"q={SCRIPT}&state={IMG}&organisation={SCRIPT}&format={IMG}&year={SCRIPT}"),
    Page("practice_list", persona=C1, query=lambda h: practice(h) and "page=1", shows=practice_shows("title")),
    Page("practice_queue"),
    Page("practice_create"),
    Page("practice_detail", lambda h: {"pk": practice(h).pk}, shows=practice_shows("title", "description")),
    Page("practice_detail", lambda h: {"pk": practice(h).pk}, persona=C1, shows=practice_shows("title")),
    Page("practice_edit", lambda h: {"pk": approved_practice(h).pk}, shows=approved_shows("title", "description")),
    Page("practice_return", lambda h: {"pk": approved_practice(h).pk}, shows=approved_shows("title")),
    Page("practice_publish", lambda h: {"pk": approved_practice(h).pk}, shows=approved_shows("title")),
    Page("public_practices", lambda h: practice(h) and public(h)),
    Page("public_practice", lambda h: public(h, pk=practice(h).pk)),
    # Events
    Page("event_list", shows=event_shows(("event", "title"), ("event_kind", "name"))),
    Page("event_list", query=lambda h: f"q={SCRIPT}&year={IMG}&kind={SCRIPT}&level={IMG}&organisation={SCRIPT}"),
    Page("event_list", persona=C1, shows=event_shows(("event", "title"))),
    Page("event_create", shows=event_shows(("event_kind", "name"))),
    Page("event_create", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page(
        "event_detail",
        event_pk("event"),
        shows=lambda h: [
            *event_shows(
                ("event", "title"),
                ("event", "organiser"),
                ("event", "description"),
                ("event_kind", "name"),
                ("event_document", "original_name"),
                ("event_person", "certificate_original_name"),
                ("event_pair", "certificate_original_name"),
            )(h),
            (h.mentor, "last_name", None),
            (h.item, "content", 120),
        ],
    ),
    Page("event_detail", event_pk("event"), persona=C1, shows=event_shows(("event", "title"))),
    Page("event_edit", event_pk("event"), shows=event_shows(("event", "description"), ("event_kind", "name"))),
    Page("event_delete", event_pk("event"), shows=event_shows(("event", "title"))),
    Page("event_document_add", event_pk("event"), shows=event_shows(("event", "title", 60))),
    Page(
        "event_participant_add",
        event_pk("event"),
        shows=lambda h: [(h.format, "name", None), (h.mentor, "last_name", None)],
    ),
    Page(
        "event_participant_edit",
        event_pk("event_person"),
        shows=lambda h: [(h.extra["event_person"], "certificate_original_name", None), (h.mentor, "last_name", None)],
    ),
    Page("event_kind_list", shows=event_shows(("event_kind", "name"))),
    Page("event_kind_create"),
    Page("event_kind_edit", event_pk("event_kind"), shows=event_shows(("event_kind", "name"))),
    Page("quality", query=lambda h: "section=mentor_training", shows=shows(("young", "last_name"))),
    Page("person_detail", pk("mentor"), persona=C1, shows=event_shows(("event", "title"))),
    # Mentor suggestions
    Page("suggestion_candidates", query=lambda h: f"mentee={h.student.pk}", shows=shows(("student", "last_name"))),
    Page("proposal_list", shows=lambda h: []),
    Page("proposal_detail", proposal, shows=shows(("lonely", "last_name"), ("mentor", "competencies"))),
    Page("suggestion_weights", shows=lambda h: []),
    # Accounts
    Page("password_change", shows=shows(("world.methodist_a", "last_name"))),
    Page("password_change_done"),
]

# Files, not pages: their content is checked in the export tests below.
FILES = {
    "paperwork_pair_order_download",
    "paperwork_consent",
    "paperwork_signed_order_scan",
    "paperwork_template_builtin",
    "job_download",
    "roadmap_evidence",
    "roadmap_export",
    "register_export",
    "indicators_export",
    "influence_results_export",
    "influence_mentor_print",
    "influence_mentee_print",
    "indicators_report",
    "contingent_template",
    "influence_outcome_template",
    "person_autocomplete",
    "person_extract",
    "snapshot_file",
    "event_document",
    "event_certificate",
    "practice_file",
    "public_file",
    "mentor_portfolio",  # XLSX/PDF: tests/practices/test_portfolio.py
    "mentor_nomination",  # DOCX: tests/practices/test_portfolio.py
    "public_feed",  # Atom XML: its escaping is tested in tests/practices/test_public.py
}
# Not pages that show records: POST-only actions that redirect, and the anonymous account pages.
NOT_PAGES = {
    "paperwork_pair_order_number": "POST only: writes the number and redirects (a refusal is the order page, tested)",
    "paperwork_template_off": "POST only: switches a template off and redirects",
    "influence_link_revoke": "POST only: deletes the link and redirects",
    "influence_template_question_move": "POST only: swaps two questions and redirects",
    "membership_reinvite": "POST only: sends an e-mail and redirects",
    "person_restore": "POST only: redirects",
    "roadmap_section_move": "POST only: redirects",
    "roadmap_item_move": "POST only: redirects",
    "job_confirm": "POST only: starts a job and redirects",
    "import_map": "POST only: remembers the columns, starts a check and redirects (the report page is tested)",
    "roadmap_import_confirm": "POST only: saves the preview and redirects (the preview page is tested below)",
    "roadmap_import_revise": "POST only: the preview page again, with corrections (the preview page is tested below)",
    "logout": "POST only",
    "reminder_send": "POST only: sends one letter and redirects (the letter is the preview's, tested above)",
    "reminder_send_all": "POST only: sends the letters and redirects",
    "job_retry": "POST only: starts the job again and redirects",
    "job_cancel": "POST only: marks the job failed and redirects",
    "collection_close": "POST only: closes the collection, starts its snapshot and redirects",
    "collection_remind": "POST only: sends the letters and redirects",
    "region_collection_close": "POST only: closes the regional collection and redirects",
    "event_held": "POST only: marks the event held (and its roadmap occurrence done) and redirects",
    "event_document_delete": "POST only: deletes the document and redirects",
    "event_participant_delete": "POST only: deletes the participant and redirects",
    "snapshot_retry": "POST only: starts a failed snapshot's job again and redirects (the snapshot page is tested)",
    "practice_submit": "POST only: moves the practice and redirects (the practice page is tested)",
    "practice_approve": "POST only: moves the practice and redirects",
    "practice_unpublish": "POST only: moves the practice and redirects",
    "practice_file_add": "POST only: keeps an uploaded file and redirects",
    "practice_file_delete": "POST only: deletes a file and redirects",
    "health": "no login: answers «ok» from the database, shows no data",
    "login": "anonymous: shows no registry data",
    "password_reset": "anonymous: shows no registry data",
    "password_reset_done": "anonymous: shows no registry data",
    "password_reset_confirm": "anonymous: shows no registry data",
    "password_reset_complete": "anonymous: shows no registry data",
}


def test_every_url_of_the_project_is_rendered_with_hostile_data():
    names = set(_url_names())
    covered = {page.name for page in PAGES} | FILES | set(NOT_PAGES)
    assert not names - covered, f"URLs no hostile page test reaches: {sorted(names - covered)}"
    assert not covered - names, f"names that are no longer URLs: {sorted(covered - names)}"


def test_every_page_renders_hostile_data_inert(hostile):
    """Markup never reaches a page unescaped; the control, bidi and overlong values do not break one."""
    clients = {persona: lenient_client(hostile.world, persona) for persona in (M, C1, R)}
    problems = []
    for page in PAGES:
        url = page.url(hostile)
        response = clients[page.persona].get(url)
        if response.status_code != 200:
            problems.append(f"{url} ({page.persona}): {failure(response)}")
            continue
        html = response.content.decode()
        if raw := raw_markup(html):
            problems.append(f"{url} ({page.persona}): unescaped markup {raw[:2]}")
        if hostile.fill.payload.name == "markup" and page.shows:
            for obj, name, limit in page.shows(hostile):
                value = hostile.value(obj, name)
                if limit is not None and len(value) > limit:
                    value = value[: limit - 1]  # truncatechars: the start and «…»
                if escape(value) not in html:
                    problems.append(f"{url} ({page.persona}): does not show {type(obj).__name__}.{name} escaped")
    problems += overlong_values()  # what the pages wrote (the access log of a minor's card)
    assert not problems, "\n".join(problems)


def test_person_search_answers_json_that_a_browser_will_not_sniff_as_html(hostile):
    client = client_for(hostile.world, M)
    response = client.get(reverse("person_autocomplete"), {"q": ""})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    labels = [row["text"] for row in response.json()["results"]]
    assert any(hostile.value(hostile.mentor, "last_name") in text for text in labels), "the value comes back as data"
