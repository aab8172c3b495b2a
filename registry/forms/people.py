from __future__ import annotations

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from common.forms import CleanCharField, RegistryModelForm, fix_organisation, helper, use_ru_dates
from registry.models import (
    Consent,
    ConsentGiver,
    MentoringPair,
    Organisation,
    PairMentee,
    Person,
    PersonCategory,
)
from registry.models.people import DESCRIBING_FIELDS, EXTERNAL_CATEGORIES, STAFF_CATEGORIES, current_year

PERSON_FIELDS = ["organisation", *DESCRIBING_FIELDS]
# What "form a pair" asks of a new mentor or mentee: enough for both official forms.
NEW_MENTOR_FIELDS = [
    "last_name",
    "first_name",
    "patronymic",
    "birth_year",
    "category",
    "class_or_group",
    "position",
    "workplace",
    "competencies",
    "time_resource",
    "max_mentees",
]
NEW_MENTEE_FIELDS = [
    "last_name",
    "first_name",
    "patronymic",
    "birth_year",
    "category",
    "class_or_group",
    "position",
    "is_young_teacher",
    "main_request",
]


def check_person(cleaned: dict) -> dict[str, str]:
    """The person rules forms explain: field name → Russian message."""
    errors = {}
    category, year = cleaned.get("category"), cleaned.get("birth_year")
    this_year = current_year()
    if year is not None and not this_year - 100 <= year <= this_year:
        errors["birth_year"] = f"Год рождения — четыре цифры, от {this_year - 100} до {this_year}."
    if category == PersonCategory.STUDENT and year is None:
        errors["birth_year"] = (
            "Для обучающегося год рождения обязателен: по нему видно, нужен ли законный представитель."
        )
    if category in EXTERNAL_CATEGORIES and not cleaned.get("workplace"):
        errors["workplace"] = "Для внешнего участника укажите место работы или учёбы."
    if cleaned.get("is_young_teacher") and category not in STAFF_CATEGORIES:
        errors["is_young_teacher"] = "Отметка «педагог до 35 лет» — только для педагогов и работников."
    return errors


