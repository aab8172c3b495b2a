"""The system administrator's view of the contingents; methodists enter them on the monitoring pages."""

from django.contrib import admin

from monitoring.models import Contingent


@admin.register(Contingent)
class ContingentAdmin(admin.ModelAdmin):
    list_display = [
        "organisation",
        "year",
        "students_total",
        "students_10_18",
        "teachers",
        "young_specialists",
        "young_teachers",
        "entered_by",
        "updated_at",
    ]
    list_filter = ["year", "organisation__department"]
    search_fields = ["organisation__short_name", "organisation__full_name", "organisation__code"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["entered_by", "updated_at"]
    list_select_related = ["organisation", "entered_by"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
