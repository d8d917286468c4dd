"""Domain errors raised by services, each mapped to one HTTP status.

The API renders them as RFC 9457 problem+json; views render them as form errors.
"""

from typing import Any


class ServiceError(Exception):
    """Base for errors a user can fix; never a 500."""

    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class ValidationFailed(ServiceError):
    status = 422
    title = "Validation failed"
    type_slug = "validation-failed"

    @classmethod
    def for_fields(cls, field_errors: dict[str, list[str]]) -> "ValidationFailed":
        errors = [
            {"field": field, "message": message}
            for field, messages in field_errors.items()
            for message in messages
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return cls(summary or "Invalid input", errors=errors)


class PermissionDenied(ServiceError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class NotFound(ServiceError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(ServiceError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"
