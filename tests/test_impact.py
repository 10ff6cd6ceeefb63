"""What rests on a decision: direct dependents with titles, transitive counts, one bounded impact page
per decision on which more rests than is listed beside it, and decisions recorded twice shown once."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from plan_portal.checked import Impact
from plan_portal.pipeline import run
from plan_portal.settings import Settings


def _plan(title: str, decisions: list[tuple[str, str, str, str]], risks: str = "", gates: str = "") -> str:
    rows = "\n".join(f"| {i} | {t} | {c} | {s} |" for i, t, c, s in decisions)
    return textwrap.dedent(f"""\
        # Implementation Plan: {title}

        ## Constitution Check

        | Gate | Status | Evidence | Owner |
        |------|--------|----------|-------|
        {gates or "| Contract first | PASS | contracts drafted | Lead |"}

        ## Decision Log

        | ID | Decision | Context | Status |
        |----|----------|---------|--------|
        """) + rows + "\n\n## Risk Register\n\n" + textwrap.dedent("""\
        | ID | Description | Probability | Impact | Owner | Mitigation |
        |----|-------------|-------------|--------|-------|------------|
        """) + (risks or "| R1 | Nothing much | Low | Low | SRE | Watch it |") + "\n"


def chain_plans(length: int) -> dict[str, str]:
    """One feature whose decisions ADR-001 … ADR-<length> each depend on the one before; a risk is
    mitigated by the last decision, a gate evidenced by the second; a second feature builds on the first."""
    decisions = [("ADR-001", "Use Postgres for everything", "The base", "Accepted")]
    decisions += [(f"ADR-{n:03d}", f"Layer {n} on top", f"Depends on ADR-{n - 1:03d}", "Accepted")
                  for n in range(2, length + 1)]
    last = f"ADR-{length:03d}"
    return {
        "001-base": _plan("Base", decisions, risks=f"| R1 | Slow reports | High | High | SRE | Mitigated by {last} |",
                          gates="| Single store | PASS | See ADR-002 | Lead |"),
        "002-other": _plan("Other", [("ADR-001", "Reuse the base store",
                                      "Depends on 001-base/ADR-001", "Proposed")]),
    }


def write_specs(root: Path, plans: dict[str, str], research: dict[str, str] | None = None) -> Path:
    for feature, plan in plans.items():
        folder = root / "specs" / feature
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "plan.md").write_text(plan, encoding="utf-8")
    for feature, text in (research or {}).items():
        (root / "specs" / feature / "research.md").write_text(text, encoding="utf-8")
    return root / "specs"


def checked(root: Path, plans: dict[str, str], research: dict[str, str] | None = None):
    return run(Settings((write_specs(root, plans, research),), root))


def build_site(root: Path, page_size: int = 500) -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: t\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n"
        f"  - plan-portal:\n      page_size: {page_size}\n      title: Harbor plans\n", encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


# --- the check stage: direct lists, transitive counts --------------------------------------------------------


def test_impact_lists_direct_dependents_of_every_kind_and_counts_the_rest(tmp_path: Path):
    result = checked(tmp_path, chain_plans(4))
    first = result.impact("001-base/ADR-001")
    assert [(d.id, d.kind, d.link) for d in first.dependents] == [
        ("001-base/ADR-002", "decision", "depends-on"), ("002-other/ADR-001", "decision", "depends-on")]
    # ADR-002..004 and 002-other/ADR-001 depend on it; the gate (evidence ADR-002) and the risk
    # (mitigated by ADR-004) rest on it through them.
    assert (first.downstream_count, first.affected_count, first.affected_features) == (4, 6, 2)
    assert first.direct_dependents == 2 and first.beyond_direct
    second = result.impact("001-base/ADR-002")
    assert {d.kind for d in second.dependents} == {"decision", "gate"}
    assert second.rests_on == ("001-base/ADR-001",) and second.upstream_count == 1
    last = result.impact("001-base/ADR-004")
    assert [(d.kind, d.link) for d in last.dependents] == [("risk", "mitigated-by")]
    assert last.upstream_count == 3 and not last.beyond_direct


def test_everything_that_rests_on_a_decision_nearest_first_each_once(tmp_path: Path):
    result = checked(tmp_path, chain_plans(4))
    affected = result.affected("001-base/ADR-001")
    assert [(a.dependent.id, a.distance, a.via) for a in affected] == [
        ("001-base/ADR-002", 1, "001-base/ADR-001"),
        ("002-other/ADR-001", 1, "001-base/ADR-001"),
        ("001-base/ADR-003", 2, "001-base/ADR-002"),
        ("001-base/gate-pre-single-store", 2, "001-base/ADR-002"),
        ("001-base/ADR-004", 3, "001-base/ADR-003"),
        ("001-base/R1", 4, "001-base/ADR-004"),
    ]
    assert len(affected) == result.impact("001-base/ADR-001").affected_count


def test_no_transitive_list_is_kept_per_decision(tmp_path: Path):
    """A chain of n decisions has n²/2 transitive dependents: the impacts keep only the direct links."""
    result = checked(tmp_path, chain_plans(60))
    kept = sum(len(i.dependents) + len(i.rests_on) for i in result.impacts.values())
    assert kept <= 2 * len(result.portfolio.decisions) + 4
    assert result.impact("001-base/ADR-001").affected_count == 62  # 60 decisions, a gate, a risk
    assert all(isinstance(getattr(Impact(), name), int) for name in ("upstream_count", "downstream_count"))


# --- twins: a decision in research.md and again in the plan ----------------------------------------------------

RESEARCH = """\
# Research

