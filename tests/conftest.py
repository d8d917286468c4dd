"""Shared fixtures: organizations with a member of each role, and API clients for them."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

from fakturo.accounts.choices import Role
from fakturo.accounts.models import Membership, User
from fakturo.accounts.services import api_token_create, organization_setup

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Tests run without collectstatic, so static URLs can't come from a manifest; and a fast
    password hasher keeps user fixtures cheap."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def owner(db: None) -> Membership:
    return organization_setup(
        name="Acme GmbH",
        email="owner@acme.test",
        password=PASSWORD,
        country="DE",
        currency="EUR",
        language="en",
        full_name="Olga Owner",
    )


@pytest.fixture
def add_member(owner: Membership) -> Callable[..., Membership]:
    """Add a user with `role` to the owner's organization (or another one)."""

    def add(role: str, *, email: str | None = None, organization: Any = None) -> Membership:
        organization = organization or owner.organization
        user = User.objects.create_user(email or f"{role}@acme.test", PASSWORD)
        return Membership.objects.create(organization=organization, user=user, role=role)

    return add


@pytest.fixture
def other_owner(db: None) -> Membership:
    """The owner of a second organization, to prove isolation."""
    return organization_setup(
        name="Globex SARL",
        email="owner@globex.test",
        password=PASSWORD,
        country="FR",
        currency="EUR",
        language="fr",
    )


class ApiClient:
    """A test client that speaks JSON to /api/v1/ with a Bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.token = token

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        extra.update(
            {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        )
        call = getattr(self.client, method.lower())
        url = f"/api/v1{path}"
        if body is None:
            return call(url, **extra)
        data = body if isinstance(body, str) else json.dumps(body)
        return call(url, data=data, content_type="application/json", **extra)

    def get(self, path: str, **headers: str) -> Any:
        return self.request("GET", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.request("POST", path, body if body is not None else {}, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self.request("PATCH", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.request("DELETE", path, **headers)


@pytest.fixture
def api_for() -> Callable[..., ApiClient]:
    def make(membership: Membership, *, read_only: bool = False) -> ApiClient:
        _, secret = api_token_create(
            membership=membership,
            name="tests",
            read_only=read_only or membership.role == Role.ACCOUNTANT,
        )
        return ApiClient(secret)

    return make


@pytest.fixture
def api(owner: Membership, api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(owner)


CHROMIUM = "/usr/bin/chromium"  # the system browser; tests never download one
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs the system Chromium (Debian package chromium)")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an event loop in this thread while the module runs; the
        # tests' own ORM calls are still plain synchronous ones.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Page, base_url: str, email: str = "owner@acme.test") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
