from django.db import models
from django.utils import timezone


class JobState(models.Model):
    """When a registered job last ran, and what it said."""

    name = models.CharField(max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(null=True)
    last_result = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    run_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class SchedulerLease(models.Model):
    """A named lease: only its holder runs the scheduler until it expires, so two servers
    never both run due jobs."""

    name = models.CharField(max_length=100, primary_key=True)
    holder = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'}"
