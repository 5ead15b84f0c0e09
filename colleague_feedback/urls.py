from django.urls import path

from . import views

app_name = "colleague_feedback"

urlpatterns = [
    path("cycles/<int:cycle_id>/ask/", views.ask, name="ask"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request_decline"),
]
