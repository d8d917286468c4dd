"""Document number patterns. Pure: `format_number` renders, `pattern_problems` checks.

Tokens: {YYYY} year, {YY} two-digit year, {MM} month, {SEQ} or {SEQ:n} the sequence
zero-padded to n digits, {CLIENT} the client's code.
"""

import datetime
import re

TOKEN = re.compile(r"\{(YYYY|YY|MM|SEQ(?::(\d{1,2}))?|CLIENT)\}")
ANY_BRACE = re.compile(r"\{[^}]*\}")
MAX_LENGTH = 60


def pattern_problems(pattern: str) -> list[str]:
    problems = []
    if not TOKEN.search(pattern) or "{SEQ" not in pattern:
        problems.append("The pattern needs a {SEQ} or {SEQ:n} token.")
    unknown = [m.group(0) for m in ANY_BRACE.finditer(pattern) if not TOKEN.fullmatch(m.group(0))]
    if unknown:
        problems.append(
            f"Unknown token {unknown[0]}; use {{YYYY}}, {{YY}}, {{MM}}, {{SEQ:n}}, {{CLIENT}}."
        )
    if pattern.count("{SEQ") > 1:
        problems.append("Use {SEQ} once.")
    if len(pattern) > MAX_LENGTH - 10:
        problems.append("The pattern is too long.")
    return problems


def format_number(
    pattern: str, *, sequence: int, issue_date: datetime.date, client_code: str = ""
) -> str:
    def render(match: re.Match[str]) -> str:
        token = match.group(1)
        if token == "YYYY":
            return f"{issue_date.year:04d}"
        if token == "YY":
            return f"{issue_date.year % 100:02d}"
        if token == "MM":
            return f"{issue_date.month:02d}"
        if token == "CLIENT":
            return client_code
        width = int(match.group(2) or 1)
        return f"{sequence:0{width}d}"

    return TOKEN.sub(render, pattern)
