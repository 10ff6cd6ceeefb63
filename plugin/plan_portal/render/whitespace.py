"""Drop the indentation a theme's templates leave between tags in a written page.

A theme's page around a portal page's content is mostly indentation: about 4 KB of a 15 KB page in
Material, 4.6 MB of the portal's 40 MB of pages at 300 features. A run of whitespace that holds a
line break is shown as one space wherever whitespace collapses, so where it follows a tag or comes
before one it becomes that line break alone. ``<pre>``, ``<textarea>``, ``<script>`` and
``<style>`` keep their text as it is: there whitespace is what the reader sees, or code.
"""

from __future__ import annotations

import re

#: Elements whose text is kept whole; matched first, so that what lies between them is squeezed.
_KEPT = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
#: A run of whitespace with a line break right after a tag, and one that ends right before a tag
#: (each starts at a character that is rare in text, which keeps the scan fast).
_AFTER_TAG = re.compile(r">[ \t\r\f]*\n\s*")
_BEFORE_TAG = re.compile(r"\n\s*<")


def _squeeze(text: str) -> str:
    return _BEFORE_TAG.sub("\n<", _AFTER_TAG.sub(">\n", text))


def squeeze_whitespace(html: str) -> str:
    """``html`` with each run of whitespace that holds a line break, next to a tag, made one line
    break, outside ``<pre>``, ``<textarea>``, ``<script>`` and ``<style>``: the page looks the same."""
    parts: list[str] = []
    start = 0
    for kept in _KEPT.finditer(html):
        parts.append(_squeeze(html[start:kept.start()]))
        parts.append(kept.group(0))
        start = kept.end()
    parts.append(_squeeze(html[start:]))
    return "".join(parts)
