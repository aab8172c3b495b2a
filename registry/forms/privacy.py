"""Filters of the access log and the confirmation of an erasure."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from registry.models import AccessKind, Organisation, Person, PersonalDataAccess


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    kind = forms.ChoiceField(label="Действие", required=False, choices=[("", "Все действия"), *AccessKind.choices])
    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все организации"
    )
    date_from = forms.DateField(label="С", required=False, widget=forms.DateInput(attrs={"placeholder": "дд.мм.гггг"}))
    date_to = forms.DateField(label="По", required=False, widget=forms.DateInput(attrs={"placeholder": "дд.мм.гггг"}))

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        for name in ("kind", "organisation"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("Дата «с» позже даты «по»: поменяйте их местами.")
        return data

    def apply(self, entries: QuerySet[PersonalDataAccess]) -> QuerySet[PersonalDataAccess]:
        if not self.is_bound:
            return entries
        if not self.is_valid():
            # An audit page never shows more than was asked for: a wrong filter shows its error, not the whole log.
            return entries.none()
        data = self.cleaned_data
        if data.get("q"):
            shown = PersonalDataAccess.people.through.objects.filter(person__in=Person.objects.search(data["q"]))
            entries = entries.filter(
                Q(what__icontains=data["q"])
                | Q(user_name__icontains=data["q"])
                | Q(pk__in=shown.values("personaldataaccess_id"))
            )
        if data.get("kind"):
            entries = entries.filter(kind=data["kind"])
        if data.get("organisation"):
            entries = entries.filter(organisation=data["organisation"])
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="Я понимаю, что сведения будут уничтожены без возможности восстановления",
        required=True,
        error_messages={"required": "Подтвердите удаление: отметьте флажок."},
    )
