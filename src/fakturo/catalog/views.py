"""The product and tax-rate pages: parse, call one service, render."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fakturo.accounts.choices import Capability
from fakturo.accounts.forms import add_service_errors
from fakturo.accounts.permissions import require
from fakturo.accounts.views import current_membership, error_text, member_required
from fakturo.catalog import selectors, services
from fakturo.catalog.forms import ProductFilterForm, ProductForm, TaxRateForm
from fakturo.catalog.models import Product
from fakturo.core.errors import Conflict, ValidationFailed

PAGE_SIZE = 25


def _is_partial(request: HttpRequest) -> bool:
    htmx = request.htmx  # type: ignore[attr-defined]
    return bool(htmx) and not htmx.history_restore_request


@member_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    """The product page; for htmx (search as you type) only its results panel."""
    membership = current_membership(request)
    form = ProductFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    products = selectors.product_list(organization=membership.organization, filters=filters)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": Paginator(products, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "can_edit": membership.can(Capability.EDIT_DOCUMENTS),
    }
    template = "catalog/partials/_product_results.html" if _is_partial(request) else None
    response = render(request, template or "catalog/product_list.html", context)
    patch_vary_headers(response, ("HX-Request",))  # one URL, two bodies: caches must tell
    return response


@member_required
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    require(membership, Capability.EDIT_DOCUMENTS)
    data = request.POST if request.method == "POST" else None
    form = ProductForm(data, organization=membership.organization)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(membership=membership, fields=form.values())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Product “{product.name}” created.")
            return redirect("catalog:product_list")
    return render(request, "catalog/product_form.html", {"form": form, "can_edit": True})


@member_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    can_edit = membership.can(Capability.EDIT_DOCUMENTS)
    if request.method == "POST":
        require(membership, Capability.EDIT_DOCUMENTS)
    product = selectors.product_get(organization=membership.organization, product_id=product_id)
    data = request.POST if request.method == "POST" else None
    form = ProductForm(
        data, organization=membership.organization, product=product, read_only=not can_edit
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_update(
                membership=membership, product_id=product_id, changes=form.changes()
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Product “{product.name}” saved.")
            return redirect("catalog:product_list")
    context = {"form": form, "product": product, "can_edit": can_edit}
    return render(request, "catalog/product_form.html", context)


@member_required
@require_POST
def product_archive(request: HttpRequest, product_id: UUID) -> HttpResponse:
    product = services.product_archive(
        membership=current_membership(request), product_id=product_id
    )
    messages.success(request, f"Product “{product.name}” archived.")
    return redirect("catalog:product_edit", product_id=product.pk)


@member_required
@require_POST
def product_unarchive(request: HttpRequest, product_id: UUID) -> HttpResponse:
    product = services.product_unarchive(
        membership=current_membership(request), product_id=product_id
    )
    messages.success(request, f"Product “{product.name}” is active again.")
    return redirect("catalog:product_edit", product_id=product.pk)


def _product_option(product: Product) -> dict[str, str]:
    return {
        "id": str(product.pk),
        "name": product.name,
        "sku": product.sku,
        "description": product.description,
        "unit": product.unit,
        "unit_price": str(product.unit_price),
        "currency": product.currency,
        "tax_rate_id": str(product.default_tax_rate_id or ""),
    }


@member_required
@require_GET
def product_search(request: HttpRequest) -> HttpResponse:
    """Active products matching `q` (name, SKU or description), at most 10, by name: the
    document editor's line autocomplete. GET /catalog/products/search?q=…

    Answers an HTML partial: one `<ul class="product-options" role="listbox">`, each product an
    `<li role="option" id="product-option-<id>">` whose data attributes are plain strings:

    - data-product-id: the product's UUID (only real options have it)
    - data-name, data-sku, data-description (the description may be empty: use the name)
    - data-unit: UN/ECE Rec 20 code, such as HUR
    - data-unit-price: the net price as stored, 4 decimals ("95.0000"); data-currency: ISO 4217
    - data-tax-rate-id: the default tax rate's UUID, empty for none

    Nothing matches: a single `<li role="option" aria-disabled="true">` without the data.
    With `&format=json`: {"results": [{"id", "name", "sku", "description", "unit",
    "unit_price", "currency", "tax_rate_id"}, …]}, the same strings.
    """
    organization = current_membership(request).organization
    q = request.GET.get("q", "")
    products = selectors.product_search(organization=organization, q=q)
    if request.GET.get("format") == "json":
        return JsonResponse({"results": [_product_option(product) for product in products]})
    context = {"products": products, "q": q}
    return render(request, "catalog/partials/_product_options.html", context)


@member_required
@require_GET
def tax_rate_list(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    archived = request.GET.get("archived") == "1"
    context = {
        "rates": selectors.tax_rate_list(organization=membership.organization, archived=archived),
        "archived": archived,
        "can_manage": membership.can(Capability.MANAGE_ORGANIZATION),
    }
    return render(request, "catalog/tax_rate_list.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def tax_rate_create(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    require(membership, Capability.MANAGE_ORGANIZATION)
    form = TaxRateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rate = services.tax_rate_create(membership=membership, fields=form.values())
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Tax rate “{rate.name}” created.")
            return redirect("catalog:tax_rate_list")
    return render(request, "catalog/tax_rate_form.html", {"form": form, "can_manage": True})


@member_required
@require_http_methods(["GET", "POST"])
def tax_rate_edit(request: HttpRequest, tax_rate_id: UUID) -> HttpResponse:
    membership = current_membership(request)
    can_manage = membership.can(Capability.MANAGE_ORGANIZATION)
    if request.method == "POST":
        require(membership, Capability.MANAGE_ORGANIZATION)
    rate = selectors.tax_rate_get(organization=membership.organization, tax_rate_id=tax_rate_id)
    data = request.POST if request.method == "POST" else None
    form = TaxRateForm(data, rate=rate, read_only=not can_manage)
    if request.method == "POST" and form.is_valid():
        try:
            rate = services.tax_rate_update(
                membership=membership, tax_rate_id=tax_rate_id, changes=form.changes()
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Tax rate “{rate.name}” saved.")
            return redirect("catalog:tax_rate_list")
    context = {"form": form, "rate": rate, "can_manage": can_manage}
    return render(request, "catalog/tax_rate_form.html", context)


@member_required
@require_POST
def tax_rate_archive(request: HttpRequest, tax_rate_id: UUID) -> HttpResponse:
    rate = services.tax_rate_archive(
        membership=current_membership(request), tax_rate_id=tax_rate_id
    )
    messages.success(request, f"Tax rate “{rate.name}” archived.")
    return redirect("catalog:tax_rate_list")


@member_required
@require_POST
def tax_rate_unarchive(request: HttpRequest, tax_rate_id: UUID) -> HttpResponse:
    rate = services.tax_rate_unarchive(
        membership=current_membership(request), tax_rate_id=tax_rate_id
    )
    messages.success(request, f"Tax rate “{rate.name}” is active again.")
    return redirect("catalog:tax_rate_list")


@member_required
@require_http_methods(["GET", "POST"])
def tax_rate_delete(request: HttpRequest, tax_rate_id: UUID) -> HttpResponse:
    """A confirmation page, then the deletion; a rate in use is refused (archive it instead)."""
    membership = current_membership(request)
    require(membership, Capability.MANAGE_ORGANIZATION)
    rate = selectors.tax_rate_get(organization=membership.organization, tax_rate_id=tax_rate_id)
    if request.method == "POST":
        try:
            services.tax_rate_delete(membership=membership, tax_rate_id=tax_rate_id)
        except Conflict as error:
            messages.error(request, error_text(error))
            return redirect("catalog:tax_rate_edit", tax_rate_id=tax_rate_id)
        messages.success(request, f"Tax rate “{rate.name}” deleted.")
        return redirect("catalog:tax_rate_list")
    return render(request, "catalog/tax_rate_delete.html", {"rate": rate})
