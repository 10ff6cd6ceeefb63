"""Every portal block leaves the Markdown converter, whatever other classes it has beside pp-portal, and a
dashboard's list marked data-search-exclude gives the search index no text."""

from __future__ import annotations

from plan_portal.render.html_blocks import extract_html_blocks, restore_html_blocks, searchable_text

PAGE = """\
# Decisions

<div class="pp-portal">
<p>lead</p>
</div>

<div class="pp-portal pp-scroll-x" data-search-exclude id="status-accepted">
<table><tr><td><div class="pp-clamp">Use Postgres</div></td></tr></table>
</div>

<div class="pp-portalish">not ours</div>
"""


def test_blocks_with_more_classes_are_taken_out_and_put_back():
    skeleton, blocks = extract_html_blocks(PAGE, "plans/decisions.md")
    assert len(blocks) == 2 and "Use Postgres" not in skeleton and "pp-portalish" in skeleton
    converted = "\n".join(f"<p>{line}</p>" if line.startswith("PPBLOCK") else line for line in skeleton.split("\n"))
    assert "Use Postgres" in restore_html_blocks(converted, blocks)


def test_an_excluded_block_with_more_classes_has_no_text_to_index():
    _, blocks = extract_html_blocks(PAGE, "plans/decisions.md")
    lead, register = blocks.values()
    assert searchable_text(register) == "" and "lead" in searchable_text(lead)
