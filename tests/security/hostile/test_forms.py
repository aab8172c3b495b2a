"""Every form stores a hostile text exactly as typed or refuses it in Russian, the database unchanged."""

from __future__ import annotations

from tests.conftest import client_for
from tests.security.hostile.forms_world import (
    FORM_CASES,
    _Rollback,
    forms_on,
    post_hostile,
    text_fields,
)
from tests.security.hostile.seeding import (
    all_free_text_fields,
)


def test_every_form_stores_hostile_text_verbatim_or_refuses_it_in_russian(form_world):
    """Each form, posted as its users post it: the hostile text is stored as typed, or refused in Russian
    with the database unchanged; never a 500. Each form starts from the same database (a savepoint)."""
    from django.db import transaction

    problems = []
    for case in FORM_CASES:
        try:
            with transaction.atomic():
                problems += post_hostile(case, form_world)
                raise _Rollback
        except _Rollback:
            pass
    assert not problems, "\n".join(problems)


def test_every_free_text_column_is_reached_by_a_form_or_listed_as_formless(form_world):
    """A text column that a new form field writes is tested above; one that no form writes is listed here
    with where its text comes from (the database tests above feed it all the same)."""
    formless = {
        "registry.EducationDepartment.name": "the system administrator's admin",
        "registry.EducationDepartment.region": "the system administrator's admin",
        "registry.EducationDepartment.municipality": "the system administrator's admin",
        "registry.EducationDepartment.methodical_centre": "the system administrator's admin",
        "registry.Region.name": "the system administrator's admin",
        "registry.Region.centre": "the system administrator's admin",
        "roadmap.Roadmap.period_text": "the form's period field (STRUCTURED), stored as parse_period's label",
        "roadmap.RoadmapItem.schedule_problem": "written by parse_deadline about the deadline text",
        "roadmap.Occurrence.label": "written by sync_occurrences from the schedule",
        "roadmap.Occurrence.evidence_file": "an upload: the storage keeps a safe file name",
        "roadmap.Occurrence.evidence_original_name": "an upload's own file name: test_an_uploaded_file_name_*",
        "exchange.ColumnMapping.header": "an uploaded file's header, normalised, chosen on the report",
        "jobs.Job.title": "written by the job runner and the upload service (an upload's file name in it)",
        "jobs.Job.filename": "written by the job runner from the exporter's file name",
        "jobs.Job.message": "written by the job runner",
        "jobs.Job.file": "written by the job runner or an upload: the storage keeps a safe file name",
        "registry.PersonalDataAccess.user_name": "written by registry.privacy from the user's name",
        "registry.PersonalDataAccess.what": "written by registry.privacy",
        "registry.Erasure.user_name": "written by registry.privacy from the user's name",
        "registry.Erasure.basis": "written by registry.privacy",
        "events.EventDocument.file": "an upload: the storage keeps a safe file name",
        "events.EventDocument.original_name": "an upload's own file name (tests/events: kept and given back)",
        "events.EventParticipant.certificate": "an upload: the storage keeps a safe file name",
        "events.EventParticipant.certificate_original_name": "an upload's own file name (tests/events)",
    }
    reached = set()
    for case in FORM_CASES:
        client = client_for(form_world.world, case.persona)
        found = forms_on(client.get(case.url(form_world)))
        reached |= {target for _key, _field, target, _structured in text_fields(case, found) if target}
    missing = all_free_text_fields() - reached - set(formless)
    assert not missing, f"text columns that no form case posts hostile text to: {sorted(missing)}"
    assert not set(formless) & reached, f"listed as formless, yet a form writes them: {sorted(set(formless) & reached)}"
