from __future__ import annotations

from django.urls import path

from . import views

app_name = "objectives"
urlpatterns = [
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/add/", views.priority_add, name="priority_add"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/delete/", views.priority_delete, name="priority_delete"),
    path("shared/", views.shared_list, name="shared_list"),
    path("shared/add/", views.shared_add, name="shared_add"),
    path("shared/<int:pk>/", views.shared_detail, name="shared_detail"),
    path("cycles/<int:cycle_id>/", views.cycle, name="cycle"),
    path("cycles/<int:cycle_id>/objectives/add/", views.objective_add, name="objective_add"),
    path(
        "cycles/<int:cycle_id>/objectives/<int:pk>/edit/",
        views.objective_edit,
        name="objective_edit",
    ),
    path(
        "cycles/<int:cycle_id>/objectives/<int:pk>/delete/",
        views.objective_delete,
        name="objective_delete",
    ),
    path(
        "cycles/<int:cycle_id>/objectives/<int:pk>/comment/",
        views.objective_comment,
        name="objective_comment",
    ),
    path("cycles/<int:cycle_id>/plan/", views.plan, name="plan"),
    path("cycles/<int:cycle_id>/plan/<slug:action>/", views.plan_action, name="plan_action"),
    path(
        "cycles/<int:cycle_id>/conversations/<slug:key>/",
        views.conversation,
        name="conversation",
    ),
    path("cycles/<int:cycle_id>/wellbeing/", views.wellbeing, name="wellbeing"),
    path(
        "cycles/<int:cycle_id>/wellbeing/<int:pk>/delete/",
        views.wellbeing_note_delete,
        name="wellbeing_note_delete",
    ),
    path("cycles/<int:cycle_id>/development-plan/", views.development_plan, name="pdp"),
    path("cycles/<int:cycle_id>/meetings/add/", views.meeting_add, name="meeting_add"),
    path("cycles/<int:cycle_id>/meetings/<int:pk>/", views.meeting_edit, name="meeting_edit"),
]
