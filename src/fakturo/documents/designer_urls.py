from django.urls import path

from fakturo.documents import views

urlpatterns = [
    path("settings/branding", views.branding_settings, name="branding_settings"),
    path("settings/branding/logo", views.branding_logo, name="branding_logo"),
    path("settings/templates", views.custom_template_list, name="custom_template_list"),
    path(
        "settings/templates/<uuid:template_id>",
        views.custom_template_edit,
        name="custom_template_edit",
    ),
    path(
        "settings/templates/<uuid:template_id>/delete",
        views.custom_template_remove,
        name="custom_template_delete",
    ),
    path("settings/designer", views.template_designer, name="template_designer"),
    path("settings/designer/preview", views.template_preview, name="template_preview"),
    path("settings/designer/sample.pdf", views.template_sample_pdf, name="template_sample_pdf"),
]
