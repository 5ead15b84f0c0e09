from __future__ import annotations

from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("administration/", views.administration, name="administration"),
    path("trust/", views.trust_detail, name="trust"),
    path("trust/edit/", views.trust_edit, name="trust_edit"),
    path("academies/add/", views.academy_add, name="academy_add"),
    path("academies/<int:pk>/edit/", views.academy_edit, name="academy_edit"),
    path("academies/<int:pk>/line-management/", views.line_management, name="line_management"),
    path("line-management/", views.line_management_index, name="line_management_index"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/add/", views.staff_add, name="staff_add"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/import/done/", views.staff_import_done, name="staff_import_done"),
    path("staff/import/example.csv", views.staff_import_example, name="staff_import_example"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/line-manager/", views.staff_line_manager, name="staff_line_manager"),
    path("staff/<int:pk>/account/<slug:action>/", views.staff_account, name="staff_account"),
    path("staff/<int:pk>/invitation/", views.staff_invitation, name="staff_invitation"),
    path("roles/", views.role_list, name="roles"),
    path("roles/grant/", views.role_grant, name="role_grant"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("roles/requests/", views.role_requests, name="role_requests"),
    path("roles/requests/<int:pk>/", views.role_request_decide, name="role_request"),
    path("job-roles/", views.job_role_list, name="job_roles"),
]
