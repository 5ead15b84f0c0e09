from django.urls import path

from . import bulk, views

app_name = "cycles"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("reviewees/", views.reviewee_list, name="reviewees"),
    path("reviewees/<slug:move>/", bulk.bulk_move, name="bulk_move"),
    path("academy/", views.academy_index, name="academies"),
    path("academy/<int:academy_id>/", views.academy, name="academy"),
    path("open/", views.open_cycles, name="open"),
    path("open/<int:opening_id>/", views.opening, name="opening"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/stage/", views.transition, name="transition"),
    path("<int:pk>/reviewer/", views.change_reviewer, name="change_reviewer"),
    path("<int:pk>/first-period/", views.first_period, name="first_period"),
    path("<int:pk>/access/", views.access, name="access"),
    path("<int:pk>/access/<int:grant_id>/revoke/", views.revoke_access, name="revoke_access"),
    path("leaders/", views.leader_reviews, name="leader_reviews"),
    path("<int:pk>/committee/", views.committee, name="committee"),
    path("<int:pk>/committee/adviser/", views.committee_adviser, name="committee_adviser"),
    path(
        "<int:pk>/committee/adviser/<int:grant_id>/withdraw/",
        views.committee_adviser_withdraw,
        name="committee_adviser_withdraw",
    ),
]
