"""The import form: which base, into which organisation, which file (the export's is exchange/exports.py)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from common.files.uploads import MAX_UPLOAD_BYTES
from exchange.official import Kind
from registry.models import Organisation

BASE_CHOICES = [(Kind.MENTORS.value, "База наставников"), (Kind.MENTEES.value, "База наставляемых")]


class ImportForm(forms.Form):
    base = forms.ChoiceField(label="Что в файле", choices=BASE_CHOICES, widget=forms.RadioSelect, initial=Kind.MENTEES)
    organisation = forms.ModelChoiceField(
        label="В какую организацию", queryset=Organisation.objects.none(), empty_label="Выберите организацию"
    )
    file = forms.FileField(
        label="Файл Excel (.xlsx)",
        help_text=f"Таблица в форме «База наставников» или «База наставляемых», до {MAX_UPLOAD_BYTES // 2**20} МБ. "
        "Строки с названием над таблицей не мешают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]

    def clean_file(self):
        from exchange.reading import WorkbookError, check_upload

        upload = self.cleaned_data["file"]
        try:
            check_upload(upload, upload.name)
        except WorkbookError as error:
            raise forms.ValidationError(error.message) from None
        upload.seek(0)
        return upload
