"""Forms of the reference lists («Справочники») a methodist extends for the department.

An item always belongs to a department the methodist manages (the view passes them in);
a common item (department empty) is never edited through these forms.
"""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q, QuerySet

from common.forms import RegistryModelForm
from common.text import normalise
from registry.models import EducationDepartment, MeetingKind, MentoringFormat, MentoringKind, RoleModel

DUPLICATE = "Такой элемент уже есть в списке."


class ReferenceItemForm(RegistryModelForm):
    """A department's own item: its name, place in the list and whether new records are offered it."""

    class Meta:
        fields = ["department", "name", "position", "is_active", "version"]
        help_texts = {
            "position": "Чем меньше число, тем выше элемент в списке.",
            "is_active": "Снимите отметку, чтобы скрыть элемент: он останется в старых записях, "
            "но не будет предлагаться для новых.",
        }

    def __init__(self, *args, departments: QuerySet[EducationDepartment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.several_departments = departments.count() > 1
        field = self.fields["department"]
        field.queryset = departments
        field.required = True
        field.empty_label = None
        if self.instance.pk or not self.several_departments:
            # The department is fixed: an item never moves between tenants.
            self.initial["department"] = self.instance.department_id if self.instance.pk else departments.get().pk
            field.disabled = True
            field.widget = forms.HiddenInput()
        if not self.instance.pk:
            del self.fields["is_active"]  # a new item is in use; hiding is an edit
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Сохранить"))

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        department, name = cleaned.get("department"), cleaned.get("name")
        if department and name:
            others = self.list_of(department, cleaned)
            if others is not None:
                if self.instance.pk:
                    others = others.exclude(pk=self.instance.pk)
                key = normalise(name)
                # Compared in Python: SQLite folds only ASCII case, and neither database folds ё.
                if any(normalise(other) == key for other in others.values_list("name", flat=True)):
                    self.add_error("name", DUPLICATE)
        return cleaned

    def list_of(self, department: EducationDepartment, cleaned: dict) -> QuerySet | None:
        """The items a new name must differ from: the common ones and the department's own."""
        return self._meta.model.objects.for_department(department.pk)


class MentoringFormatForm(ReferenceItemForm):
    class Meta(ReferenceItemForm.Meta):
        model = MentoringFormat
        fields = ["department", "name", "participants", "position", "is_active", "version"]
        help_texts = {
            **ReferenceItemForm.Meta.help_texts,
            "participants": "Кого может объединять пара этой формы; пару с другими участниками реестр не примет.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.pairs.exists():
            # Pairs keep a copy of the rule (registry.services.pairs): it cannot change under them.
            field = self.fields["participants"]
            field.disabled = True
            field.help_text = "Форма уже используется в парах: правило об участниках изменить нельзя."


class RoleModelForm(ReferenceItemForm):
    class Meta(ReferenceItemForm.Meta):
        model = RoleModel
        fields = ["department", "format", "name", "position", "is_active", "version"]

    def __init__(self, *args, departments: QuerySet[EducationDepartment], **kwargs) -> None:
        super().__init__(*args, departments=departments, **kwargs)
        field = self.fields["format"]
        # A common form or one of the department's own; a hidden form only if the item already has it.
        field.queryset = (
            MentoringFormat.objects.filter(Q(department__isnull=True) | Q(department__in=departments))
            .filter(Q(is_active=True) | Q(pk=self.instance.format_id))
            .select_related("department")
        )
        if self.several_departments:
            field.label_from_instance = _format_label
        if self.instance.pk and self.instance.pairs.exists():
            field.disabled = True
            field.help_text = "Ролевая модель уже используется в парах: форму наставничества изменить нельзя."

    def clean(self) -> dict:
        cleaned = super().clean()
        department, mentoring_format = cleaned.get("department"), cleaned.get("format")
        if department and mentoring_format and mentoring_format.department_id not in (None, department.pk):
            self.add_error("format", "Эта форма наставничества относится к другому муниципалитету.")
        return cleaned

    def list_of(self, department: EducationDepartment, cleaned: dict) -> QuerySet | None:
        """Role models are named within their form."""
        mentoring_format = cleaned.get("format")
        if mentoring_format is None:
            return None
        return RoleModel.objects.for_department(department.pk).filter(format=mentoring_format)


def _format_label(mentoring_format: MentoringFormat) -> str:
    if mentoring_format.is_common:
        return mentoring_format.name
    return f"{mentoring_format.name} ({mentoring_format.department.municipality})"


class MentoringKindForm(ReferenceItemForm):
    class Meta(ReferenceItemForm.Meta):
        model = MentoringKind


class MeetingKindForm(ReferenceItemForm):
    class Meta(ReferenceItemForm.Meta):
        model = MeetingKind
