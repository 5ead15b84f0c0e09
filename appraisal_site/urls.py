from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import organisation.views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", organisation.views.home, name="home"),
    path("", include("organisation.urls")),
    path("policies/", include("policies.urls")),
    path("calendars/", include("calendars.urls")),
    path("audit/", include("audit.urls")),
    path("cycles/", include("cycles.urls")),
    path("objectives/", include("objectives.urls")),
    path("reviews/", include("reviews.urls")),
    path("reminders/", include("reminders.urls")),
    path("retention/", include("retention.urls")),
]
