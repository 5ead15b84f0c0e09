from __future__ import annotations

from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path(
        "cycles/<int:cycle_id>/observations/add/",
        views.observation_add,
        name="observation_add",
    ),
    path(
        "cycles/<int:cycle_id>/observations/<int:observation_id>/feedback/",
        views.observation_feedback,
        name="observation_feedback",
    ),
    path("cycles/<int:cycle_id>/evidence/add/", views.evidence_add, name="evidence_add"),
    path(
        "cycles/<int:cycle_id>/evidence/add-note/",
        views.evidence_note_add,
        name="evidence_note_add",
    ),
    path(
        "cycles/<int:cycle_id>/evidence/<int:evidence_id>/",
        views.evidence_detail,
        name="evidence_detail",
    ),
    path(
        "cycles/<int:cycle_id>/evidence/<int:evidence_id>/change/",
        views.evidence_change,
        name="evidence_change",
    ),
    path(
        "cycles/<int:cycle_id>/evidence/<int:evidence_id>/withdraw/",
        views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path(
        "cycles/<int:cycle_id>/evidence/<int:evidence_id>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path("cycles/<int:cycle_id>/review/", views.review_edit, name="review_edit"),
    path("cycles/<int:cycle_id>/review/reopen/", views.review_reopen, name="review_reopen"),
    path("cycles/<int:cycle_id>/review/comments/", views.review_comment, name="review_comment"),
    path("cycles/<int:cycle_id>/statement/", views.statement_pdf, name="statement"),
    path("reviews-to-read/", views.headteacher_copies, name="headteacher_copies"),
    path(
        "cycles/<int:cycle_id>/review/headteacher-copy/",
        views.headteacher_copy,
        name="headteacher_copy",
    ),
    path(
        "cycles/<int:cycle_id>/review/headteacher-copy/adjust/",
        views.headteacher_adjust,
        name="headteacher_adjust",
    ),
    path("moderation/", views.moderation_index, name="moderation_index"),
    path("moderation/<int:sample_id>/", views.moderation_detail, name="moderation_detail"),
    path(
        "moderation/<int:sample_id>/items/<int:item_id>/",
        views.moderation_item,
        name="moderation_item",
    ),
]
