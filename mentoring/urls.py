from django.contrib import admin
from django.urls import include, path

from mentoring.health import health
from registry.views import accounts

admin.site.site_header = "Реестр наставничества: администрирование"
admin.site.site_title = "Реестр наставничества"
admin.site.index_title = "Системное администрирование"

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("portal.urls")),
    path("", include("registry.urls")),
    path("", include("exchange.urls")),
    path("", include("jobs.urls")),
    path("", include("roadmap.urls")),
    path("", include("influence.urls")),
    path("", include("paperwork.urls")),
    path("", include("suggestions.urls")),
    path("", include("monitoring.urls")),
    path("", include("reminders.urls")),
    path("", include("reporting.urls")),
    path("", include("region.urls")),
    path("", include("events.urls")),
    path("", include("practices.urls")),
    # The account pages with their limits on password guessing (registry/throttle.py); the rest as Django has them.
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
