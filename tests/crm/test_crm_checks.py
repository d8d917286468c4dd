"""The pure checks: name normalization, duplicate matching and warnings."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from fakturo.crm.checks import (
    KnownClient,
    PossibleDuplicate,
    client_warnings,
    company_domains,
    find_duplicates,
    normalized_name,
)


def known(legal_name: str, *, display_name: str = "", vat_id: str = "", emails=()) -> KnownClient:
    return KnownClient(uuid.uuid4(), legal_name, display_name, vat_id, list(emails))


def test_normalized_names_drop_case_accents_punctuation_and_legal_forms() -> None:
    assert normalized_name("Müller & Söhne GmbH") == "muller sohne"
    assert normalized_name("ACME, Ltd.") == "acme"
    assert normalized_name("Blue-Harbour S.A.R.L.") == "blue harbour"
    assert normalized_name("GmbH") == ""


@given(st.text(max_size=60))
def test_normalizing_twice_changes_nothing(name: str) -> None:
    once = normalized_name(name)
    assert normalized_name(once) == once


def test_public_mail_domains_say_nothing() -> None:
    assert company_domains(["a@Gmail.com", "b@blueharbour.test", "no-at-sign"]) == {
        "blueharbour.test"
    }


def test_a_similar_name_is_a_possible_duplicate_and_a_different_one_is_not() -> None:
    harbour = known("Blue Harbour Ltd")
    others = [harbour, known("Acme Holdings"), known("Red Harbour Logistics")]

    found = find_duplicates(names=["Blue Harbor GmbH"], vat_id="", emails=[], known=others)

    assert found == [PossibleDuplicate(harbour.id, "Blue Harbour Ltd", "name", 96)]


def test_the_display_name_is_matched_too() -> None:
    client = known("BH Shipping Holding AG", display_name="Blue Harbour")

    found = find_duplicates(names=["Harbour Blue"], vat_id="", emails=[], known=[client])

    assert [(match.name, match.reason, match.score) for match in found] == [
        ("Blue Harbour", "name", 100)
    ]


def test_vat_id_and_company_mail_domain_match_exactly_and_win_over_the_name() -> None:
    by_vat = known("Blue Harbour Ltd", vat_id="DE123456788")
    by_domain = known("Somebody Else", emails=["ap@blueharbour.test"])
    by_public_domain = known("Someone Private", emails=["ap@gmail.com"])

    found = find_duplicates(
        names=["Blue Harbour"],
        vat_id="DE123456788",
        emails=["boss@BlueHarbour.test", "me@gmail.com"],
        known=[by_vat, by_domain, by_public_domain],
    )

    assert [(match.id, match.reason, match.score) for match in found] == [
        (by_vat.id, "vat_id", 100),
        (by_domain.id, "email_domain", 100),
    ]


def test_an_empty_name_matches_nothing() -> None:
    assert find_duplicates(names=["GmbH", ""], vat_id="", emails=[], known=[known("AG")]) == []


def test_warnings() -> None:
    assert client_warnings(
        vat_id="FR40303265045", billing_country="DE", tax_treatment="domestic"
    ) == ["The VAT id is from FR, but the billing address is in DE."]
    assert (
        client_warnings(vat_id="EL094259216", billing_country="GR", tax_treatment="domestic") == []
    )
    assert client_warnings(vat_id="", billing_country="FR", tax_treatment="reverse_charge") == [
        "Reverse charge needs the client's VAT id."
    ]
