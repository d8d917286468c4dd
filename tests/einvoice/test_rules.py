"""The prepared rules find exactly what the shipped stylesheets find, in the same order."""

from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from saxonche import PyXsltExecutable

from fakturo.einvoice import validation
from fakturo.einvoice.rules import prepared_rules
from fakturo.einvoice.validation import (
    CII,
    CII_PROFILES,
    RULES,
    UBL_RULES,
    read_source,
    rule_set,
    svrl_findings,
)

from .test_validation import EXAMPLES, example_id


@cache
def shipped(name: str) -> PyXsltExecutable:
    compiler = validation._processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(RULES / name))


def damage(root: etree._Element) -> None:
    """Break sums, codes and dates all over the document, so that many rules fail."""
    for element in root.iter("*"):
        name = etree.QName(element).localname
        if name.endswith("Amount") and element.text:
            element.text = element.text.strip() + "1"
        elif name.endswith(("TypeCode", "CategoryCode")) or name == "DateTimeString":
            element.text = "99"


@pytest.mark.parametrize("damaged", [False, True], ids=["as-is", "damaged"])
@pytest.mark.parametrize("path", EXAMPLES, ids=example_id)
def test_prepared_rules_find_what_the_shipped_rules_find(path: Path, damaged: bool) -> None:
    try:
        source = read_source(path.read_bytes())
    except validation.UnreadableInvoice:
        pytest.skip("no e-invoice XML to check")
    if damaged:
        damage(source.root)
    text = etree.tostring(source.root, encoding="unicode")
    node = validation._processor().parse_xml(xml_text=text)
    # A CII file goes through the rules of every profile: each finds plenty in the others' files.
    names = [pair[1] for pair in CII_PROFILES.values()] if source.syntax == CII else [UBL_RULES]
    assert rule_set(source)[2] in names

    for name in names:
        expected = svrl_findings(shipped(name).transform_to_string(xdm_node=node))

        assert validation._rule_findings(name, source.root) == expected, name


def test_no_pattern_of_the_en16931_rules_walks_the_whole_document() -> None:
    prepared = prepared_rules(RULES / CII_PROFILES["en16931"][1])
    stylesheet = etree.fromstring(prepared.text.encode("utf-8"))
    xsl = "{http://www.w3.org/1999/XSL/Transform}"
    starts = [
        call.get("select")
        for template in stylesheet.findall(f"{xsl}template[@match='/']")
        if template.get("mode") is None
        for call in template.iter(f"{xsl}apply-templates")
    ]

    assert len(starts) > 60 and "/" not in starts
    assert "fired-rule" not in prepared.text and "document('" not in prepared.text
    assert all(file.is_file() for file in prepared.code_lists.values())
