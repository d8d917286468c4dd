from django.urls import path

from fakturo.documents import delivery_views, designer_urls, download_views

app_name = "documents"
urlpatterns = [
    path(
        "documents/<uuid:document_id>/files/<str:format>",
        download_views.document_download,
        name="document_download",
    ),
    path(
        "documents/<uuid:document_id>/email",
        delivery_views.document_email_form,
        name="document_email",
    ),
]
urlpatterns += designer_urls.urlpatterns
