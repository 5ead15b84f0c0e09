from django.urls import path

from . import views

app_name = "probation"

urlpatterns = [
    path("", views.index, name="index"),
    path("trust/", views.trust_list, name="trust"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reviews/new/", views.review_add, name="review_add"),
    path("<int:pk>/outcome/", views.decide, name="decide"),
]