## 1. Primary PSP

**Decision**: Stripe PaymentIntents with Stripe Connect.

**Rationale**: Best SCA exemption handling in our tests.

## 2. Webhook retries

**Decision**: Exponential backoff over 3 days.
"""


def test_a_decision_research_and_the_plan_both_record_is_one(tmp_path: Path):
    plans = {"001-pay": _plan("Pay", [("ADR-001", "Stripe PaymentIntents as primary PSP", "SCA", "Accepted"),
                                      ("ADR-002", "Refunds go through the ledger", "Audit", "Accepted")])}
    result = checked(tmp_path, plans, {"001-pay": RESEARCH})
    research = [d for d in result.portfolio.decisions if d.origin == "research"]
    primary_psp = next(d.id for d in research if d.title == "Primary PSP")
    assert result.twins == {primary_psp: "001-pay/ADR-001"}
    assert result.impact(primary_psp) is result.impact("001-pay/ADR-001")


def test_twins_on_the_pages(tmp_path: Path):
    plans = {"001-pay": _plan("Pay", [("ADR-001", "Stripe PaymentIntents as primary PSP", "SCA", "Accepted")])}
    write_specs(tmp_path, plans, {"001-pay": RESEARCH})
    site = build_site(tmp_path)
    decisions = (site / "plans" / "decisions" / "index.html").read_text(encoding="utf-8")
    assert decisions.count("Stripe PaymentIntents as primary PSP") == 1
    assert ">Primary PSP<" not in decisions
    assert "+ research.md</a>" in decisions and "Webhook retries" in decisions
    feature = (site / "plans" / "001-pay" / "plan" / "index.html").read_text(encoding="utf-8")
    # one row, the research entry's anchor kept on it, its choice and rationale shown
    assert 'id="decision-primary-psp"' in feature
    assert "Stripe PaymentIntents with Stripe Connect." in feature
    assert "Best SCA exemption handling in our tests." in feature


# --- pages ----------------------------------------------------------------------------------------------------


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _feature_page(site: Path, feature: str) -> tuple[str, str]:
    """A built feature page's HTML, and its text with the tags taken out."""
    html = (site / "plans" / feature / "plan" / "index.html").read_text(encoding="utf-8")
    return html, _text(html)


def test_feature_page_names_everything_that_rests_on_a_decision_when_it_is_little(tmp_path: Path):
    write_specs(tmp_path, chain_plans(4))
    site = build_site(tmp_path)
    _, text = _feature_page(site, "001-base")
    assert "If it is reversed : 2 rest on it directly, 6 in all across 2 features." in text
    # each by id and title, never a bare list of ids; another feature's record with its status and
    # feature (this feature's show theirs in their own rows); those further away with the decision
    # they rest on it through
    assert "decision ADR-002 Layer 2 on top decision" in text
    assert "ADR-001 Reuse the base store proposed 002-other" in text
    assert "R1 Slow reports through ADR-004 001-base" in text
    assert "Rests on ADR-003 Layer 3 on top If it is reversed" in text
    # six records are listed beside it: no impact page
    assert not (site / "plans" / "impact").exists()


def hub_plans(width: int) -> dict[str, str]:
    """A feature whose ADR-001 has ``width`` direct dependents (ADR-002 …), the last of which also
    depends on the one before; a risk mitigated by the last; and the chain of ``chain_plans(14)``."""
    decisions = [("ADR-001", "Use one broker", "The base", "Accepted")]
    decisions += [(f"ADR-{n:03d}", f"Consumer {n}", "Depends on ADR-001" + (f" and ADR-{n - 1:03d}" if n == width + 1
                                                                          else ""), "Accepted")
                  for n in range(2, width + 2)]
    plans = chain_plans(14)
    plans["003-hub"] = _plan("Hub", decisions, risks=f"| R1 | Lost messages | High | High | SRE | "
                                                     f"Mitigated by ADR-{width + 1:03d} |")
    return plans


