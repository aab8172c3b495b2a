"""Forms of the collections: opening or editing one (the methodist), confirming an organisation's data
(the curator: the tick «базы актуальны» and an explanation for each open data-quality problem)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from common.forms import TEXT_MAX, RegistryModelForm, clean_text, helper, use_ru_dates
from reporting.checklist import Problem
from reporting.models import Collection, Requirement


class CollectionForm(RegistryModelForm):
    requirements = forms.MultipleChoiceField(
        label="Требования к организациям",
        choices=Requirement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Что реестр проверяет у каждой организации, прежде чем куратор сможет подтвердить данные.",
    )

    class Meta:
        model = Collection
        fields = ["title", "deadline", "first_year", "last_year", "requirements", "remind_every_days", "version"]

    def __init__(self, *args, department=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if department is not None:
            self.instance.department = department
        if not self.instance.pk:
            year = timezone.localdate().year
            self.initial.setdefault("first_year", year - 1)
            self.initial.setdefault("last_year", year)
            self.initial.setdefault("requirements", [r.value for r in Requirement])
        use_ru_dates(self)
        self.helper = helper("Сохранить")


class ConfirmForm(forms.Form):
    bases_current = forms.BooleanField(label="Базы наставников и наставляемых актуальны", required=False)

    def __init__(self, *args, problems: list[Problem], needs_tick: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not needs_tick:
            del self.fields["bases_current"]
        self.problems = problems
        for problem in problems:
            self.fields[f"comment_{problem.slug}"] = forms.CharField(
                label=f"{problem.title} ({problem.count}): объяснение",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=TEXT_MAX,
            )
        self.helper = helper("Подтверждаю данные организации")

    def comments(self) -> dict[str, str]:
        return {p.slug: clean_text(self.cleaned_data.get(f"comment_{p.slug}", "") or "").strip() for p in self.problems}
