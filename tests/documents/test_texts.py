import pytest

from fakturo.documents.data import email_texts
from fakturo.documents.texts import (
    CATEGORIES,
    LANGUAGES,
    TEXTS,
    UNITS,
    category_name,
    document_language,
    unit_name,
)


def test_every_language_has_every_text_unit_and_category():
    for table in (TEXTS, UNITS, CATEGORIES):
        assert set(table) == set(LANGUAGES)
        keys = set(table["en"])
        for language in LANGUAGES:
            assert set(table[language]) == keys, language
            assert all(value.strip() for value in table[language].values()), language


def test_placeholders_agree_across_languages():
    import string

    def names(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, english in TEXTS["en"].items():
        for language in LANGUAGES:
            assert names(TEXTS[language][key]) == names(english), (language, key)


def test_language_tags_fall_back_to_their_base_then_english():
    assert document_language("de-AT") == "de"
    assert document_language("pt") == "en"
    assert document_language(None) == "en"
    assert unit_name("HUR", "de") == "Std."
    assert unit_name("XYZ", "fr") == "XYZ"
    assert category_name("AE", "nl") == "Btw verlegd"


@pytest.mark.parametrize(
    ("language", "subject", "in_body"),
    [
        ("en", "Invoice 2026-0001 from Acme GmbH", "€1,154.30"),
        ("de", "Rechnung 2026-0001 von Acme GmbH", "1.154,30\xa0€"),
        ("fr", "Facture 2026-0001 de Acme GmbH", "1\u202f154,30\xa0€"),
        ("es", "Factura 2026-0001 de Acme GmbH", "1.154,30\xa0€"),
        ("it", "Fattura 2026-0001 da Acme GmbH", "1.154,30\xa0€"),
        ("nl", "Factuur 2026-0001 van Acme GmbH", "€\xa01.154,30"),
    ],
)
def test_email_texts_for_sending_an_invoice(issued_invoice, language, subject, in_body):
    texts = email_texts(issued_invoice.snapshot, language=language)

    assert texts["subject"] == subject
    assert in_body in texts["body"]
    assert "Blue Harbour Ltd" in texts["body"]
