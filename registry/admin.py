"""The Django admin is the system administrator's tool: regions, departments and their first users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from registry.models import EducationDepartment, Membership, Organisation, Region, RegionalCoordinator, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["department", "organisation"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets[:1],
        ("Личные данные", {"fields": ("last_name", "first_name", "patronymic", "email")}),
        *BaseUserAdmin.fieldsets[2:],
    )
    list_display = ["username", "last_name", "first_name", "email", "is_active", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email"]
    inlines = [MembershipInline]


@admin.register(EducationDepartment)
class EducationDepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "municipality", "code", "in_region"]
    list_filter = ["in_region"]
    search_fields = ["name", "region", "municipality", "code"]


class RegionalCoordinatorInline(admin.TabularInline):
    model = RegionalCoordinator
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """A region, and who coordinates it; its departments are placed from each department's page."""

    list_display = ["name", "code", "centre"]
    search_fields = ["name", "code"]
    inlines = [RegionalCoordinatorInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "code", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["short_name", "full_name", "code"]
    autocomplete_fields = ["department"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "organisation", "created_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__username", "user__last_name", "organisation__short_name"]
    autocomplete_fields = ["user", "department", "organisation"]
