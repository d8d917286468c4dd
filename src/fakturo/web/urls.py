from django.urls import path

from fakturo.web import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/audit", views.audit_log, name="audit_log"),
]