class PersonForm(RegistryModelForm):
    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "version"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("competencies", "achievements", "interests", "main_request")
        }

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fix_organisation(self, organisations, current=self.instance.organisation_id if self.instance.pk else None)
        self.fields["birth_year"].widget.attrs.update({"min": 1900, "max": current_year()})
        self.helper = helper(None)  # the page's button comes after the consent block (person_form.html)
        self.helper.layout = Layout(
            Fieldset(
                "Основное",
                "organisation",
                Div(
                    Div("last_name", css_class="col-md-4"),
                    Div("first_name", css_class="col-md-4"),
                    Div("patronymic", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(Div("birth_year", css_class="col-md-4"), Div("category", css_class="col-md-8"), css_class="row"),
            ),
            # Each block is shown for its categories only (static/js/category-blocks.js); without a script, all.
            Fieldset("Обучающийся", "class_or_group", data_for_categories="student"),
            Fieldset(
                "Педагог или работник",
                "position",
                "is_young_specialist",
                "is_young_teacher",
                data_for_categories="teacher staff",
            ),
            Fieldset("Внешний участник", "workplace", data_for_categories="college_student employee graduate"),
            Fieldset(
                "Как наставник",
                "competencies",
                "achievements",
                "interests",
                Div(
                    Div("desired_mentee_age", css_class="col-md-4"),
                    Div("time_resource", css_class="col-md-4"),
                    Div("max_mentees", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            Fieldset("Как наставляемый", "main_request"),
            "version",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        for field, message in check_person(cleaned).items():
            self.add_error(field, message)
        return cleaned


class _NewPersonForm(RegistryModelForm):
    """A person created right on the "form a pair" page; left blank (unchanged), it means "nobody new"."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.helper = helper(None)
        self.helper.form_tag = False

    def clean(self) -> dict:
        cleaned = super().clean()
        for field, message in check_person(cleaned).items():
            if field in self.fields:
                self.add_error(field, message)
        return cleaned


class NewMentorForm(_NewPersonForm):
    class Meta:
        model = Person
        fields = NEW_MENTOR_FIELDS
        widgets = {"competencies": forms.Textarea(attrs={"rows": 2})}


class NewMenteeForm(_NewPersonForm):
    class Meta:
        model = Person
        fields = NEW_MENTEE_FIELDS
        widgets = {"main_request": forms.Textarea(attrs={"rows": 2})}


class PersonFilterForm(forms.Form):
    SORTS = {
        "name": ("last_name", "first_name", "patronymic", "pk"),
        "-name": ("-last_name", "-first_name", "-patronymic", "-pk"),
        "birth_year": ("-birth_year", "last_name", "pk"),
        "organisation": ("organisation__short_name", "last_name", "pk"),
    }
    ROLES = [("", "Все"), ("mentor", "Наставники"), ("mentee", "Наставляемые"), ("none", "Не в парах")]

    q = forms.CharField(label="Поиск", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все организации"
    )
    category = forms.ChoiceField(
        label="Категория", required=False, choices=[("", "Все категории"), *PersonCategory.choices]
    )
    role = forms.ChoiceField(label="Роль", required=False, choices=ROLES)
    consent = forms.ChoiceField(
        label="Согласие", required=False, choices=[("", "Все"), ("missing", "Несовершеннолетние без согласия")]
    )
    archived = forms.BooleanField(label="Архив", required=False)
    sort = forms.ChoiceField(
        label="Сортировка",
        required=False,
        choices=[
            ("name", "По ФИО"),
            ("-name", "По ФИО, с конца"),
            ("birth_year", "Сначала младшие"),
            ("organisation", "По организации"),
        ],
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for name in ("organisation", "category", "role", "consent", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def apply(self, people: QuerySet[Person]) -> QuerySet[Person]:
        data = self.cleaned_data if self.is_valid() else {}
        people = people.filter(archived_at__isnull=not data.get("archived"))
        people = people.search(data.get("q", ""))
        if data.get("organisation"):
            people = people.filter(organisation=data["organisation"])
        if data.get("category"):
            people = people.filter(category=data["category"])
        role = data.get("role")
        leads = Exists(MentoringPair.objects.filter(mentor=OuterRef("pk")))
        takes_part = Exists(PairMentee.objects.filter(mentee=OuterRef("pk")))
        if role == "mentor":
            people = people.filter(leads)
        elif role == "mentee":
            people = people.filter(takes_part)
        elif role == "none":
            people = people.filter(~leads, ~takes_part)
        if data.get("consent") == "missing":
            people = people.minors().without_consent()
        return people.order_by(*self.SORTS.get(data.get("sort") or "name"))


class ConsentForm(RegistryModelForm):
    class Meta:
        model = Consent
        fields = ["given_by", "representative_name", "representative_relation", "given_on", "note"]
        widgets = {"given_by": forms.RadioSelect}

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = self.instance.person = person
        use_ru_dates(self)
        if not self.is_bound:
            self.initial.setdefault("given_by", ConsentGiver.REPRESENTATIVE if person.is_minor() else ConsentGiver.SELF)
        self.helper = helper("Сохранить согласие")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("given_by") == ConsentGiver.REPRESENTATIVE:
            for name in ("representative_name", "representative_relation"):
                if not cleaned.get(name):
                    self.add_error(name, "Обязательно, когда согласие дал законный представитель.")
        elif cleaned.get("given_by") == ConsentGiver.SELF:
            if self.person.is_certainly_minor():
                self.add_error("given_by", "Участник несовершеннолетний: согласие даёт законный представитель.")
            cleaned["representative_name"] = cleaned["representative_relation"] = ""
        return cleaned


class FirstConsentForm(ConsentForm):
    """The consent entered together with a new person, on the person's own page (optional: only when
    «Согласие получено» is ticked). The person is the unsaved one of the person form."""

    PREFIX = "consent"

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, person=person, prefix=self.PREFIX, **kwargs)
        self.helper = helper(None)
        if not self.is_bound:
            self.initial.pop("given_by", None)  # who gave it depends on the person, not typed yet

    @classmethod
    def wanted(cls, data) -> bool:
        """Whether the page asked to record a consent with the person."""
        return bool(data) and data.get(f"{cls.PREFIX}-recorded") == "on"


class ConsentWithdrawForm(RegistryModelForm):
    class Meta:
        model = Consent
        fields = ["withdrawn_on", "version"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].required = True
        use_ru_dates(self)
        self.helper = helper("Отметить отзыв согласия")

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        if withdrawn_on and withdrawn_on < self.instance.given_on:
            raise forms.ValidationError("Согласие не может быть отозвано раньше, чем дано.")
        return withdrawn_on


class ArchiveForm(forms.Form):
    reason = CleanCharField(
        label="Причина",
        max_length=300,
        required=True,
        help_text="Например: выбыл из организации, отозвал согласие, запись — дубликат.",
    )


# Bounded: a forged TOTAL_FORMS builds at most this many forms (Django's default would build a thousand).
NEW_MENTEES_MAX = 10
NewMenteeFormSet = forms.formset_factory(
    NewMenteeForm, extra=3, max_num=NEW_MENTEES_MAX, absolute_max=NEW_MENTEES_MAX, validate_max=True
)
