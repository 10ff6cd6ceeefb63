"""Readiness and owners on a built site: the overview's readiness column and "Blocked and needs
attention" section, the feature page's reasons, the owners index and pages, and the owner and status
filters on the risk, gate and decision dashboards."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from test_plugin import build_site, write_site

NO_STATUS = """\
# Implementation Plan: Quiet

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Contract first | PASS | drafted | @lead (interim) |

## Decision Log

| ID | Decision | Context | Status | Follow-up | Owner |
|----|----------|---------|--------|-----------|-------|
| ADR-001 | Use Postgres | one store | Accepted | Size it with SRE | Lead |
| ADR-002 | Cache in Redis | speed | Proposed | Blocked on the budget | |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation |
|----|-------------|-------------|--------|-------|------------|
| R1 | Nobody watches the cache | Low | Low | TBD | Alerts |
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ready")
    write_site(root, {"001-alpha": {}, "002-beta": {"status": "FAIL"}, "003-gamma": {"status": "PENDING"}})
    (root / "specs" / "004-quiet").mkdir()
    (root / "specs" / "004-quiet" / "plan.md").write_text(NO_STATUS, encoding="utf-8")
    return build_site(root)


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_overview_has_a_readiness_column_and_says_when_no_status_is_stated(site: Path):
    html = read(site, "plans/index.html")
    table = html.split('id="pp-overview"', 1)[1]
    assert "<th data-pp-sort=\"number\">Readiness</th>" in table
    row = table.split("004-quiet", 1)[1].split("</tr>", 1)[0]
    assert "not stated" in row
    assert "pp-ready-" in row
    assert table.count('class="pp-badge pp-ready pp-ready-') == 4


def test_overview_lists_blocked_then_attention_with_reasons_linking_to_their_records(site: Path):
    html = read(site, "plans/index.html")
    section = html.split('id="pp-attention"', 1)[1].split("</ul>\n</li>\n</ul>", 1)[0]
    order = re.findall(r'<li class="pp-attention-(\w+)"><p><a href="[^"]*">\s*<strong>([^<]+)</strong>', section)
    assert order == [("blocked", "002-beta"), ("blocked", "004-quiet"), ("attention", "003-gamma")]
    # Each reason links to its record on the feature page.
    assert re.search(r'<a href="\.\./?002-beta/plan/#gate-pre-single-datastore"[^>]*>FAIL gate “Single datastore” '
                     r'has no mitigation</a>', section) or "002-beta/plan/#gate-pre-single-datastore" in section
    assert "004-quiet/plan/#ADR-002" in section
    assert "Blocked on the budget" in section
    assert "Gate “Single datastore” is pending (PENDING)" in section


def test_the_feature_page_lists_every_reason_under_its_readiness(site: Path):
    html = read(site, "plans/002-beta/plan/index.html")
    box = html.split('id="pp-readiness"', 1)[1].split("</div>", 1)[0]
    assert "Blocked" in box and "#gate-pre-single-datastore" in box
    assert "<dt>Readiness</dt>" in html
    done = read(site, "plans/001-alpha/plan/index.html")
    assert "In progress" in done.split('id="pp-readiness"', 1)[1].split("</div>", 1)[0]  # 1 of 2 tasks done


def test_owners_index_counts_each_owner_and_ends_with_no_owner(site: Path):
    html = read(site, "plans/owners/index.html")
    table = html.split('id="pp-owners"', 1)[1].split("</table>", 1)[0]
    names = re.findall(r"<strong>([^<]+)</strong></a>", table)
    assert names == ["Lead", "SRE"]  # "Lead", "@lead (interim)" and "lead" are one owner
    assert "written @lead, Lead" not in table  # spellings are shown cleaned
    last = table.rsplit("<tr", 1)[1]
    assert "no owner" in last and 'href="no-owner/"' in last


def test_an_owner_page_lists_their_records_and_follow_ups_and_stays_out_of_the_nav(site: Path):
    html = read(site, "plans/owners/lead/index.html")
    assert "<h1" in html and "Owner: Lead" in html
    for heading in ("Gates (7)", "Decisions (1)", "Open follow-ups (1)"):
        assert heading in html
    sre = read(site, "plans/owners/sre/index.html")
    assert "Risks (3)" in sre and "Open follow-ups (1)" in sre  # "Size it with SRE"
    # The nav (in every page) links the Owners page, never an owner's: a feature page links neither otherwise.
    page = read(site, "plans/001-alpha/plan/index.html")
    assert 'href="../../owners/"' in page
    assert "owners/lead/" not in page and "owners/no-owner/" not in page


