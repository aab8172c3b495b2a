"""Forms of the region: opening a regional collection (the coordinator), answering it (a methodist)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from common.forms import RegistryModelForm, helper, use_ru_dates
from region.models import RegionalCollection
from reporting.models import Snapshot


class RegionalCollectionForm(RegistryModelForm):
    class Meta:
        model = RegionalCollection
        fields = ["title", "deadline", "first_year", "last_year", "version"]

    def __init__(self, *args, region=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if region is not None:
            self.instance.region = region
        if not self.instance.pk:
            year = timezone.localdate().year
            self.initial.setdefault("first_year", year - 1)
            self.initial.setdefault("last_year", year)
        use_ru_dates(self)
        self.helper = helper("Открыть сбор" if not self.instance.pk else "Сохранить")

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first and last and first > last:
            self.add_error("last_year", "Последний год сбора не может быть раньше первого.")
        return cleaned


class SnapshotChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Snapshot) -> str:
        years = obj.data.get("years") or []
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
        return f"{obj.collection.title} (снят {timezone.localtime(obj.taken_at):%d.%m.%Y}, годы {span})"


class AnswerForm(forms.Form):
    snapshot = SnapshotChoice(
        label="Снимок сбора муниципалитета",
        queryset=Snapshot.objects.none(),
        empty_label=None,
        help_text="Снимок закрытого сбора муниципалитета, в котором есть все годы сбора региона.",
    )

    def __init__(self, *args, snapshots, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = snapshots
        self.helper = helper("Отправить в регион")
