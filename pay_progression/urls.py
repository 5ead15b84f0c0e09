from django.urls import path

from . import views

app_name = "pay_progression"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("scales/", views.scales, name="scales"),
    path("scales/new/", views.scale_set_add, name="scale_set_add"),
    path("scales/<int:pk>/", views.scale_set, name="scale_set"),
    path("scales/<int:pk>/<str:pay_range>/", views.scale_range_edit, name="scale_range_edit"),
    path("staff/<int:staff_id>/", views.pay_history, name="pay_history"),
    path("staff/<int:staff_id>/new/", views.placement_add, name="placement_add"),
    path("open/", views.review_open_trust, name="review_open_trust"),
    path("academies/<int:academy_id>/open/", views.review_open, name="review_open"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/payroll.csv", views.payroll_csv, name="payroll_csv"),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("recommendations/<int:pk>/draft/", views.recommendation_draft, name="draft"),
    path("recommendations/<int:pk>/approve/", views.recommendation_approve, name="approve"),
    path("recommendations/<int:pk>/share/", views.recommendation_share, name="share"),
    path("recommendations/<int:pk>/decide/", views.recommendation_decide, name="decide"),
    path("recommendations/<int:pk>/statement/", views.statement_issue, name="statement_issue"),
    path("recommendations/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
]
