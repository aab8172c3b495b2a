"""The real forms of the project (`FORM_CASES`), and how a hostile value is posted to each as its users
post it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils.html import escape

from common.forms import clean_text
from events.models import EventKind
from registry.models import (
    MeetingKind,
    MentoringFormat,
    MentoringPair,
    Person,
)
from roadmap.models import Occurrence, Section
from tests import factories
from tests.security.hostile.seeding import (
    C1,
    CYRILLIC,
    ENGLISH_DJANGO,
    FORMULAS,
    IMG,
    LONG,
    NUL,
    RTL,
    SCRIPT,
    TEXT_APPS,
    ZERO_WIDTH,
    M,
    failure,
    fit,
    label,
    lenient_client,
    raw_markup,
)

# --- The real forms --------------------------------------------------------------------------------------

# One POST per form and kind. "markup": every free-text field gets SCRIPT and IMG; "formula": the fields
# take turns with the four formula starts, each followed by the RTL override and zero-width and combining
# characters; "max_length": each field exactly full (a field without a limit: LONG characters);
# "nul_and_too_long": a NUL and LONG characters (refused: the NUL by Django's own message, which must be
# Russian, a CharField's length likewise). Values are cut to the field's max_length, so that content, not
# length, is tested, except by the last two.
FORM_KINDS = ("markup", "formula", "max_length", "nul_and_too_long")
# Form fields whose content has a structure of its own: they keep a valid value while the free-text
# fields are tested, and get the hostile values in posts of their own (accepted in any normal form, or
# refused in Russian). Besides these names: URL, e-mail and regex fields, and fields with validators
# (an organisation's code).
STRUCTURED = {"period": "the roadmap's period, read by roadmap.deadlines.parse_period"}
PLAIN_VALIDATORS = ("MaxLengthValidator", "MinLengthValidator", "ProhibitNullCharactersValidator")
NUL_MESSAGE = "Данные содержат запрещённый символ: ноль-байт"


def free_value(kind: str, form_field: forms.CharField, index: int) -> str:
    limit = form_field.max_length
    if kind == "max_length":
        return "ж" * (limit or LONG)
    if kind == "nul_and_too_long":
        return NUL + "ж" * LONG
    value = {
        "markup": SCRIPT + IMG,
        "formula": f"{FORMULAS[index % len(FORMULAS)]} {RTL} {ZERO_WIDTH}",
        "nul": NUL,
    }[kind]
    return fit(value, limit)


def url_value(kind: str, form_field: forms.CharField, index: int) -> str:
    """A link that carries the hostile text in its path (a link is what the field takes)."""
    start = "https://evil.example/"
    value = start + free_value(kind, form_field, index).replace(" ", "_")
    return value if kind == "nul_and_too_long" else fit(value, form_field.max_length)


def is_structured(name: str, form_field: forms.Field) -> bool:
    if name in STRUCTURED or isinstance(form_field, (forms.EmailField, forms.RegexField)):
        return True
    return any(type(v).__name__ not in PLAIN_VALIDATORS for v in form_field.validators) and not isinstance(
        form_field, forms.URLField
    )


@dataclass(frozen=True)
class FormCase:
    id: str
    url: object  # FormWorld -> url
    persona: str = C1
    base: object = None  # (FormWorld, n) -> valid values of the fields the GET does not fill; n: a unique number
    prefixes: tuple | None = None  # the forms whose fields are filled ("" the main form); None: all
    targets: dict = field(default_factory=dict)  # a plain form's field → "app.Model.field" it is saved to
    shown_at: object = None  # FormWorld -> the page that shows the saved text (default: where the form redirects)


@dataclass
class FormWorld:
    world: object
    person: Person  # a student of school A1, the mentor of `pair`
    pair: MentoringPair
    program: object
    own_format: MentoringFormat
    roadmap: object
    section: Section
    item: object
    occurrence: Occurrence


def url(name, attr=None, **kwargs):
    def build(w: FormWorld) -> str:
        arguments = {k: (v(w) if callable(v) else v) for k, v in kwargs.items()}
        if attr:
            obj = w
            for part in attr.split("."):
                obj = getattr(obj, part)
            arguments["pk"] = obj.pk
        return reverse(name, kwargs=arguments or None)

    return build


NEW_STUDENT = {"last_name": "Ёлкин", "first_name": "Пётр", "birth_year": "2012", "category": "student"}
NEW_PEOPLE = {
    "new_mentor-last_name": "Соколов",
    "new_mentor-first_name": "Артём",
    "new_mentor-birth_year": "2008",
    "new_mentor-category": "student",
    "new_mentee-0-last_name": "Ёлкина",
    "new_mentee-0-first_name": "Вера",
    "new_mentee-0-birth_year": "2013",
    "new_mentee-0-category": "student",
}

FORM_CASES = [
    FormCase(
        "organisation_create",
        url("organisation_create"),
        M,
        base=lambda w, n: {"kind": "school", "code": f"hostile{n}", "short_name": "СОШ", "full_name": "СОШ"},
    ),
    FormCase("organisation_edit", url("organisation_edit", "world.school_a1"), M),
    FormCase(
        "curator_invite",
        url("curator_invite", "world.school_a1"),
        M,
        base=lambda w, n: {
            "email": f"curator{n}@example.test",
            "username": f"curator{n}",
            "first_name": "А",
            "last_name": "Б",
        },
        targets={
            "last_name": "registry.User.last_name",
            "first_name": "registry.User.first_name",
            "patronymic": "registry.User.patronymic",
            "email": "registry.User.email",
            "username": "registry.User.username",
        },
    ),
    FormCase(
        "person_create",
        url("person_create"),
        # With the consent entered on the same page (its texts are stored as typed too).
        base=lambda w, n: {
            **NEW_STUDENT,
            "consent-recorded": "on",
            "consent-given_by": "representative",
            "consent-representative_name": "Ёлкина Анна Петровна",
            "consent-representative_relation": "мать",
            "consent-given_on": "01.09.2025",
        },
    ),
    FormCase("person_edit", url("person_edit", "person")),
    FormCase("person_archive", url("person_delete", "person"), targets={"reason": "registry.Person.archive_reason"}),
    FormCase(
        "consent_create",
        url("consent_create", "person"),
        base=lambda w, n: {"given_by": "representative", "given_on": "01.09.2025"},
    ),
    FormCase("program_create", url("program_create"), base=lambda w, n: {"start_date": "01.09.2025"}),
    FormCase("program_edit", url("program_edit", "program")),
    FormCase(
        "pair_create",
        url("pair_create"),
        prefixes=("", "new_mentor", "new_mentee-0"),
        base=lambda w, n: {
            "format": factories.mentoring_format("ученик – ученик").pk,
            "entry_date": "15.09.2025",
            "order_date": "12.09.2025",
            "stage": "preparation",
            **NEW_PEOPLE,
        },
    ),
    FormCase("pair_edit", url("pair_edit", "pair"), prefixes=("",), base=lambda w, n: {"order_date": "12.09.2025"}),
    FormCase(
        "pair_complete",
        url("pair_complete", "pair"),
        base=lambda w, n: {"end_date": "25.05.2026", "mentee-0-completion_mark": "passed"},
    ),
    FormCase(
        "meeting_create",
        url("meeting_create", "pair"),
        base=lambda w, n: {"date": "20.09.2025", "kind": MeetingKind.objects.get(name="встреча-знакомство").pk},
    ),
    FormCase(
        "outcome_edit",
        url("influence_outcome_edit", "pair", participation=lambda w: w.pair.participations.get().pk, year=2025),
        base=lambda w, n: {"mark_before": "3,5", "mark_after": "4,0", "olympiads": "1"},
        targets={"comment": "influence.MenteeOutcome.comment"},
        shown_at=url(
            "influence_outcome_edit", "pair", participation=lambda w: w.pair.participations.get().pk, year=2025
        ),
    ),
    *[
        FormCase(
            f"reference_create_{kind}",
            url("reference_create", kind=kind),
            M,
            base=lambda w, n: {"format": factories.mentoring_format("ученик – ученик").pk},
        )
        for kind in ("formats", "role-models", "kinds", "meeting-kinds")
    ],
    FormCase("reference_edit", url("reference_edit", "own_format", kind="formats"), M),
    FormCase(
        "roadmap_create",
        url("roadmap_create"),
        M,
        base=lambda w, n: {"owner": f"department:{w.world.department_a.pk}", "period": "2025"},
    ),
    FormCase("roadmap_edit", url("roadmap_edit", "roadmap"), M),
    FormCase(
        "roadmap_copy",
        url("roadmap_copy", "roadmap"),
        M,
        base=lambda w, n: {"mode": "period", "period": "2030"},
        targets={"title": "roadmap.Roadmap.title"},
    ),
    FormCase("section_create", url("roadmap_section_create", "roadmap"), M),
    FormCase("section_edit", url("roadmap_section_edit", "section"), M),
    FormCase(
        "item_create",
        url("roadmap_item_create", "roadmap"),
        M,
        base=lambda w, n: {"section": w.section.pk, "responsible_kind": "organisation"},
    ),
    FormCase("item_edit", url("roadmap_item_edit", "item"), M),
    FormCase(
        "event_create",
        url("event_create"),
        M,
        base=lambda w, n: {
            "kind": EventKind.objects.get(department=None, name="Семинар").pk,
            "level": "municipal",
            "start_date": "01.10.2025",
            "end_date": "02.10.2025",
        },
    ),
    FormCase("event_kind_create", url("event_kind_create"), M),
    FormCase("practice_create", url("practice_create"), base=lambda w, n: {"format": w.own_format.pk}),
    FormCase(
        "occurrence_edit",
        url("roadmap_occurrence_edit", "occurrence"),
        M,
        base=lambda w, n: {"status": "in_progress"},
        shown_at=url("roadmap_occurrence_edit", "occurrence"),
    ),
]


def forms_on(response) -> list[forms.BaseForm]:
    """The forms a page renders (formsets: their management form and forms)."""
    found = []
    for key in sorted(response.context.keys()):
        value = response.context[key]
        if isinstance(value, forms.BaseForm):
            found.append(value)
        elif isinstance(value, forms.BaseFormSet):
            found += [value.management_form, *value.forms]
    return found


def initial_data(form: forms.BaseForm) -> dict:
    """What the browser sends back of an unchanged form."""
    data = {}
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.FileField):
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, (date, datetime)):
            value = value.strftime("%d.%m.%Y")
        elif value is True:
            value = "on"
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        data[form[name].html_name] = value
    return data


def text_fields(case: FormCase, found: list[forms.BaseForm]):
    """(post key, form field, "app.Model.field" or None, structured) of the fields a user types text into."""
    for form in found:
        if case.prefixes is not None and (form.prefix or "") not in case.prefixes:
            continue
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, form_field in form.fields.items():
            if not isinstance(form_field, forms.CharField) or form_field.disabled:
                continue
            if isinstance(form_field.widget, forms.HiddenInput):
                continue
            target = case.targets.get(name)
            validators = list(form_field.validators)
            if target is None and model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except Exception:  # a form field of its own
                    model_field = None
                if model_field is not None:
                    target = label(model_field)
                    validators += model_field.validators  # checked when the form validates the instance
            structured = is_structured(name, form_field) or (
                not isinstance(form_field, forms.URLField)
                and any(type(v).__name__ not in PLAIN_VALIDATORS for v in validators)
            )
            yield form[name].html_name, form_field, target, structured


def database_state() -> dict:
    """Every row the forms could write; not the access log, where a refused page that shows a minor
    rightly records that it did (issue 24, finding 7)."""
    state = {}
    for app in (*TEXT_APPS, "auditlog"):
        for model in apps.get_app_config(app).get_models():
            if model._meta.label != "registry.PersonalDataAccess":
                state[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return state


def form_errors(found: list[forms.BaseForm]) -> list[str]:
    messages = []
    for form in found:
        if form.is_bound:
            for errors in form.errors.values():
                messages += [str(e) for e in errors]
    return messages


def russian_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if not CYRILLIC.search(m) or any(english in m for english in ENGLISH_DJANGO)]


def model_of(target: str):
    app, model, name = target.split(".")
    return apps.get_model(app, model), name


class _Rollback(Exception):
    pass


def post_hostile(case: FormCase, w: FormWorld) -> list[str]:
    """Post every kind of hostile value through one form; the problems found."""
    client = lenient_client(w.world, case.persona)
    problems, accepted, refusals = [], set(), {}
    counter = iter(range(10**6))
    page = None

    def post(kind: str, structured: bool = False) -> None:
        nonlocal page
        if page is None:  # a fresh form: the first post, or after a save changed the record's version
            page = client.get(case.url(w))
            assert page.status_code == 200, f"{case.id}: GET {failure(page)}"
        found = forms_on(page)
        data = {}
        for form in found:
            data.update(initial_data(form))
        data.update(case.base(w, next(counter)) if case.base else {})
        typed, has_structured = {}, False
        for index, (key, form_field, target, is_structure) in enumerate(text_fields(case, found)):
            has_structured |= is_structure
            if is_structure and structured:
                data[key] = free_value(kind, form_field, index)
            elif not is_structure and not structured:
                make = url_value if isinstance(form_field, forms.URLField) else free_value
                data[key] = make(kind, form_field, index)
                typed[key] = (data[key], target)
        if structured and not has_structured:
            return
        where = f"{case.id} [{kind}{' in structured fields' if structured else ''}]"
        before = database_state()
        response = client.post(case.url(w), data)
        if response.status_code == 302:
            if any("version" in form.fields for form in found):
                page = None  # the record's version changed: the next post needs the new one
            accepted.add(kind)
            if any("\x00" in str(value) for value in data.values()):
                problems.append(f"{where}: a NUL was accepted")
            for key, (value, target) in typed.items():
                model, name = model_of(target) if target else (None, None)
                # As typed, but for the invisible characters every form drops (common.forms.clean_text).
                if model is not None and not model.objects.filter(**{name: clean_text(value)}).exists():
                    problems.append(f"{where}: {key} was not stored as typed ({target})")
            if kind == "markup" and not structured:
                shown = client.get(case.shown_at(w) if case.shown_at else response["Location"])
                html = shown.content.decode()
                if shown.status_code != 200:
                    problems.append(f"{where}: the page after saving: {failure(shown)}")
                elif raw := raw_markup(html):
                    problems.append(f"{where}: the page after saving shows unescaped markup {raw[:1]}")
                elif typed and escape(SCRIPT) not in html:
                    problems.append(f"{where}: the page after saving does not show the text")
        elif response.status_code in (200, 409):
            messages = form_errors(forms_on(response)) if response.context else []
            refusals[kind] = messages[:3]
            if not messages:
                problems.append(f"{where}: refused without a message")
            if bad := russian_problems(messages):
                problems.append(f"{where}: refused with a message that is not Russian: {bad[:2]}")
            if "nul" in kind and not any(NUL_MESSAGE in m for m in messages):
                problems.append(f"{where}: a NUL was refused without saying so: {messages[:2]}")
            if database_state() != before:
                problems.append(f"{where}: refused, yet the database changed")
        else:
            problems.append(f"{where}: {failure(response)}")

    for kind in FORM_KINDS:
        post(kind)
    for kind in ("markup", "nul"):
        post(kind, structured=True)  # an e-mail, a code, a link, a period: accepted as such, or refused
    for kind in ("markup", "formula", "max_length"):
        if kind not in accepted:
            problems.append(
                f"{case.id}: refuses free text ({kind}), so nothing stored could be checked: {refusals.get(kind)}"
            )
    return problems
