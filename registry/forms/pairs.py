from __future__ import annotations

from datetime import date

from crispy_forms.layout import Div, Layout
from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from common.forms import LinkedSelect, RegistryModelForm, fix_organisation, formfield, helper, use_ru_dates
from registry.forms.people import NewMenteeFormSet, NewMentorForm
from registry.models import (
    Meeting,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    MentoringProgram,
    Organisation,
    PairMentee,
    PairStatus,
    Person,
    PersonCategory,
    RoleModel,
)
from registry.services.pairs import fits_format, named_for


def _departments(organisations: QuerySet[Organisation]) -> set[int]:
    return {organisation.department_id for organisation in organisations}


def _reference(model, organisations: QuerySet[Organisation]):
    """Common items and those of the user's departments; hidden ones are not offered."""
    departments = _departments(organisations)
    return model.objects.filter(Q(department__isnull=True) | Q(department_id__in=departments)).active()


class ProgramForm(RegistryModelForm):
    class Meta:
        model = MentoringProgram
        fields = ["organisation", "name", "start_date", "end_date", "formats", "description", "version"]
        widgets = {"formats": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fix_organisation(self, organisations, current=self.instance.organisation_id if self.instance.pk else None)
        self.fields["formats"].queryset = _reference(MentoringFormat, organisations)
        use_ru_dates(self)
        self.helper = helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Окончание программы не может быть раньше её начала.")
        return cleaned


class ProgramFilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все организации"
    )
    year = forms.IntegerField(label="Год", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        self.fields["year"].widget.attrs["class"] = "form-control"

    def apply(self, programs: QuerySet[MentoringProgram]) -> QuerySet[MentoringProgram]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            programs = programs.filter(name__icontains=data["q"])
        if data.get("organisation"):
            programs = programs.filter(organisation=data["organisation"])
        if data.get("year"):
            year = data["year"]
            programs = programs.filter(start_date__lte=date(year, 12, 31)).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=date(year, 1, 1))
            )
        return programs.order_by("-start_date", "name", "pk")


