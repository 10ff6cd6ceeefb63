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


def test_rows_and_paragraphs_marked_excluded_leave_no_text_to_index():
    block = ('<div class="pp-portal pp-scroll-x">\n<table><tbody>\n'
             '<tr id="ADR-001"><td><strong>ADR-001</strong> Use Postgres</td></tr>\n'
             '<tr class="pp-impact-row" data-search-exclude><td><p>If it is reversed: 2 rest on it</p>'
             '<ul><li>ADR-002 Cache reads</li></ul></td></tr>\n'
             '<tr id="ADR-002"><td><strong>ADR-002</strong> Cache reads</td></tr>\n</tbody></table>\n'
             '<p data-search-exclude><span>depends on</span> <span>superseded</span></p>\n'
             '<p>Kept after it</p>\n</div>')
    text = searchable_text(block)
    assert "Use Postgres" in text and text.count("Cache reads") == 1 and "Kept after it" in text
    assert "reversed" not in text and "depends on" not in text and "superseded" not in text
