from __future__ import annotations

from django import forms

from common.files.uploads import UploadRefused
from common.forms import CleanCharField, _date_range, use_ru_dates
from paperwork import services
from paperwork.exports import PairIds
from paperwork.models import DocumentKind
from registry.models import EducationDepartment


class OrderNumberForm(forms.Form):
    """«Внести номер и дату приказа» for the pairs chosen on the page."""

    pairs = PairIds(required=True, error_messages={"required": "Отметьте пары, которые закрепил приказ."})
    number = CleanCharField(label="Номер приказа", max_length=50)
    date = forms.DateField(label="Дата приказа", validators=[_date_range])
    scan = forms.FileField(
        label="Скан подписанного приказа",
        required=False,
        help_text="Необязательно: PDF или изображение JPEG, PNG, до 10 МБ.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_ru_dates(self)
        self.fields["number"].error_messages["required"] = "Укажите номер приказа."
        self.fields["date"].error_messages["required"] = "Укажите дату приказа."

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        if not upload:
            return None
        try:
            return services.check_scan(upload, upload.name)
        except UploadRefused as refused:
            raise forms.ValidationError(refused.message) from None


class TemplateUploadForm(forms.Form):
    department = forms.ModelChoiceField(label="Муниципалитет", queryset=EducationDepartment.objects.none())
    kind = forms.ChoiceField(label="Документ", choices=DocumentKind.choices)
    file = forms.FileField(label="Шаблон (.docx)")

    def __init__(self, *args, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = None
        if len(departments) == 1:
            self.fields["department"].initial = departments[0].pk
            self.fields["department"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload and kind:
            try:
                cleaned["content"] = services.check_template(upload, upload.name, kind)
            except UploadRefused as refused:
                self.add_error("file", refused.message)
        return cleaned
