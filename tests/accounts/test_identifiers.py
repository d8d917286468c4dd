import pytest

from fakturo.core.identifiers import (
    normalize_bic,
    normalize_iban,
    normalize_vat_id,
    vat_id_country,
)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("DE123456788", "", "DE123456788"),
        ("de 123 456 788", "", "DE123456788"),
        ("123456788", "DE", "DE123456788"),
        ("FR40303265045", "", "FR40303265045"),
        ("094259216", "GR", "EL094259216"),
        ("NL004495445B01", "", "NL004495445B01"),
    ],
)
def test_valid_vat_ids_are_normalized(raw, country, expected):
    assert normalize_vat_id(raw, country=country) == expected


@pytest.mark.parametrize("raw", ["DE123456789", "FR00000000000", "ZZ123", "", "123456788"])
def test_invalid_vat_ids_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_vat_id(raw)


def test_vat_prefix_to_country():
    assert vat_id_country("EL094259216") == "GR"
    assert vat_id_country("DE123456788") == "DE"


def test_iban_and_bic():
    assert normalize_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert normalize_bic("cobadeffxxx") == "COBADEFFXXX"
    with pytest.raises(ValueError):
        normalize_iban("DE89370400440532013001")
    with pytest.raises(ValueError):
        normalize_bic("COBA")
