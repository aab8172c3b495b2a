from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mentoring.health import health
from registry.forms import PasswordResetForm

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
    path("", include("monitoring.urls")),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
