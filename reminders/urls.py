from __future__ import annotations

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("calendar/reset/", views.feed_reset, name="feed_reset"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
