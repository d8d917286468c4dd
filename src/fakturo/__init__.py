"""Fakturo: self-hostable CRM and invoicing."""

from fakturo.celery import app as celery_app

__all__ = ["celery_app"]
