from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import accounts.views
import organisation.views

# The platform admin signs in through allauth's own sign-in, so a superuser with an
# authenticator app gives the code there too; the admin's password-only form is never shown.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Before allauth's own routes: nobody changes their own sign-in address.
    path(
        "accounts/email/",
        accounts.views.email_management_closed,
        name="account_email_closed",
    ),
    path("accounts/", include("allauth.urls")),
    path("", organisation.views.home, name="home"),
    path("", include("organisation.urls")),
    path("policies/", include("policies.urls")),
    path("calendars/", include("calendars.urls")),
    path("audit/", include("audit.urls")),
    path("cycles/", include("cycles.urls")),
    path("objectives/", include("objectives.urls")),
    path("reviews/", include("reviews.urls")),
    path("support/", include("support_plans.urls")),
    path("reports/", include("reports.urls")),
    path("probation/", include("probation.urls")),
    path("pay/", include("pay_progression.urls")),
    path("feedback/", include("colleague_feedback.urls")),
    path("my-data/", include("subject_access.urls")),
    path("reminders/", include("reminders.urls")),
    path("retention/", include("retention.urls")),
]
