"""What a client's data is checked for beyond validation: warnings and possible duplicates.

Pure: no ORM. The selectors feed it rows; the services return what it finds.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from rapidfuzz import fuzz, process

from fakturo.core.identifiers import vat_id_country
from fakturo.crm.choices import TaxTreatment

NAME_THRESHOLD = 88
MAX_DUPLICATES = 10

# Addresses at these domains say nothing about which company someone works for.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "proton.me",
        "protonmail.com",
        "mail.com",
        "orange.fr",
        "free.fr",
    }
)

# Legal forms say nothing about identity: "Acme GmbH" and "ACME Ltd." are the same name.
LEGAL_FORMS = frozenset(
    {
        "ag",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "eg",
        "ek",
        "eurl",
        "gbr",
        "gmbh",
        "inc",
        "kg",
        "kgaa",
        "limited",
        "llc",
        "llp",
        "ltd",
        "nv",
        "ohg",
        "plc",
        "sa",
        "sarl",
        "sas",
        "sl",
        "spa",
        "srl",
        "ug",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class KnownClient:
    """The fields of an existing client that duplicates are matched on."""

    id: UUID
    legal_name: str
    display_name: str
    vat_id: str
    emails: list[str]

    @property
    def name(self) -> str:
        return self.display_name or self.legal_name


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    id: UUID
    name: str
    reason: str  # "vat_id", "email_domain" or "name"
    score: int  # 100 for exact matches, else the name similarity


def normalized_name(name: str) -> str:
    """Lower case, no accents, no punctuation, no legal form: what name matching compares."""
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _NOT_WORD.sub(" ", plain.replace(".", "")).split()
    return " ".join(word for word in words if word not in LEGAL_FORMS)


def company_domains(emails: Iterable[str]) -> set[str]:
    """Mail domains of the addresses, leaving out public providers."""
    domains = {email.rpartition("@")[2].lower() for email in emails if "@" in email}
    return domains - PUBLIC_MAIL_DOMAINS


def find_duplicates(
    *, names: Iterable[str], vat_id: str, emails: Iterable[str], known: Iterable[KnownClient]
) -> list[PossibleDuplicate]:
    """Known clients sharing the VAT id, a company mail domain, or a similar name.

    Each client is listed once, by its strongest reason (VAT id, then mail domain, then name),
    best first, at most MAX_DUPLICATES.
    """
    wanted = [name for name in {normalized_name(name) for name in names} if name]
    domains = company_domains(emails)
    found: dict[UUID, PossibleDuplicate] = {}
    choices: dict[tuple[UUID, int], str] = {}
    display_names: dict[UUID, str] = {}
    for client in known:
        if vat_id and client.vat_id == vat_id:
            found[client.id] = PossibleDuplicate(client.id, client.name, "vat_id", 100)
        elif domains & company_domains(client.emails):
            found[client.id] = PossibleDuplicate(client.id, client.name, "email_domain", 100)
        else:
            display_names[client.id] = client.name
            for index, name in enumerate((client.legal_name, client.display_name)):
                if name:
                    choices[client.id, index] = normalized_name(name)
    for query in wanted:
        matches = process.extract(
            query,
            choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=NAME_THRESHOLD,
            limit=None,
        )
        for _, score, (client_id, _) in matches:
            previous = found.get(client_id)
            if previous is None or previous.score < score:
                found[client_id] = PossibleDuplicate(
                    client_id, display_names[client_id], "name", round(score)
                )
    ranked = sorted(found.values(), key=lambda match: (-match.score, match.name.casefold()))
    return ranked[:MAX_DUPLICATES]


def client_warnings(*, vat_id: str, billing_country: str, tax_treatment: str) -> list[str]:
    """Problems worth telling the user about that don't stop the client from being saved."""
    warnings = []
    if vat_id and billing_country and vat_id_country(vat_id) != billing_country:
        warnings.append(
            f"The VAT id is from {vat_id_country(vat_id)}, "
            f"but the billing address is in {billing_country}."
        )
    if tax_treatment == TaxTreatment.REVERSE_CHARGE and not vat_id:
        warnings.append("Reverse charge needs the client's VAT id.")
    return warnings
