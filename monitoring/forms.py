"""Forms of the monitoring pages: which department and years, the contingent and its upload."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from common.forms import RegistryModelForm, helper
from monitoring.indicators import INDICATORS
from monitoring.models import FIRST_YEAR, LAST_YEAR, Contingent

YEAR_FIELD = {"min_value": FIRST_YEAR, "max_value": LAST_YEAR}


def _select(field: forms.Field) -> None:
    field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


class TableForm(forms.Form):
    """The indicator table's choice: a department the user reads as a whole and a range of years."""

    department = forms.ModelChoiceField(label="Муниципалитет", queryset=None, empty_label=None, required=False)
    first = forms.IntegerField(label="С года", required=False, **YEAR_FIELD)
    last = forms.IntegerField(label="по год", required=False, **YEAR_FIELD)

    MAX_YEARS = 15

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        for field in self.fields.values():
            _select(field)

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "Последний год не может быть раньше первого.")
            elif last - first >= self.MAX_YEARS:
                self.add_error("last", f"Выберите не больше {self.MAX_YEARS} лет.")
        return cleaned


class CellForm(forms.Form):
    """One figure of the table: an indicator, a year and optionally an organisation."""

    indicator = forms.ChoiceField(choices=[(i.code, i.title) for i in INDICATORS])
    year = forms.IntegerField(**YEAR_FIELD)
    department = forms.IntegerField(required=False)
    organisation = forms.IntegerField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in ("name", "value", "-value", "-numerator")])


class ContingentForm(RegistryModelForm):
    class Meta:
        model = Contingent
        fields = ["students_total", "students_10_18", "teachers", "young_specialists", "young_teachers", "version"]
        help_texts = {
            "students_10_18": "Возраст — год показателя минус год рождения.",
            "young_teachers": "Национальная цель: вовлечь в наставничество не менее 70 %.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        for name in self.Meta.fields:
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        try:
            self.instance.clean()
        except forms.ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class ContingentUploadForm(forms.Form):
    year = forms.IntegerField(label="Год", **YEAR_FIELD)
    file = forms.FileField(
        label="Файл .xlsx", help_text="Заполненный шаблон контингента: одна строка — одна организация."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
