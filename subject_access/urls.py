from django.urls import path

from . import views

app_name = "subject_access"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.request_new, name="request_new"),
    path("trust/", views.trust_list, name="trust"),
    path("trust/new/", views.on_behalf_new, name="on_behalf_new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/given/", views.respond, name="respond"),
]
