from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.year_report, name="year"),
    path("year.csv", views.year_report_csv, name="year_csv"),
    path("year.pdf", views.year_report_pdf, name="year_pdf"),
]
