from django.urls import path

from fakturo.catalog import views

app_name = "catalog"
urlpatterns = [
    path("products", views.product_list, name="product_list"),
    path("products/new", views.product_create, name="product_create"),
    path("products/search", views.product_search, name="product_search"),
    path("products/<uuid:product_id>", views.product_edit, name="product_edit"),
    path("products/<uuid:product_id>/archive", views.product_archive, name="product_archive"),
    path("products/<uuid:product_id>/unarchive", views.product_unarchive, name="product_unarchive"),
    path("tax-rates", views.tax_rate_list, name="tax_rate_list"),
    path("tax-rates/new", views.tax_rate_create, name="tax_rate_create"),
    path("tax-rates/<uuid:tax_rate_id>", views.tax_rate_edit, name="tax_rate_edit"),
    path("tax-rates/<uuid:tax_rate_id>/archive", views.tax_rate_archive, name="tax_rate_archive"),
    path(
        "tax-rates/<uuid:tax_rate_id>/unarchive",
        views.tax_rate_unarchive,
        name="tax_rate_unarchive",
    ),
    path("tax-rates/<uuid:tax_rate_id>/delete", views.tax_rate_delete, name="tax_rate_delete"),
]
