from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="index"),
    path("security-events/", views.security_events, name="security_events"),
]
