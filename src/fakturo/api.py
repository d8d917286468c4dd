"""The REST API at /api/v1/: one NinjaAPI, routers from the apps, problem+json errors."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from fakturo.accounts.api import router as accounts_router
from fakturo.accounts.api_auth import TokenAuth
from fakturo.audit.api import router as audit_router
from fakturo.catalog.api import router as catalog_router
from fakturo.core.errors import ServiceError
from fakturo.core.problems import problem_response
from fakturo.crm.api import router as crm_router
from fakturo.documents.api import router as documents_router
from fakturo.documents.branding_api import router as branding_router
from fakturo.einvoice.api import router as einvoice_router
from fakturo.invoicing.api import router as invoicing_router
from fakturo.invoicing.series_api import router as number_series_router


class EmptyBodyParser(Parser):
    """An action POST may come without a body (`curl -X POST …/issue`): read it as {}."""

    def parse_body(self, request: HttpRequest) -> Any:
        if not request.body.strip():
            return {}
        return super().parse_body(request)


api = NinjaAPI(
    parser=EmptyBodyParser(),
    title="Fakturo API",
    version="1",
    description=(
        "Amounts, quantities and rates are decimal strings; dates ISO 8601. Errors are RFC 9457 "
        "problem+json. Authenticate with `Authorization: Bearer <token>`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/", accounts_router)
api.add_router("/", audit_router)
api.add_router("/", crm_router)
api.add_router("/", catalog_router)
api.add_router("/", invoicing_router)
api.add_router("/", number_series_router)
api.add_router("/", documents_router)
api.add_router("/", branding_router)
api.add_router("/", einvoice_router)


def _field_name(location: Any) -> str:
    parts = [str(part) for part in location if part not in ("body", "payload", "query", "path")]
    return ".".join(parts) or str(location[-1] if location else "")


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(item.get("loc", ())), "message": item.get("msg", "Invalid value")}
        for item in error.errors
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "Invalid input"
    return problem_response(
        status=422,
        title="Validation failed",
        detail=detail,
        type_slug="validation-failed",
        errors=errors,
    )


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, error: ServiceError) -> HttpResponse:
    return problem_response(
        status=error.status,
        title=error.title,
        detail=error.detail,
        type_slug=error.type_slug,
        errors=error.errors,
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    response = problem_response(
        status=401,
        title="Unauthorized",
        detail="A valid Bearer token is required.",
        type_slug="unauthorized",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem_response(
        status=404, title="Not found", detail=str(error) or "Not found.", type_slug="not-found"
    )


@api.exception_handler(DjangoPermissionDenied)
def _forbidden(request: HttpRequest, error: DjangoPermissionDenied) -> HttpResponse:
    return problem_response(
        status=403, title="Forbidden", detail=str(error) or "Forbidden.", type_slug="forbidden"
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return problem_response(status=error.status_code, title=str(error), detail=str(error))
