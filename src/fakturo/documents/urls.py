from django.urls import path

from fakturo.documents import download_views

app_name = "documents"
urlpatterns = [
    path(
        "documents/<uuid:document_id>/files/<str:format>",
        download_views.document_download,
        name="document_download",
    ),
]
