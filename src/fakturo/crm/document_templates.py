"""The document templates a client can be given, contributed by the documents app.

crm sits below documents in the dependency order, so it cannot list them itself: documents
registers a lister here (in its AppConfig.ready) that gives an organization's templates as
(slug, name) pairs, the built-in layouts first.
"""

from collections.abc import Callable
from typing import Any

TemplateLister = Callable[[Any], list[tuple[str, str]]]
_listers: list[TemplateLister] = []


def register_template_lister(lister: TemplateLister) -> None:
    if lister not in _listers:
        _listers.append(lister)


def template_choices(organization: Any) -> list[tuple[str, str]]:
    return [choice for lister in _listers for choice in lister(organization)]
