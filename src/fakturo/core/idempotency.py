"""`Idempotency-Key` on API POSTs: a replay with the same key and body returns the stored
response; the same key with another body, or while the first is still running, is a 409.

Keys are scoped to the credential (the Bearer token), so two clients never collide.
"""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from fakturo.core.models import IdempotencyRecord
from fakturo.core.problems import problem_response

API_PREFIX = "/api/"
MAX_KEY_LENGTH = 255


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key")
        authorization = request.headers.get("Authorization", "")
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
            or not authorization
        ):
            return self.get_response(request)
        if not key or len(key) > MAX_KEY_LENGTH:
            return problem_response(
                status=400,
                title="Bad request",
                detail=f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.",
                type_slug="bad-idempotency-key",
            )
        credential = _sha256(authorization.encode())
        fingerprint = _sha256(request.path.encode() + b"\n" + request.body)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    credential_hash=credential, key=key, request_fingerprint=fingerprint
                )
        except IntegrityError:
            return self._replay(credential, key, fingerprint)
        response = self.get_response(request)
        if response.status_code >= 500 or response.status_code in (401, 429):
            # Not an outcome to remember: the client may retry with the same key.
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            is_complete=True,
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
        return response

    def _replay(self, credential: str, key: str, fingerprint: str) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(credential_hash=credential, key=key).first()
        if record is None or record.request_fingerprint != fingerprint:
            return problem_response(
                status=409,
                title="Conflict",
                detail="This Idempotency-Key was used with a different request.",
                type_slug="idempotency-key-reused",
            )
        if not record.is_complete:
            return problem_response(
                status=409,
                title="Conflict",
                detail="A request with this Idempotency-Key is still in progress.",
                type_slug="idempotency-key-in-progress",
            )
        response = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replayed"] = "true"
        return response
