"""Branding, custom Typst templates, and the archived files of issued documents."""

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.db import models

from fakturo.documents.choices import Font, Layout, Paper, RenderedFormat


def logo_path(instance: "Branding", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"organizations/{instance.organization_id}/branding/logo-{uuid.uuid4().hex}{suffix}"


def rendered_path(instance: "RenderedFile", filename: str) -> str:
    return f"organizations/{instance.organization_id}/documents/{instance.document_id}/{filename}"


class Branding(models.Model):
    """How an organization's documents look; one per organization, created on first use."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="branding"
    )
    layout = models.CharField(max_length=20, choices=Layout.choices, default=Layout.CLASSIC)
    primary_color = models.CharField(max_length=7, default="#1f4e79")
    accent_color = models.CharField(max_length=7, default="#e07a1f")
    font = models.CharField(max_length=40, choices=Font.choices, default=Font.SOURCE_SANS)
    paper = models.CharField(max_length=10, choices=Paper.choices, default=Paper.A4)
    footer_text = models.TextField(blank=True)
    show_bank_details = models.BooleanField(default=True)
    logo = models.FileField(upload_to=logo_path, blank=True)
    logo_content_type = models.CharField(max_length=40, blank=True)
    logo_width = models.PositiveIntegerField(null=True, blank=True)
    logo_height = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Branding of {self.organization}"


class CustomTemplate(models.Model):
    """An organization's own Typst template. `source` is the text as last edited;
    `last_good_source` is what renders, so a broken edit never breaks documents."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="custom_templates"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    based_on = models.CharField(max_length=20, choices=Layout.choices, default=Layout.CLASSIC)
    source = models.TextField()
    last_good_source = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    last_error_line = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("organization", "slug"), name="custom_template_slug_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RenderedFile(models.Model):
    """One archived rendering of an issued document: the exact bytes downloads serve."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="rendered_files"
    )
    document = models.ForeignKey(
        "invoicing.Document", on_delete=models.PROTECT, related_name="rendered_files"
    )
    format = models.CharField(max_length=12, choices=RenderedFormat.choices)
    file = models.FileField(upload_to=rendered_path, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    media_type = models.CharField(max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("document", "format"), name="rendered_file_format_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} ({self.format})"

    def read(self) -> bytes:
        with self.file.open("rb") as handle:
            data: Any = handle.read()
        return bytes(data)
