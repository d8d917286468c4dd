from django.urls import path

from fakturo.crm import views

app_name = "crm"
urlpatterns = [
    path("", views.client_list_view, name="client_list"),
    path("new", views.client_create_view, name="client_create"),
    path("<uuid:client_id>", views.client_detail_view, name="client_detail"),
    path("<uuid:client_id>/edit", views.client_edit_view, name="client_edit"),
    path("<uuid:client_id>/archive", views.client_archive_view, name="client_archive"),
    path("<uuid:client_id>/unarchive", views.client_unarchive_view, name="client_unarchive"),
    path("<uuid:client_id>/merge", views.client_merge_view, name="client_merge"),
    path("<uuid:client_id>/contacts", views.contact_create_view, name="contact_create"),
    path(
        "<uuid:client_id>/contacts/<uuid:contact_id>/edit",
        views.contact_edit_view,
        name="contact_edit",
    ),
    path(
        "<uuid:client_id>/contacts/<uuid:contact_id>/delete",
        views.contact_delete_view,
        name="contact_delete",
    ),
    path("<uuid:client_id>/activities", views.activity_add_view, name="activity_add"),
]
