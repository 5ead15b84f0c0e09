from __future__ import annotations

from django.urls import path

from . import views

app_name = "retention"
urlpatterns = [
    path("", views.index, name="index"),
    path("holds/add/", views.hold_add, name="hold_add"),
    path("holds/<int:pk>/lift/", views.hold_lift, name="hold_lift"),
]
