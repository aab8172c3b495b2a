"""Forms of the events: the event, a participant (a person picked through the people picker, or a pair),
a document, the kinds' list, and the list's filters."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from common.forms import RegistryModelForm, fix_organisation, helper, use_ru_dates
from common.text import normalise
from events.files import ACCEPTED, check_upload
from events.models import Event, EventKind, EventParticipant, Level
from registry.forms.reference import ReferenceItemForm
from registry.models import EducationDepartment, MentoringPair, Organisation, Person
from roadmap.models import Occurrence


def occurrence_label(occurrence: Occurrence) -> str:
    item = occurrence.item
    text = " ".join(item.content.split())
    if len(text) > 90:
        text = text[:89] + "…"
    when = occurrence.label or (f"{occurrence.due:%d.%m.%Y}" if occurrence.due else "")
    school = f", {occurrence.organisation.short_name}" if occurrence.organisation_id else ""
    return f"{item.number} {text} — {when}{school} ({item.roadmap.title[:60]})"


class EventForm(RegistryModelForm):
    class Meta:
        model = Event
        fields = [
            "department",
            "title",
            "kind",
            "level",
            "organisation",
            "start_date",
            "end_date",
            "organiser",
            "description",
            "roadmap_occurrence",
            "version",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"organiser": "Например: управление образования, ИРО, школа № 5."}

    def __init__(
        self,
        *args,
        departments: QuerySet[EducationDepartment],
        organisations: QuerySet[Organisation],
        school_only: bool,
        occurrences: QuerySet[Occurrence],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        department_field = self.fields["department"]
        department_field.queryset = departments
        department_field.empty_label = None
        if self.instance.pk or len(departments) == 1:
            # An event never moves between tenants.
            self.initial["department"] = self.instance.department_id if self.instance.pk else departments[0].pk
            department_field.disabled = True
            department_field.widget = forms.HiddenInput()
        department_ids = [d.pk for d in departments] if not self.instance.pk else [self.instance.department_id]
        self.fields["kind"].queryset = (
            EventKind.objects.filter(Q(department__isnull=True) | Q(department_id__in=department_ids))
            .filter(Q(is_active=True) | Q(pk=self.instance.kind_id))
            .order_by("position", "name")
        )
        organisation = self.fields["organisation"]
        organisation.queryset = organisations.filter(department_id__in=department_ids)
        self.school_only = school_only
        if school_only:
            self.initial["level"] = Level.SCHOOL
            self.fields["level"].disabled = True
            self.fields["level"].widget = forms.HiddenInput()
            fix_organisation(self, organisation.queryset, current=self.instance.organisation_id)
            organisation.required = True
        occurrence = self.fields["roadmap_occurrence"]
        occurrence.queryset = occurrences.select_related("item__roadmap", "organisation")
        occurrence.label_from_instance = occurrence_label
        occurrence.required = False
        use_ru_dates(self)
        self.helper = helper("Сохранить")

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.school_only:
            cleaned["level"] = Level.SCHOOL
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Окончание мероприятия раньше его начала.")
        if cleaned.get("level") == Level.SCHOOL and not cleaned.get("organisation"):
            self.add_error("organisation", "У школьного мероприятия укажите школу.")
        department, organisation = cleaned.get("department"), cleaned.get("organisation")
        if department and organisation and organisation.department_id != department.pk:
            self.add_error("organisation", "Организация относится к другому муниципалитету.")
        occurrence = cleaned.get("roadmap_occurrence")
        if department and occurrence and occurrence.item.roadmap.department_id != department.pk:
            self.add_error("roadmap_occurrence", "Пункт дорожной карты относится к другому муниципалитету.")
        return cleaned


class ParticipantForm(RegistryModelForm):
    """A person (the people picker, scoped like every picker) or a pair of the department; the result, hours
    for a training event, the certificate through the upload gate."""

    class Meta:
        model = EventParticipant
        fields = ["person", "pair", "result", "training_hours", "certificate", "version"]
        widgets = {"certificate": forms.FileInput}

    def __init__(self, *args, event: Event, people: QuerySet[Person], pairs: QuerySet[MentoringPair], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.instance.event = event
        if self.instance.pk:
            del self.fields["person"]
            del self.fields["pair"]
        else:
            person = self.fields["person"]
            person.queryset = people
            person.help_text = "Начните вводить фамилию. Или выберите пару (группу) ниже."
            person.widget.attrs["data-autocomplete-url"] = reverse("person_autocomplete")
            person.widget.choices = self._chosen_person(people)
            pair = self.fields["pair"]
            pair.queryset = pairs
            pair.label_from_instance = lambda p: f"{p.mentor.full_name} — {p.format} ({p.organisation.short_name})"
            pair.help_text = "Действующие пары и группы; участие пары в обучении засчитывается её наставнику."
        hours = self.fields["training_hours"]
        if event.kind.is_training:
            hours.help_text = "Сколько часов обучения засчитать участнику."
        else:
            hours.widget = forms.HiddenInput()
        certificate = self.fields["certificate"]
        certificate.help_text = ACCEPTED
        if self.instance.certificate:
            # crispy renders help text as HTML: the uploaded name is the user's text, so escape it.
            certificate.help_text = format_html(
                "Загружен: {}. Выберите другой файл, чтобы заменить его. {}",
                self.instance.certificate_original_name,
                ACCEPTED,
            )
        self.helper = helper("Сохранить")

    def _chosen_person(self, people: QuerySet[Person]) -> list[tuple]:
        raw = self.data.get(self.add_prefix("person"), "") if self.is_bound else ""
        chosen = people.filter(pk=int(raw)).select_related("organisation") if str(raw).isdigit() else []
        return [("", "— выберите —")] + [(p.pk, p.picker_label) for p in chosen]

    def clean_certificate(self):
        upload = self.cleaned_data.get("certificate")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already kept
            self.instance.certificate_original_name = check_upload(upload)
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.instance.pk:
            person, pair = cleaned.get("person"), cleaned.get("pair")
            if "person" not in self.errors and "pair" not in self.errors:
                if bool(person) == bool(pair):
                    raise forms.ValidationError("Выберите участника — человека или пару (группу), одно из двух.")
            taken = EventParticipant.objects.filter(event=self.event)
            if person and taken.filter(person=person).exists():
                self.add_error("person", "Этот участник уже есть в мероприятии.")
            if pair and taken.filter(pair=pair).exists():
                self.add_error("pair", "Эта пара уже есть в мероприятии.")
        if not self.event.kind.is_training:
            cleaned["training_hours"] = None
        return cleaned


class DocumentForm(forms.Form):
    file = forms.FileField(label="Документ", help_text=ACCEPTED)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper("Загрузить")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.original_name = check_upload(upload)
        return upload


class EventKindForm(ReferenceItemForm):
    class Meta(ReferenceItemForm.Meta):
        model = EventKind
        fields = ["department", "name", "is_training", "position", "is_active", "version"]


class FilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    year = forms.TypedChoiceField(label="Год", required=False, coerce=int, empty_value=None)
    kind = forms.ModelChoiceField(label="Вид", queryset=EventKind.objects.none(), required=False)
    level = forms.ChoiceField(label="Уровень", required=False, choices=[("", "Все"), *Level.choices])
    organisation = forms.ModelChoiceField(
        label="Организация", queryset=Organisation.objects.none(), required=False, empty_label="Все"
    )

    def __init__(self, *args, kinds: QuerySet[EventKind], organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", "Все")] + [(y, str(y)) for y in range(this_year + 1, this_year - 8, -1)]
        self.fields["kind"].queryset = kinds
        self.fields["kind"].empty_label = "Все"
        self.fields["organisation"].queryset = organisations

    def filter(self, events: QuerySet[Event]) -> QuerySet[Event]:
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("q"):
            needle = normalise(data["q"])
            ids = [pk for pk, title in events.values_list("pk", "title") if needle in normalise(title)]
            events = events.filter(pk__in=ids)
        if data.get("year"):
            events = events.filter(start_date__year__lte=data["year"], end_date__year__gte=data["year"])
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("level"):
            events = events.filter(level=data["level"])
        if data.get("organisation"):
            events = events.filter(organisation=data["organisation"])
        return events
