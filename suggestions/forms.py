from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from common.forms import RegistryModelForm, helper
from registry.models import MentoringFormat, Organisation
from suggestions.models import Weights


class WeightsForm(RegistryModelForm):
    class Meta:
        model = Weights
        fields = [
            "request_competencies",
            "request_achievements",
            "request_interests",
            "subject",
            "age",
            "same_school",
            "load",
            "version",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields[:-1]:
            self.fields[name].validators += [MinValueValidator(0), MaxValueValidator(10)]
            self.fields[name].widget.attrs.update(min=0, max=10)
        self.helper = helper()


class ProposalForm(forms.Form):
    """What a proposal covers: a school (none — every school, for a methodist) and the form."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Образовательная организация"
    )
    format = forms.ModelChoiceField(queryset=MentoringFormat.objects.none(), label="Форма наставничества")

    def __init__(self, *args, organisations, formats, department_wide: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.department_wide = department_wide
        self.fields["organisation"].queryset = organisations
        self.fields["format"].queryset = formats
        if department_wide:
            self.fields["organisation"].empty_label = "Все организации муниципалитета"
        else:
            self.fields["organisation"].required = True
        self.helper = helper("Рассчитать предложение")


class SuggestForm(forms.Form):
    """The form on «Подобрать наставника»."""

    format = forms.ModelChoiceField(queryset=MentoringFormat.objects.none(), label="Форма наставничества")

    def __init__(self, *args, formats, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["format"].queryset = formats
