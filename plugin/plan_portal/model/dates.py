"""Dates as plans write them: made ISO (``YYYY-MM-DD``) where that is unambiguous.

Read: ``2026-03-01`` (with a time or words after it: ``2026-07-12, revised 2026-07-13``),
``2026/03/01``, ``March 1, 2026``, ``1 March 2026``, ``Mar 1 2026``. Left as written: day and
month in an order that could be either (``01/03/2026``), a month alone (``2026-03``), anything
else. Template text (``[DATE]``) is no date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from plan_portal.model.markers import is_placeholder
from plan_portal.model.text import header_fields, strip_markup
from plan_portal.read.blocks import Document

_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(?<![\d-])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d-])")
_LEADING_ISO = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d/-])")
_MONTH_FIRST = re.compile(rf"^\s*({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DAY_FIRST = re.compile(rf"^\s*(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\.?,?\s+(\d{{4}})\b", re.I)
_NO_DATE = re.compile(r"^(?:[-—–?]+|n/?a|none|tbd|unknown)$", re.I)
#: Header keys that date the file they open (``**Date**: 2026-03-01``).
_DATE_KEYS = ("date", "created", "created at", "created_at", "last updated", "updated")
#: Table headers and field labels that date a record.
DATE_LABELS = frozenset(("date", "decided", "decided on", "decision date", "date decided", "accepted on",
                         "date accepted", "when"))


def _valid(year: str | int, month: str | int, day: str | int) -> str:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def iso_date(text: str) -> str:
    """The ISO date ``text`` opens with, when it opens with one that is unambiguous; else ""."""
    plain = strip_markup(text)
    match = _LEADING_ISO.match(plain)
    if match:
        return _valid(*match.groups())
    match = _MONTH_FIRST.match(plain)
    if match:
        return _valid(match.group(3), _MONTHS[match.group(1).lower()], match.group(2))
    match = _DAY_FIRST.match(plain)
    if match:
        return _valid(match.group(3), _MONTHS[match.group(2).lower()], match.group(1))
    return ""


def date_in(text: str) -> str:
    """The first ISO date anywhere in ``text`` (a heading: ``Batch 2 (2026-07-01)``), else ""."""
    for match in _ISO.finditer(strip_markup(text)):
        found = _valid(*match.groups())
        if found:
            return found
    return ""


def written_date(text: str) -> str:
    """A date as it is shown: ISO when unambiguous, else the author's words; "" for template text."""
    plain = strip_markup(text).strip()
    bracketed = re.fullmatch(r"\[(.+)\]", plain)
    if not plain or _NO_DATE.match(plain) or (bracketed and is_placeholder(bracketed.group(1))):
        return ""
    return iso_date(plain) or plain


def header_date(doc: Document, metadata: dict[str, Any]) -> str:
    """The date a file gives itself: frontmatter ``date``/``created``, else a ``**Date**:`` line
    before its first level-2 heading (ISO when unambiguous)."""
    for key in _DATE_KEYS:
        value = metadata.get(key)
        if value not in (None, "", []):
            return written_date(str(value))
    for _, key, value in header_fields(doc):
        if key.lower() in _DATE_KEYS:
            found = written_date(value)
            if found:
                return found
    return ""
