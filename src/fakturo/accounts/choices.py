from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    ACCOUNTANT = "accountant", "Accountant"


class Capability(models.TextChoices):
    """What a role may do; services and the API check these, never role names."""

    READ = "read"
    EXPORT = "export"
    EDIT_DOCUMENTS = "edit_documents"  # clients, documents, payments
    MANAGE_ORGANIZATION = "manage_organization"
    MANAGE_MEMBERS = "manage_members"
    USE_API_WRITE = "use_api_write"


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(Capability.values),
    Role.ADMIN: frozenset(Capability.values),
    Role.MEMBER: frozenset(
        {Capability.READ, Capability.EXPORT, Capability.EDIT_DOCUMENTS, Capability.USE_API_WRITE}
    ),
    Role.ACCOUNTANT: frozenset({Capability.READ, Capability.EXPORT}),
}

MONTHS = [
    (number, name)
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
]
