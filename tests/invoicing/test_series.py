"""Configuring document numbering: the service, the API and the settings page."""

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership
from fakturo.audit.models import AuditEvent
from fakturo.core.errors import NotFound, PermissionDenied, ValidationFailed
from fakturo.invoicing.models import Document, NumberSeries
from fakturo.invoicing.series import number_series_list, number_series_update
from fakturo.invoicing.services import document_issue
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
PROBLEM = "application/problem+json"
SERIES_FIELDS = ("pattern", "next_number", "reset", "period")


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def series_of(membership: Membership, kind: str = "invoice") -> NumberSeries:
    return NumberSeries.objects.get(organization=membership.organization, kind=kind)


def settings_of(membership: Membership, kind: str = "invoice") -> tuple[Any, ...]:
    series = series_of(membership, kind)
    return tuple(getattr(series, field) for field in SERIES_FIELDS)


def set_series(membership: Membership, kind: str = "invoice", **fields: Any) -> None:
    NumberSeries.objects.filter(organization=membership.organization, kind=kind).update(**fields)


def issue(membership: Membership, make_invoice: Callable[..., Any], **fields: Any) -> Document:
    draft = make_invoice(**fields)
    return document_issue(membership=membership, document_id=draft.pk)


def error_fields(error: ValidationFailed) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for item in error.errors:
        fields.setdefault(item["field"], []).append(item["message"])
    return fields


# --- the service ----------------------------------------------------------------------------


def test_the_list_has_every_kind_in_order_with_the_next_number_as_issued_today(
    owner: Membership,
) -> None:
    set_series(owner, "quote", pattern="{CLIENT}/{YY}{MM}/{SEQ:3}", next_number=7, period="2026")

    listed = number_series_list(owner.organization)

    assert [(s.kind, s.next_number_preview) for s in listed] == [  # type: ignore[attr-defined]
        ("invoice", "2026-0001"),
        ("credit_note", "CN-2026-0001"),
        ("quote", "CLIENT/2603/007"),
        ("proforma", "PF-2026-0001"),
    ]


def test_a_yearly_series_whose_year_is_over_previews_a_restart_at_one(owner: Membership) -> None:
    set_series(owner, period="2025", next_number=51)
    set_series(owner, "quote", reset="never", period="2025", next_number=51)

    listed = {s.kind: s.next_number_preview for s in number_series_list(owner.organization)}  # type: ignore[attr-defined]

    assert listed["invoice"] == "2026-0001"
    assert listed["quote"] == "Q-2026-0051"


def test_an_update_changes_the_series_and_audits_before_and_after(owner: Membership) -> None:
    series = number_series_update(
        membership=owner, kind="invoice", pattern="  RE-{YY}-{SEQ:5} ", next_number=1042
    )

    assert settings_of(owner) == ("RE-{YY}-{SEQ:5}", 1042, "yearly", "2026")
    assert series.next_number_preview == "RE-26-01042"  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="number_series.updated")
    assert event.actor == owner.user
    assert event.target_id == str(series.pk)
    assert event.changes == {
        "pattern": ["{YYYY}-{SEQ:4}", "RE-{YY}-{SEQ:5}"],
        "next_number": [1, 1042],
        "period": ["", "2026"],
    }


