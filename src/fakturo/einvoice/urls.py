from django.urls import path

from fakturo.einvoice import views

app_name = "einvoice"
urlpatterns = [
    path("", views.received_list, name="received_list"),
    path("upload", views.received_upload, name="received_upload"),
    path("<uuid:document_id>", views.received_detail, name="received_detail"),
    path("<uuid:document_id>/file", views.received_file, name="received_file"),
]