def test_the_no_owner_page_lists_flagged_records(site: Path):
    html = read(site, "plans/owners/no-owner/index.html")
    assert "Nobody watches the cache" in html  # a risk whose owner is "TBD"
    assert "ADR-002" in html  # a proposed decision in a table with an owner column


def test_dashboards_have_owner_and_status_filters_hidden_without_javascript(site: Path):
    risks = read(site, "plans/risks/index.html")
    tools = risks.split('data-pp-tools hidden', 1)[1].split("</div>", 1)[0]
    assert 'data-pp-facet="owner"' in tools and 'data-pp-facet="level"' in tools
    assert '<option value="-">no owner</option>' in tools
    assert 'data-pp-by-owner="sre"' in risks and 'data-pp-by-owner="-"' in risks
    assert '<span class="pp-badge pp-flag">no owner</span>' in risks
    assert re.search(r'<td class="pp-owner-cell" data-pp-value="" data-pp-last>', risks)
    gates = read(site, "plans/gates/index.html")
    register = gates.split('id="pp-gate-register"', 1)[1].split("</table>", 1)[0]
    assert register.count("<tr data-pp-by-status=") == 2  # the FAIL and the PENDING gate; passing ones are not open
    assert 'data-pp-facet="status"' in gates and 'data-pp-facet="owner"' in gates
    decisions = read(site, "plans/decisions/index.html")
    assert 'data-pp-facet="owner"' in decisions and 'data-pp-rows="pp-decisions"' in decisions
    assert 'data-pp-by-owner="lead"' in decisions


def test_owner_page_names_never_clash(tmp_path: Path):
    from plan_portal.render.context import owner_sources
    from plan_portal.render.urls import Layout

    found = owner_sources(["index", "a b", "a-b", "no-owner", "readme"], Layout("plans", True))
    assert len(set(found.values())) == 5
    assert "plans/owners/index.md" not in found.values() and "plans/owners/no-owner.md" not in found.values()


def test_a_long_owner_list_continues_on_pages(tmp_path: Path):
    owners = "\n".join(f"| R{n} | Risk {n} | Low | Low | Owner {n:02d} | Alerts |" for n in range(1, 8))
    write_site(tmp_path, {}, textwrap.dedent("""\
        theme: {name: material, font: false}
        plugins:
          - search
          - plan-portal:
              page_size: 3
        """))
    folder = tmp_path / "specs" / "001-many"
    folder.mkdir(parents=True)
    (folder / "plan.md").write_text(
        "# Implementation Plan: Many\n\n## Risk Register\n\n| ID | Description | Probability | Impact | Owner | "
        f"Mitigation |\n|---|---|---|---|---|---|\n{owners}\n", encoding="utf-8")
    site = build_site(tmp_path)
    assert (site / "plans" / "owners-3" / "index.html").is_file()
    assert not (site / "plans" / "owners-4").exists()


def test_every_portal_block_is_kept_out_of_the_markdown_converter():
    """A block whose div has more classes than pp-portal (the decisions page's per-status tables, an
    owner's lists, a feature's summary) is set aside like the others, and an excluded one gives no
    search text: left in, Python-Markdown's HTML parser read 2 MB of decisions on a 1,000-plan site."""
    from plan_portal.render.html_blocks import extract_html_blocks, searchable_text

    page = ('# T\n\n<div class="pp-portal pp-scroll-x" data-search-exclude id="status-x">\n<table><tr><td>a</td>'
            '</tr></table>\n</div>\n\n<div class="pp-portal pp-prose">\n<p>Summary</p>\n</div>\n\n'
            '<div class="pp-portalish">\n<p>not ours</p>\n</div>\n')
    skeleton, blocks = extract_html_blocks(page, "p.md")
    assert len(blocks) == 2 and "<table>" not in skeleton and "Summary" not in skeleton and "not ours" in skeleton
    first, second = blocks.values()
    assert searchable_text(first) == "" and "Summary" in searchable_text(second)