def test_issuing_after_a_change_uses_the_new_pattern_and_start_number(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    number_series_update(
        membership=seller, kind="invoice", pattern="INV-{YY}{MM}-{SEQ:5}", next_number=1042
    )

    first = issue(seller, make_invoice)
    second = issue(seller, make_invoice, kind="deposit_invoice")

    assert (first.number, first.sequence) == ("INV-2603-01042", 1042)
    assert (second.number, second.sequence) == ("INV-2603-01043", 1043)
    assert settings_of(seller) == ("INV-{YY}{MM}-{SEQ:5}", 1044, "yearly", "2026")


def test_a_next_number_for_a_yearly_series_counts_in_the_current_year(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    set_series(seller, period="2025", next_number=51)

    number_series_update(membership=seller, kind="invoice", next_number=10)

    assert settings_of(seller)[1:] == (10, "yearly", "2026")
    assert issue(seller, make_invoice).number == "2026-0010"


def test_making_a_series_yearly_starts_its_period_without_restarting_the_count(
    owner: Membership,
) -> None:
    set_series(owner, reset="never", period="", next_number=7)

    series = number_series_update(membership=owner, kind="invoice", reset="yearly")

    assert settings_of(owner) == ("{YYYY}-{SEQ:4}", 7, "yearly", "2026")
    assert series.next_number_preview == "2026-0007"  # type: ignore[attr-defined]
    assert AuditEvent.objects.get(action="number_series.updated").changes == {
        "reset": ["never", "yearly"],
        "period": ["", "2026"],
    }


def test_a_pattern_change_leaves_the_period_and_the_count_alone(owner: Membership) -> None:
    set_series(owner, period="2025", next_number=51)

    number_series_update(membership=owner, kind="invoice", pattern="R{YYYY}{SEQ:6}")

    assert settings_of(owner) == ("R{YYYY}{SEQ:6}", 51, "yearly", "2025")


def test_the_next_number_moves_forward_freely_and_back_only_above_the_highest_used(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    for _ in range(3):
        issue(seller, make_invoice)

    number_series_update(membership=seller, kind="invoice", next_number=100)
    number_series_update(membership=seller, kind="invoice", next_number=4)
    with pytest.raises(ValidationFailed) as refused:
        number_series_update(membership=seller, kind="invoice", next_number=2)

    assert error_fields(refused.value) == {
        "next_number": ["Number 3 is already used (2026-0003); the next number must be 4 or more."]
    }
    assert settings_of(seller)[1] == 4
    assert AuditEvent.objects.filter(action="number_series.updated").count() == 2


def test_a_yearly_series_may_start_low_again_once_its_year_is_over(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    last_year = issue(seller, make_invoice, issue_date=datetime.date(2025, 6, 1))
    assert (last_year.number, series_of(seller).period) == ("2025-0001", "2025")

    number_series_update(membership=seller, kind="invoice", next_number=1)

    assert issue(seller, make_invoice).number == "2026-0001"


def test_a_series_that_never_restarts_checks_every_year(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    set_series(seller, reset="never")
    issue(seller, make_invoice, issue_date=datetime.date(2025, 6, 1))

    with pytest.raises(ValidationFailed) as refused:
        number_series_update(membership=seller, kind="invoice", next_number=1)

    assert error_fields(refused.value)["next_number"][0].startswith("Number 1 is already used")


def test_manual_numbers_do_not_hold_the_next_number_back(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    draft = make_invoice()
    document_issue(membership=seller, document_id=draft.pk, number="OLD-999")

    number_series_update(membership=seller, kind="invoice", next_number=1)

    assert settings_of(seller)[1] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pattern": "{YYYY}-"}, "pattern"),
        ({"pattern": "{YEAR}-{SEQ}"}, "pattern"),
        ({"pattern": "{SEQ}-{SEQ}"}, "pattern"),
        ({"pattern": "X" * 50 + "{SEQ}"}, "pattern"),
        ({"next_number": 0}, "next_number"),
        ({"next_number": 10**9}, "next_number"),
        ({"next_number": True}, "next_number"),
        ({"reset": "monthly"}, "reset"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_changes(
    owner: Membership, changes: dict[str, Any], field: str
) -> None:
    before = settings_of(owner)

    with pytest.raises(ValidationFailed) as refused:
        number_series_update(membership=owner, kind="invoice", **changes)

    assert set(error_fields(refused.value)) == {field}
    assert settings_of(owner) == before
    assert not AuditEvent.objects.filter(action="number_series.updated").exists()


def test_every_bad_field_is_named_at_once(owner: Membership) -> None:
    with pytest.raises(ValidationFailed) as refused:
        number_series_update(
            membership=owner, kind="invoice", pattern="nope", next_number=0, reset="weekly"
        )

    assert set(error_fields(refused.value)) == {"pattern", "next_number", "reset"}


def test_the_largest_next_number_is_accepted(owner: Membership) -> None:
    number_series_update(membership=owner, kind="proforma", next_number=10**9 - 1)

    assert settings_of(owner, "proforma")[1] == 999_999_999


@pytest.mark.parametrize("kind", ["deposit_invoice", "receipt", ""])
def test_an_unknown_kind_is_not_found(owner: Membership, kind: str) -> None:
    with pytest.raises(NotFound):
        number_series_update(membership=owner, kind=kind, next_number=5)


def test_nothing_changed_is_not_audited(owner: Membership) -> None:
    number_series_update(membership=owner, kind="invoice", pattern="{YYYY}-{SEQ:4}")

    assert not AuditEvent.objects.filter(action="number_series.updated").exists()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ACCOUNTANT])
def test_only_owners_and_admins_change_numbering(
    owner: Membership, add_member: Callable[..., Membership], role: str
) -> None:
    with pytest.raises(PermissionDenied):
        number_series_update(membership=add_member(role), kind="invoice", next_number=5)

    assert settings_of(owner)[1] == 1
    number_series_update(membership=add_member(Role.ADMIN), kind="invoice", next_number=5)
    assert settings_of(owner)[1] == 5


def test_an_update_touches_only_its_own_organization(
    owner: Membership, other_owner: Membership
) -> None:
    number_series_update(membership=owner, kind="invoice", next_number=5)

    assert settings_of(other_owner)[1] == 1


@pytest.mark.postgres
def test_an_update_locks_the_series_row_like_issuing(owner: Membership) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")

    with CaptureQueriesContext(connection) as queries:
        number_series_update(membership=owner, kind="invoice", next_number=5)

    locks = [
        q["sql"]
        for q in queries.captured_queries
        if "invoicing_numberseries" in q["sql"] and "FOR UPDATE" in q["sql"]
    ]
    assert len(locks) == 1


# --- the API --------------------------------------------------------------------------------


def problem_fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_the_api_lists_every_series(api: ApiClient) -> None:
    response = api.get("/number-series")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [item["kind"] for item in body["items"]] == [
        "invoice",
        "credit_note",
        "quote",
        "proforma",
    ]
    assert body["items"][0] == {
        "kind": "invoice",
        "pattern": "{YYYY}-{SEQ:4}",
        "next_number": 1,
        "reset": "yearly",
        "period": "",
        "next_number_preview": "2026-0001",
    }


def test_the_api_reads_one_series_and_an_unknown_kind_is_a_404(api: ApiClient) -> None:
    found = api.get("/number-series/credit_note")
    missing = api.get("/number-series/receipt")

    assert found.status_code == 200
    assert found.json()["next_number_preview"] == "CN-2026-0001"
    assert missing.status_code == 404
    assert missing["Content-Type"] == PROBLEM
    assert api.patch("/number-series/receipt", {"next_number": 5}).status_code == 404


def test_the_api_changes_a_series(owner: Membership, api: ApiClient) -> None:
    response = api.patch("/number-series/quote", {"pattern": "A-{YY}-{SEQ:3}", "next_number": 42})

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "kind": "quote",
        "pattern": "A-{YY}-{SEQ:3}",
        "next_number": 42,
        "reset": "yearly",
        "period": "2026",
        "next_number_preview": "A-26-042",
    }
    assert settings_of(owner, "quote") == ("A-{YY}-{SEQ:3}", 42, "yearly", "2026")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"pattern": "{YYYY}"}, {"pattern"}),
        ({"next_number": 0}, {"next_number"}),
        ({"next_number": "5"}, {"next_number"}),
        ({"next_number": 1.5}, {"next_number"}),
        ({"reset": "monthly"}, {"reset"}),
        ({"pattern": "{SEQ", "next_number": -1, "reset": ""}, {"pattern", "next_number", "reset"}),
    ],
)
def test_the_api_refuses_bad_input_with_a_422(
    owner: Membership, api: ApiClient, body: dict[str, Any], fields: set[str]
) -> None:
    before = settings_of(owner)

    response = api.patch("/number-series/invoice", body)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert problem_fields(response) == fields
    assert settings_of(owner) == before


