"""Find columns by what their header says, in any order, and keep the rest by header."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from plan_portal.read.blocks import Row, Table

_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


#: Each roles mapping as one pattern per role, by the mapping's identity (the mappings are
#: module constants): matching a header is one search per role, not one test per word.
_ROLE_PATTERNS: dict[int, tuple[Mapping[str, Sequence[str]], list[tuple[str, re.Pattern[str]]]]] = {}


def _role_patterns(roles: Mapping[str, Sequence[str]]) -> list[tuple[str, re.Pattern[str]]]:
    cached = _ROLE_PATTERNS.get(id(roles))
    if cached is not None and cached[0] is roles:
        return cached[1]
    patterns = []
    for role, words in roles.items():
        exact = [re.escape(w) for w in words if len(w) <= 2]
        inside = [re.escape(w) for w in words if len(w) > 2]
        alternatives = ([f"^(?:{'|'.join(exact)})$"] if exact else []) + ([f"(?:{'|'.join(inside)})"] if inside else [])
        patterns.append((role, re.compile("|".join(alternatives) or "(?!)")))
    _ROLE_PATTERNS[id(roles)] = (roles, patterns)
    return patterns


def column_roles(header: Sequence[str], roles: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Each role gets the first unused column whose header is one of the role's words (of one or
    two letters) or contains one (longer words).

    Roles are matched in the order given, so put the most specific first.
    """
    names = [normalise_header(h) for h in header]
    taken: set[int] = set()
    found: dict[str, int] = {}
    for role, pattern in _role_patterns(roles):
        for index, name in enumerate(names):
            if index not in taken and pattern.search(name):
                found[role] = index
                taken.add(index)
                break
    return found


def cell(row: Row, index: int | None, plain: bool = False) -> str:
    if index is None or index >= len(row.cells):
        return ""
    return row.plain[index] if plain else row.cells[index]


def extra_cells(table: Table, row: Row, used: Mapping[str, int]) -> dict[str, str]:
    """Cells of columns no role claimed, keyed by header (or "column N" past the header)."""
    claimed = set(used.values())
    extra: dict[str, str] = {}
    for index, text in enumerate(row.cells):
        if index in claimed:
            continue
        name = table.header[index] if index < len(table.header) and table.header[index] else f"column {index + 1}"
        if name in extra:
            name = f"{name} ({index + 1})"
        extra[name] = text
    return extra


def row_dict(table: Table, row: Row) -> dict[str, str]:
    """Every cell of a row keyed by its header, for tables shown as they are."""
    return extra_cells(table, row, {})
