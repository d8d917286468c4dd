from django.urls import path

from fakturo.invoicing import series_views

urlpatterns = [
    path("settings/numbering", series_views.settings_numbering, name="settings_numbering"),
    path(
        "settings/numbering/preview",
        series_views.settings_numbering_preview,
        name="settings_numbering_preview",
    ),
]