def test_the_api_refuses_moving_back_below_a_used_number(
    seller: Membership, api_for: Callable[..., ApiClient], make_invoice: Callable[..., Any]
) -> None:
    issue(seller, make_invoice)
    issue(seller, make_invoice)

    response = api_for(seller).patch("/number-series/invoice", {"next_number": 2})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "next_number",
            "message": "Number 2 is already used (2026-0002); the next number must be 3 or more.",
        }
    ]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.ACCOUNTANT])
def test_the_api_lets_every_member_read_but_only_owners_and_admins_change(
    owner: Membership,
    add_member: Callable[..., Membership],
    api_for: Callable[..., ApiClient],
    role: str,
) -> None:
    member_api = api_for(add_member(role))

    assert member_api.get("/number-series").status_code == 200
    assert member_api.patch("/number-series/invoice", {"next_number": 5}).status_code == 403
    assert settings_of(owner)[1] == 1
    admin_api = api_for(add_member(Role.ADMIN))
    assert admin_api.patch("/number-series/invoice", {"next_number": 5}).status_code == 200


# --- the settings page ----------------------------------------------------------------------


def logged_in(membership: Membership) -> WebClient:
    web = WebClient()
    web.force_login(membership.user)
    return web


def posted(kind: str = "invoice", **fields: str) -> dict[str, str]:
    """A form as the page posts it: the defaults unless given."""
    data = {
        "kind": kind,
        f"{kind}-pattern": "{YYYY}-{SEQ:4}",
        f"{kind}-next_number": "1",
        f"{kind}-reset_yearly": "on",
    }
    data.update({f"{kind}-{name}": value for name, value in fields.items()})
    return data


