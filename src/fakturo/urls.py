from django.contrib import admin
from django.urls import include, path

from fakturo.api import api
from fakturo.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("fakturo.accounts.urls")),
    path("clients/", include("fakturo.crm.urls")),
    path("catalog/", include("fakturo.catalog.urls")),
    path("documents/", include("fakturo.invoicing.urls")),
    path("", include("fakturo.invoicing.series_urls")),
    path("", include("fakturo.documents.urls")),
    path("einvoices/", include("fakturo.einvoice.urls")),
    path("", include("fakturo.web.urls")),
]
