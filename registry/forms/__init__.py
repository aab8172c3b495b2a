from registry.forms.hierarchy import (
    CuratorInviteForm,
    OrganisationFilterForm,
    OrganisationForm,
    PasswordResetForm,
)

__all__ = ["CuratorInviteForm", "OrganisationFilterForm", "OrganisationForm", "PasswordResetForm"]