def test_the_page_shows_a_form_per_series_with_its_next_number(owner: Membership) -> None:
    response = logged_in(owner).get(reverse("settings_numbering"))

    assert response.status_code == 200
    page = response.text
    assert [form.series.kind for form in response.context["series_forms"]] == [
        "invoice",
        "credit_note",
        "quote",
        "proforma",
    ]
    assert 'aria-current="page">Numbering</a>' in page
    assert "<strong data-number-preview>CN-2026-0001</strong>" in page
    assert 'name="quote-pattern" value="Q-{YYYY}-{SEQ:4}"' in page
    assert "leaves a gap" in page
    assert 'hx-get="/settings/numbering/preview"' in page
    assert page.count('type="submit" class="button button--primary"') == 4


def test_the_page_needs_a_login(db: None) -> None:
    response = WebClient().get(reverse("settings_numbering"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_saving_a_form_changes_its_series(owner: Membership) -> None:
    web = logged_in(owner)

    response = web.post(
        reverse("settings_numbering"), posted("credit_note", pattern="GS-{SEQ:5}", next_number="40")
    )

    assert response.status_code == 302
    assert response.url == reverse("settings_numbering")
    assert settings_of(owner, "credit_note") == ("GS-{SEQ:5}", 40, "yearly", "2026")
    assert settings_of(owner) == ("{YYYY}-{SEQ:4}", 1, "yearly", "")
    assert "Numbering of credit notes saved." in web.get(response.url).text


def test_the_form_sends_only_what_changed(owner: Membership) -> None:
    set_series(owner, period="2025", next_number=51)  # the next issue restarts at 1

    response = logged_in(owner).post(
        reverse("settings_numbering"), posted(pattern="R-{YYYY}-{SEQ:4}", next_number="1")
    )

    assert response.status_code == 302
    assert settings_of(owner) == ("R-{YYYY}-{SEQ:4}", 51, "yearly", "2025")


def test_unticking_the_yearly_reset_makes_the_series_continuous(owner: Membership) -> None:
    data = posted()
    del data["invoice-reset_yearly"]

    logged_in(owner).post(reverse("settings_numbering"), data)

    assert series_of(owner).reset == "never"


def test_an_unchanged_form_saves_nothing(owner: Membership) -> None:
    web = logged_in(owner)

    response = web.post(reverse("settings_numbering"), posted())

    assert response.status_code == 302
    assert "Nothing changed." in web.get(response.url).text
    assert not AuditEvent.objects.filter(action="number_series.updated").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pattern": "{YYYY}-"}, "pattern", "The pattern needs a {SEQ} or {SEQ:n} token."),
        ({"next_number": "0"}, "next_number", "Give a number from 1 to 999999999."),
        ({"next_number": "ten"}, "next_number", "Enter a whole number."),
    ],
)
def test_errors_show_on_their_field_and_nothing_is_written(
    owner: Membership, fields: dict[str, str], field: str, message: str
) -> None:
    response = logged_in(owner).post(reverse("settings_numbering"), posted(**fields))

    assert response.status_code == 200
    form = response.context["series_forms"][0]
    assert form.errors[field] == [message]
    assert f'id="id_invoice-{field}_error"' in response.text
    assert settings_of(owner) == ("{YYYY}-{SEQ:4}", 1, "yearly", "")
    assert not AuditEvent.objects.filter(action="number_series.updated").exists()