def test_a_decision_on_which_much_rests_through_others_lists_its_direct_dependents_with_their_counts(
        tmp_path: Path):
    write_specs(tmp_path, chain_plans(14))
    site = build_site(tmp_path)
    feature, text = _feature_page(site, "001-base")
    assert "If it is reversed : 2 rest on it directly, 16 in all across 2 features." in text
    # each direct dependent decision with how much rests on it in turn, linked onward to its entry
    assert "ADR-002 Layer 2 on top · 14 rest on it" in text
    assert 'href="#ADR-002">14 rest on it</a>' in feature
    # no more than 12 direct links anywhere: no impact page
    assert not (site / "plans" / "impact").exists()


def test_a_decision_with_more_direct_dependents_than_listed_has_an_impact_page(tmp_path: Path):
    write_specs(tmp_path, hub_plans(16))
    site = build_site(tmp_path)
    feature, text = _feature_page(site, "003-hub")
    assert "If it is reversed : 16 rest on it directly, 17 in all across 1 feature." in text
    assert "and 4 more directly, on its impact page" in text
    assert 'href="../../impact/003-hub/ADR-001/"' in feature
    impact = site / "plans" / "impact" / "003-hub" / "ADR-001" / "index.html"
    html = impact.read_text(encoding="utf-8")
    page = _text(html)
    assert "Impact of ADR-001 Use one broker" in page
    assert "16 rest on it directly (16 decisions), 17 in all across 1 feature" in page
    # each direct dependent with how much rests on it in turn: ADR-016 under ADR-017, which the risk rests on
    assert "ADR-016 Consumer 16 accepted 003-hub depends on this decision 2" in page
    assert "ADR-017 Consumer 17 accepted 003-hub depends on this decision 1" in page
    assert "ADR-002 Consumer 2 accepted 003-hub depends on this decision nothing" in page
    # only that decision has a page; it is out of the nav and of the search index
    pages = sorted(p.parent.name for p in (site / "plans" / "impact").rglob("index.html"))
    assert pages == ["ADR-001"]
    assert "impact/" not in (site / "plans" / "index.html").read_text(encoding="utf-8")
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "impact/" not in index and "Consumer 16" in index


def test_impact_pages_are_split_by_page_size(tmp_path: Path):
    write_specs(tmp_path, hub_plans(16))
    site = build_site(tmp_path, page_size=5)
    folder = site / "plans" / "impact" / "003-hub"
    first = folder / "ADR-001" / "index.html"
    # 16 direct dependents, 5 a page
    assert [(folder / name / "index.html").is_file() for name in ("ADR-001-2", "ADR-001-3", "ADR-001-4")] == [
        True, True, True]
    assert not (folder / "ADR-001-5").exists()
    rows = sum(_rows(p) for p in [first, *(folder / f"ADR-001-{n}" / "index.html" for n in (2, 3, 4))])
    assert rows == 16
    assert all(_rows(p) <= 5 for p in folder.rglob("index.html"))


def _rows(page: Path) -> int:
    body = page.read_text(encoding="utf-8").split('class="pp-table pp-impact-table"')[1].split("</table>")[0]
    return body.count("<tr><td>")


def test_decision_status_is_a_badge_with_the_authors_words_beneath_and_supersession_links(tmp_path: Path):
    plans = {"001-x": _plan("X", [
        ("ADR-001", "Use RabbitMQ", "Queue", "Superseded by ADR-002"),
        ("ADR-002", "Use Kafka", "Replaces ADR-001", "Proposed until the load test in week 12 is green"),
    ])}
    write_specs(tmp_path, plans)
    site = build_site(tmp_path)
    for page in (site / "plans" / "decisions" / "index.html", site / "plans" / "001-x" / "plan" / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert '<span class="pp-badge pp-decision-proposed">proposed</span>' \
               '<span class="pp-raw-status">Proposed until the load test in week 12 is green</span>' in html
        assert '<span class="pp-badge pp-decision-superseded">superseded</span>' in html
        text = _text(html)
        assert "superseded by ADR-002 Use Kafka" in text and "supersedes ADR-001 Use RabbitMQ" in text


def test_a_long_chain_gives_pages_that_grow_with_it_only_linearly(tmp_path: Path):
    """A chain of n decisions has n²/2 transitive dependents; nothing lists them, so its feature page
    and the portal's whole output grow with n (each decision and its direct links)."""
    pages, portal = [], []
    for length in (30, 60):
        root = tmp_path / str(length)
        write_specs(root, chain_plans(length))
        site = build_site(root, page_size=10)
        pages.append((site / "plans" / "001-base" / "plan" / "index.html").stat().st_size)
        portal.append(sum(p.stat().st_size for p in (site / "plans").rglob("*") if p.is_file()))
    # twice the decisions, twice the rows, plus the fixed parts: under 2.2 ×, where n² would be 4 ×
    assert pages[1] / pages[0] < 2.2
    assert portal[1] / portal[0] < 2.2
