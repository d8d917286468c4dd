"""What a new organization starts with, contributed by the apps above accounts.

accounts sits below catalog and invoicing in the dependency order, so it cannot call them;
instead they register a provisioner here (in their AppConfig.ready), and
`organization_setup` runs every provisioner inside its transaction.
"""

from collections.abc import Callable
from typing import Any

Provisioner = Callable[[Any], None]
_provisioners: list[Provisioner] = []


def register_provisioner(provisioner: Provisioner) -> None:
    if provisioner not in _provisioners:
        _provisioners.append(provisioner)


def provision(organization: Any) -> None:
    for provisioner in _provisioners:
        provisioner(organization)
