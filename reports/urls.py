from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.year_report, name="year"),
    path("year.csv", views.year_report_csv, name="year_csv"),
    path("year.pdf", views.year_report_pdf, name="year_pdf"),
    path("termly/", views.termly_index, name="termly_index"),
    path("termly/write/", views.termly_write, name="termly_write"),
    path("termly/<int:pk>/", views.termly_detail, name="termly_detail"),
    path("termly/<int:pk>/edit/", views.termly_edit, name="termly_edit"),
    path("termly/<int:pk>/issue/", views.termly_issue, name="termly_issue"),
    path("termly/<int:pk>/pdf/", views.termly_pdf, name="termly_pdf"),
]
