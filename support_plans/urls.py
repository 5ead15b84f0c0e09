from django.urls import path

from .views import concerns, escalations, letters, meetings, plans, termly

app_name = "support_plans"

urlpatterns = [
    path("", plans.index, name="index"),
    path("escalations/", escalations.escalations_page, name="escalations"),
    path("escalations.csv", escalations.escalations_csv, name="escalations_csv"),
    path(
        "termly-reviews/<int:academy_id>/<int:term_id>/",
        termly.termly_review,
        name="termly_review",
    ),
    path("concerns/new/", concerns.concern_add, name="concern_add"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/open-plan/", concerns.plan_open, name="plan_open"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/move/", plans.plan_move, name="plan_move"),
    path("plans/<int:pk>/close/", plans.plan_close, name="plan_close"),
    path("plans/<int:pk>/pause/", plans.plan_pause, name="plan_pause"),
    path("plans/<int:pk>/written-plan/", plans.written_plan, name="written_plan"),
    path("plans/<int:pk>/comments/new/", plans.comment_add, name="comment_add"),
    path("plans/<int:pk>/meetings/new/", meetings.meeting_add, name="meeting_add"),
    path("plans/<int:pk>/meetings/<int:meeting_id>/", meetings.meeting_edit, name="meeting_edit"),
    path(
        "plans/<int:pk>/meetings/<int:meeting_id>/letters/<str:kind>/new/",
        letters.letter_add,
        name="letter_add",
    ),
    path("plans/<int:pk>/letters/<int:letter_id>/", letters.letter_download, name="letter"),
]
