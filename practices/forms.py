"""Forms of the bank: a practice (its text, program, form, role model and, once it exists, its completed
pairs), a file, the methodist's comment «на доработку», and the list's filters."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from common.forms import TEXT_MAX, CleanCharField, RegistryModelForm, fix_organisation, helper
from practices.models import FILE_EXTENSIONS, FILE_MAX_BYTES, Practice, PracticeState
from registry.models import MentoringFormat, MentoringPair, MentoringProgram, Organisation, RoleModel


class PairChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        ended = obj.end_date.strftime("%d.%m.%Y") if obj.end_date else ""
        return f"{obj.mentor} — {obj.format} (завершена {ended})"


class PracticeForm(RegistryModelForm):
    pairs = PairChoice(
        label="Завершённые пары, на результаты которых опирается практика",
        queryset=MentoringPair.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Только завершённые пары организации практики. На публичной странице пары не показываются.",
    )

    class Meta:
        model = Practice
        fields = ["organisation", "title", "program", "format", "role_model", "description", "pairs", "version"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        practice = self.instance
        fix_organisation(self, organisations, current=practice.organisation_id if practice.pk else None)
        department_id = practice.department_id if practice.pk else organisations[0].department_id
        school_ids = [practice.organisation_id] if practice.pk else [o.pk for o in organisations]
        self.fields["program"].queryset = MentoringProgram.objects.filter(organisation_id__in=school_ids)
        self.fields["format"].queryset = MentoringFormat.objects.for_department(department_id).active()
        self.fields["role_model"].queryset = RoleModel.objects.for_department(department_id).active()
        if practice.pk:
            self.fields["pairs"].queryset = (
                MentoringPair.objects.filter(organisation_id=practice.organisation_id)
                .completed()
                .select_related("mentor", "format")
                .order_by("-end_date", "pk")
            )
            self.initial.setdefault("pairs", list(practice.pairs.values_list("pk", flat=True)))
        else:
            del self.fields["pairs"]
        self.helper = helper("Сохранить")

    def clean(self) -> dict:
        cleaned = super().clean()
        program = cleaned.get("program")
        organisation = cleaned.get("organisation") or (self.instance.organisation if self.instance.pk else None)
        if program is not None and organisation is not None and program.organisation_id != organisation.pk:
            self.add_error("program", "Программа другой организации: выберите программу организации практики.")
        return cleaned


class FileForm(forms.Form):
    file = forms.FileField(
        label="Файл",
        help_text=f"До {FILE_MAX_BYTES // (1024 * 1024)} МБ: {', '.join(FILE_EXTENSIONS)}. "
        "Файлы опубликованной практики доступны всем: в имени и в содержании файла не должно быть имён участников.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper("Загрузить файл")


class ReturnForm(forms.Form):
    comment = CleanCharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        help_text="Куратор увидит комментарий в карточке практики.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper("Вернуть на доработку")


def year_choices() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [("", "Все годы"), *((str(y), str(y)) for y in range(this, this - 8, -1))]


class FilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    state = forms.ChoiceField(label="Состояние", required=False, choices=[("", "Все"), *PracticeState.choices])
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все"
    )
    format = forms.ModelChoiceField(
        label="Форма наставничества", required=False, queryset=MentoringFormat.objects.none(), empty_label="Все"
    )
    year = forms.TypedChoiceField(label="Год", required=False, coerce=int, empty_value=None, choices=year_choices)

    def __init__(self, *args, organisations: QuerySet[Organisation], formats: QuerySet[MentoringFormat], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["format"].queryset = formats
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
