from django.urls import path

from . import views

app_name = "policies"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff-groups/<str:staff_group>/", views.choose, name="choose"),
    path("assignments/<int:assignment_id>/remove/", views.unassign, name="unassign"),
    path("<int:policy_id>/", views.detail, name="detail"),
    path("<int:policy_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:policy_id>/edit/", views.edit, name="edit"),
    path(
        "<int:policy_id>/sections/<str:section>/edit/",
        views.section_edit,
        name="section_edit",
    ),
]