def test_moving_back_below_a_used_number_is_refused_on_the_page(
    seller: Membership, make_invoice: Callable[..., Any]
) -> None:
    issue(seller, make_invoice)
    web = logged_in(seller)
    web.post(reverse("settings_numbering"), posted(next_number="9"))

    response = web.post(reverse("settings_numbering"), posted(next_number="1"))

    assert response.status_code == 200
    assert response.context["series_forms"][0].errors["next_number"] == [
        "Number 1 is already used (2026-0001); the next number must be 2 or more."
    ]
    assert settings_of(seller)[1] == 9


def test_posting_an_unknown_kind_is_a_404(owner: Membership) -> None:
    response = logged_in(owner).post(reverse("settings_numbering"), posted("receipt"))

    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.MEMBER])
def test_without_the_right_the_page_is_read_only_and_a_post_is_forbidden(
    owner: Membership, add_member: Callable[..., Membership], role: str
) -> None:
    web = logged_in(add_member(role))

    page = web.get(reverse("settings_numbering"))
    response = web.post(reverse("settings_numbering"), posted(next_number="50"))

    assert page.status_code == 200
    assert all(
        field.disabled for form in page.context["series_forms"] for field in form.fields.values()
    )
    assert "Only owners and admins can change the numbering." in page.text
    assert 'type="submit"' not in page.text.split('aria-label="Settings"')[1]
    assert response.status_code == 403
    assert settings_of(owner)[1] == 1


def test_the_preview_formats_what_is_typed(owner: Membership) -> None:
    response = logged_in(owner).get(
        reverse("settings_numbering_preview"),
        {
            "kind": "invoice",
            "invoice-pattern": "{CLIENT}-{YY}{MM}-{SEQ:3}",
            "invoice-next_number": "7",
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "<strong data-number-preview>CLIENT-2603-007</strong>" in response.text
    assert "<html" not in response.text


def test_the_preview_uses_the_series_next_number_when_none_is_typed(owner: Membership) -> None:
    set_series(owner, "quote", next_number=12, period="2026")

    response = logged_in(owner).get(
        reverse("settings_numbering_preview"), {"kind": "quote", "quote-pattern": "Q{SEQ:2}"}
    )

    assert "<strong data-number-preview>Q12</strong>" in response.text


@pytest.mark.parametrize(
    ("pattern", "next_number", "problem"),
    [
        ("{YYYY}-", "1", "The pattern needs a {SEQ} or {SEQ:n} token."),
        ("{SEQ}-{DD}", "1", "Unknown token {DD}"),
        ("{SEQ}", "0", "Give a number from 1 to 999999999."),
        ("{SEQ}", "x", "Give a whole number."),
    ],
)
def test_the_preview_shows_the_problems_instead(
    owner: Membership, pattern: str, next_number: str, problem: str
) -> None:
    response = logged_in(owner).get(
        reverse("settings_numbering_preview"),
        {"kind": "invoice", "invoice-pattern": pattern, "invoice-next_number": next_number},
    )

    assert response.status_code == 200
    assert problem in response.text
    assert "data-number-preview" not in response.text


def test_the_preview_of_an_unknown_kind_is_a_404(owner: Membership) -> None:
    response = logged_in(owner).get(reverse("settings_numbering_preview"), {"kind": "receipt"})

    assert response.status_code == 404