class PairForm(RegistryModelForm):
    """A pair's own fields plus the choice of an existing mentor and mentees ("form a pair")."""

    mentor_choice = forms.ModelChoiceField(
        label="Наставник из базы",
        required=False,
        queryset=Person.objects.none(),
        help_text="Начните вводить фамилию. Нет в базе — заполните блок «Новый наставник» ниже.",
    )
    mentees_choice = forms.ModelMultipleChoiceField(
        label="Наставляемые из базы",
        required=False,
        queryset=Person.objects.none(),
        help_text="Можно выбрать несколько (группа). Новых наставляемых впишите ниже.",
    )

    class Meta:
        model = MentoringPair
        fields = [
            "organisation",
            "program",
            "format",
            "role_model",
            "kind",
            "entry_date",
            "planned_end_date",
            "order_number",
            "order_date",
            "stage",
            "version",
        ]

    def __init__(self, *args, organisations: QuerySet[Organisation], people: QuerySet[Person], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fix_organisation(self, organisations, current=self.instance.organisation_id if self.instance.pk else None)
        self.fields["program"].queryset = MentoringProgram.objects.filter(organisation__in=organisations)
        self.fields["program"].required = False
        self.fields["format"].queryset = _reference(MentoringFormat, organisations)
        self.fields["kind"].queryset = _reference(MentoringKind, organisations)
        # Only the chosen form's role models are offered (static/js/linked-select.js); clean() checks it.
        self.fields["role_model"].widget = LinkedSelect(depends_on="format", parent_of=lambda rm: rm.format_id)
        self.fields["role_model"].queryset = _reference(RoleModel, organisations).select_related("format")
        self.fields["role_model"].label_from_instance = lambda rm: f"{rm.format}: {rm.name}"
        use_ru_dates(self)
        self.people = people
        # The pickers search the whole scope through person_autocomplete; only chosen ones are rendered.
        if self.instance.pk and not self.is_bound:
            self.initial["mentor_choice"] = self.instance.mentor_id
            self.initial["mentees_choice"] = [p.mentee_id for p in self.instance.participations.all()]
        for name in ("mentor_choice", "mentees_choice"):
            self.fields[name].queryset = people
            widget = self.fields[name].widget
            widget.attrs["data-autocomplete-url"] = reverse("person_autocomplete")
            widget.choices = self._chosen_choices(name)
        self.fields["mentees_choice"].widget.attrs["data-same-organisation"] = "1"
        self.helper = helper(None)
        self.helper.layout = Layout(
            "organisation",
            Div(Div("format", css_class="col-md-6"), Div("role_model", css_class="col-md-6"), css_class="row"),
            Div(Div("kind", css_class="col-md-6"), Div("program", css_class="col-md-6"), css_class="row"),
            Div(
                Div("entry_date", css_class="col-md-3"),
                Div("planned_end_date", css_class="col-md-3"),
                Div("order_number", css_class="col-md-3"),
                Div("order_date", css_class="col-md-3"),
                css_class="row",
            ),
            "stage",
            "version",
        )

    def _chosen_choices(self, name: str) -> list[tuple]:
        """Options for the picker: only the people already chosen (not the whole base)."""
        if self.is_bound:
            raw = self.data.getlist(self.add_prefix(name)) if hasattr(self.data, "getlist") else []
        else:
            value = self.initial.get(name)
            raw = value if isinstance(value, list) else ([value] if value else [])
        pks = [int(v) for v in raw if str(v).isdigit()]
        chosen = self.people.filter(pk__in=pks).select_related("organisation") if pks else []
        empty = [("", "— выберите —")] if name == "mentor_choice" else []
        return empty + [(person.pk, person.picker_label) for person in chosen]

    def clean(self) -> dict:
        cleaned = super().clean()
        organisation, program = cleaned.get("organisation"), cleaned.get("program")
        if program and organisation and program.organisation_id != organisation.pk:
            self.add_error("program", "Программа относится к другой организации.")
        role_model, mentoring_format = cleaned.get("role_model"), cleaned.get("format")
        if role_model and mentoring_format and role_model.format_id != mentoring_format.pk:
            self.add_error("role_model", f"Эта ролевая модель — для формы «{role_model.format}».")
        entry = cleaned.get("entry_date")
        for name, label in (("planned_end_date", "Плановая дата завершения"),):
            value = cleaned.get(name)
            if entry and value and value < entry:
                self.add_error(name, f"{label} не может быть раньше даты вхождения.")
        if bool(cleaned.get("order_number")) != bool(cleaned.get("order_date")):
            self.add_error(
                "order_date" if cleaned.get("order_number") else "order_number",
                "Укажите и номер, и дату приказа о закреплении (или оставьте оба поля пустыми).",
            )
        return cleaned


class PairFilterForm(forms.Form):
    SORTS = {
        "-entry": ("-entry_date", "-pk"),
        "entry": ("entry_date", "pk"),
        "mentor": ("mentor__last_name", "mentor__first_name", "pk"),
        "planned_end": ("planned_end_date", "pk"),
    }

    q = forms.CharField(label="Поиск", required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все организации"
    )
    format = forms.ModelChoiceField(
        label="Форма", required=False, queryset=MentoringFormat.objects.none(), empty_label="Все формы"
    )
    status = forms.ChoiceField(label="Состояние", required=False, choices=[("", "Все"), *PairStatus.choices])
    year = forms.IntegerField(label="Действовала в году", required=False, min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label="Категория наставляемых", required=False, choices=[("", "Все"), *PersonCategory.choices]
    )
    sort = forms.ChoiceField(
        label="Сортировка",
        required=False,
        choices=[
            ("-entry", "Сначала новые"),
            ("entry", "Сначала старые"),
            ("mentor", "По наставнику"),
            ("planned_end", "По плановому завершению"),
        ],
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["format"].queryset = _reference(MentoringFormat, organisations)
        for name in ("organisation", "format", "status", "category", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["year"].widget.attrs["class"] = "form-control"

    def apply(self, pairs: QuerySet[MentoringPair]) -> QuerySet[MentoringPair]:
        data = self.cleaned_data if self.is_valid() else {}
        pairs = pairs.filtered(
            q=data.get("q", ""),
            organisation=data["organisation"].pk if data.get("organisation") else None,
            format=data["format"].pk if data.get("format") else None,
            status=data.get("status", ""),
            year=data.get("year"),
            category=data.get("category", ""),
        )
        return pairs.order_by(*self.SORTS.get(data.get("sort") or "-entry"))


class PairEntry:
    """The pair's page as one form: the pair (people picked from the base), a new mentor typed in,
    new mentees typed in — and the rules that span them (a mentor from one place, at least one mentee)."""

    def __init__(self, data, *, pair: MentoringPair | None, initial, organisations, people) -> None:
        self.form = PairForm(data, instance=pair, initial=initial, organisations=organisations, people=people)
        self.new_mentor = NewMentorForm(data, prefix="new_mentor")
        self.new_mentees = NewMenteeFormSet(data, prefix="new_mentee")

    def is_valid(self) -> bool:
        if not all([self.form.is_valid(), self.new_mentor.is_valid(), self.new_mentees.is_valid()]):
            return False
        chosen = self.form.cleaned_data.get("mentor_choice")
        if chosen and self.new_mentor.has_changed():
            self.form.add_error("mentor_choice", "Выберите наставника из базы или впишите нового — что-то одно.")
        elif not chosen and not self.new_mentor.has_changed():
            self.form.add_error("mentor_choice", "Укажите наставника: выберите из базы или впишите нового.")
        if not self.form.cleaned_data.get("mentees_choice") and not self._typed_mentees():
            self.form.add_error("mentees_choice", "Добавьте хотя бы одного наставляемого: из базы или нового.")
        return self.form.is_valid()

    def _typed_mentees(self) -> list[forms.Form]:
        return [form for form in self.new_mentees if form.has_changed()]

    def chosen(self) -> tuple[MentoringPair, Organisation, Person, list[Person]]:
        """The pair, its organisation, mentor and mentees; people typed in are new, not saved yet."""
        data = self.form.cleaned_data
        mentor = data.get("mentor_choice") or self.new_mentor.save(commit=False)
        mentees = [*data["mentees_choice"], *(form.save(commit=False) for form in self._typed_mentees())]
        return self.form.save(commit=False), data["organisation"], mentor, mentees

    def format_fits(self, *, can_add_formats: bool) -> bool:
        """Whether the chosen form accepts the people chosen; if not, the form field says which forms would
        (by their rule and their name), and how a form of the municipality's own is added."""
        pair, _, mentor, mentees = self.chosen()
        if fits_format(pair.format, mentor, mentees):
            return True
        rule = pair.format.get_participants_display().lower()
        formats = [item for item in self.form.fields["format"].queryset if fits_format(item, mentor, mentees)]
        named = [f"«{item}»" for item in formats if named_for(item, mentor, mentees)]
        kinds = sorted({mentee.get_category_display().lower() for mentee in mentees})
        if len(mentees) == 1:
            mentees_are = f"наставляемый — {kinds[0]}"
        else:
            mentees_are = f"наставляемые — {'категория' if len(kinds) == 1 else 'категории'} " + ", ".join(
                f"«{kind}»" for kind in kinds
            )
        who = f"наставник — {mentor.get_category_display().lower()}, {mentees_are}"
        message = f"Форма «{pair.format}» — {rule}, а здесь {who}. "
        if named:
            message += f"Для них подходят формы: {', '.join(named)} — выберите одну из них. "
        else:
            message += "Формы для таких участников в справочнике нет. "
            if can_add_formats:
                message += (
                    "Добавьте форму муниципалитета: «Справочники» → «Формы наставничества» → «Добавить» "
                    "(например, «учитель – ученик», участники — «Любые участники»), затем выберите её здесь."
                )
            else:
                message += "Попросите методиста муниципалитета добавить её в справочник форм, затем выберите её здесь."
        self.form.add_error("format", message.strip())
        return False

    def context(self) -> dict:
        return {"form": self.form, "new_mentor": self.new_mentor, "new_mentees": self.new_mentees}


class PairCompleteForm(RegistryModelForm):
    class Meta:
        model = MentoringPair
        formfield_callback = formfield
        fields = ["end_date", "results", "mentor_feedback_url", "version"]
        widgets = {"results": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True
        self.fields["results"].required = True
        self.fields["results"].help_text = "Для базы наставников: чего достигли пара или группа."
        use_ru_dates(self)
        self.helper = helper(None)

    def clean_end_date(self) -> date:
        end = self.cleaned_data["end_date"]
        if end < self.instance.entry_date:
            raise forms.ValidationError(
                f"Дата завершения не может быть раньше даты вхождения ({self.instance.entry_date:%d.%m.%Y})."
            )
        return end


class ParticipationResultForm(RegistryModelForm):
    class Meta:
        model = PairMentee
        formfield_callback = formfield
        fields = ["completion_mark", "results", "feedback_url", "iom_built"]
        widgets = {"results": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completion_mark"].required = True
        self.helper = helper(None)
        self.helper.form_show_labels = True


# One form per participation of the pair, edited only (a forged TOTAL_FORMS adds no row), and bounded.
GROUP_MAX = 200
ParticipationResultFormSet = forms.modelformset_factory(
    PairMentee,
    form=ParticipationResultForm,
    formfield_callback=formfield,
    extra=0,
    can_delete=False,
    edit_only=True,
    max_num=GROUP_MAX,
    absolute_max=GROUP_MAX,
)


class MeetingForm(RegistryModelForm):
    class Meta:
        model = Meeting
        fields = ["date", "kind", "note", "feedback", "version"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2}), "feedback": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, pair: MentoringPair, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pair = self.instance.pair = pair
        self.fields["kind"].queryset = MeetingKind.objects.for_department(pair.organisation.department_id).active()
        use_ru_dates(self)
        self.helper = helper("Сохранить" if self.instance.pk else "Добавить встречу")
        self.helper.render_hidden_fields = True  # the version, which the layout does not name
        self.helper.layout = Layout(
            Div(Div("date", css_class="col-md-4"), Div("kind", css_class="col-md-8"), css_class="row"),
            "note",
            "feedback",
        )

    def clean_date(self) -> date:
        day = self.cleaned_data["date"]
        if day < self.pair.entry_date:
            raise forms.ValidationError(
                f"Встреча не может быть раньше вхождения пары в программу ({self.pair.entry_date:%d.%m.%Y})."
            )
        if self.pair.end_date and day > self.pair.end_date:
            raise forms.ValidationError(
                f"Пара завершена {self.pair.end_date:%d.%m.%Y}: встреча не может быть позже. "
                "Проверьте дату или исправьте дату завершения пары."
            )
        today = timezone.localdate()
        if day > today:
            raise forms.ValidationError(
                f"Дата {day:%d.%m.%Y} ещё не наступила: в журнал вносятся проведённые встречи. "
                "Запишите встречу в день её проведения или позже."
            )
        return day
