from collections.abc import Callable
from datetime import timedelta

import pytest

from fakturo.jobs import registry


@pytest.fixture
def register_job(monkeypatch: pytest.MonkeyPatch) -> Callable[..., registry.JobFunction]:
    """An empty registry for this test; register(name, function, every=1 hour) adds to it."""
    monkeypatch.setattr(registry, "_jobs", {})

    def register(
        name: str, function: registry.JobFunction, *, every: timedelta = timedelta(hours=1)
    ) -> registry.JobFunction:
        return registry.register(name, every=every)(function)

    return register
