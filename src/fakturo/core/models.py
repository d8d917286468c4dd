from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The stored outcome of a POST sent with an `Idempotency-Key`, per credential."""

    credential_hash = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    is_complete = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("credential_hash", "key"), name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return self.key
