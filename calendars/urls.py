from __future__ import annotations

from django.urls import path

from . import views

app_name = "calendars"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:academy_id>/", views.detail, name="detail"),
    path("<int:academy_id>/terms/add/", views.term_add, name="term_add"),
    path("<int:academy_id>/terms/<int:term_id>/edit/", views.term_edit, name="term_edit"),
    path("<int:academy_id>/terms/<int:term_id>/delete/", views.term_delete, name="term_delete"),
    path("<int:academy_id>/days/add/", views.day_add, name="day_add"),
    path("<int:academy_id>/days/<int:day_id>/remove/", views.day_remove, name="day_remove"),
]
