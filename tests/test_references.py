"""Cross-feature references: every way a plan names another feature, and what it does not.

Each mention of another feature (its directory name, its number after a word naming a feature,
a zero-padded number standing alone, a path or a Markdown link into its folder) is one edge per
(citing line, target): from the record the line falls in, or from the feature for prose.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixture_text import line_of
from picture import page_links
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.export import export_document
from plan_portal.model.mentions import _NUMBER as NUMBER
from plan_portal.model.mentions import _WORD as WORD
from plan_portal.model.mentions import scan_mentions, word_before
from plan_portal.pipeline import run
from plan_portal.read import parse_document
from plan_portal.render import Layout, portal_pages
from plan_portal.render.html_blocks import inline_html_blocks, restore_graphs
from plan_portal.settings import Settings

SELF = "003-checkout"
PLAN = f"specs/{SELF}/plan.md"
TARGETS = ("001-identity", "002-payments", "004-ledger", "010-search", "012-reports")


def write_others(write_files: Callable[..., Path], *names: str) -> None:
    for name in names or TARGETS:
        write_files(name, {"plan.md": f"# Implementation Plan: {name}\n\nNothing here.\n"})


def cited(result: Result, path: str = PLAN) -> set[tuple[int, str]]:
    """(line, cited feature) of every edge whose citation is in ``path``."""
    graph = result.graph
    found = set()
    for edge in result.edges:
        if edge.citation.path != path:
            continue
        other = edge.target if graph.nodes[edge.source]["feature"] == SELF else edge.source
        found.add((edge.citation.line, str(graph.nodes[other]["feature"])))
    return found


@pytest.fixture
def cite(write_files: Callable[..., Path], run_pipeline: Callable[..., Result]) -> Callable[[str], set[str]]:
    """The features one prose line of 003-checkout's plan names (besides the others, nothing)."""

    def go(text: str) -> set[str]:
        write_others(write_files)
        write_files(SELF, {"plan.md": f"# Implementation Plan: Checkout\n\n## Summary\n\n{text}\n"})
        return {target for _, target in cited(run_pipeline())}

    return go


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Directory names, alone, in code, as a path into the folder.
        ("Reuses the session store of 001-identity.", {"001-identity"}),
        ("Reuses `002-payments` and **004-ledger**.", {"002-payments", "004-ledger"}),
        ("See `specs/010-search/plan.md` for the index.", {"010-search"}),
        ("As in ../012-reports/research.md.", {"012-reports"}),
        # A number after a word naming a feature or a spec, lists after it included.
        ("Feature 010 owns the index.", {"010-search"}),
        ("As spec 012 decided, and per the spec-004 precedent.", {"012-reports", "004-ledger"}),
        ("Same as specs 001/002/004.", {"001-identity", "002-payments", "004-ledger"}),
        ("Deferred from features 001, 002 and 012.", {"001-identity", "002-payments", "012-reports"}),
        ("Extends features 001–002.", {"001-identity", "002-payments"}),
        ("Covered elsewhere (see 010).", {"010-search"}),
        ("Feature #012 shipped first.", {"012-reports"}),
        ("Laid out as in specs/012 and specs/004/.", {"012-reports", "004-ledger"}),
        # A zero-padded number standing alone is a feature's: counts, ports and years have no zeros.
        ("Keep the 002 ledger format and 004's idempotency keys.", {"002-payments", "004-ledger"}),
        ("Unchanged from 001/002 (see the 010 index).", {"001-identity", "002-payments", "010-search"}),
        # Markdown links into another feature's folder, to any of its files.
        ("The [ledger](../004-ledger/spec.md#fr-003) rules.", {"004-ledger"}),
        ("The [search folder](../010-search/) layout.", {"010-search"}),
        # A name that starts with a folder's name: a note or a branch named after the feature.
        ("From the learning `010-search-2` and branch 012-reports-hotfix.", {"010-search", "012-reports"}),
        # Not references: numbers of other things, file names, versions, ports, the feature itself.
        ("Bump to v0.10.0 and run migration_010.sql then 010-search.sql.", set()),
        ("ADR 002 and migration 004 and issue 012 and FR-001/002/004 and T010.", set()),
        ("Listens on port 8010 since 2012; 10 retries, 1.010 ratio.", set()),
        ("Feature 1 and spec 2 of the sprint; Sprint 10.", set()),
        ("Brand colour #001B40 and docs/adr/002-payments.md.", set()),
        ("This feature (003-checkout, spec 003) builds on itself.", set()),
        ("Feature 099 and 099-nothing do not exist.", set()),
        ("A folder we lack, 004-other-thing, beside our 004.", {"004-ledger"}),
    ],
)
def test_ways_of_naming_a_feature(cite: Callable[[str], set[str]], text: str, expected: set[str]):
    assert cite(text) == expected


PROSE = """
# Implementation Plan: Checkout

## Summary

Checkout builds on Feature 004 and reuses the 002 token flow. It also
uses 004-ledger again on this line, twice: 004-ledger.
This feature is superseded by feature 012 for reports; it replaces spec 010's
checkout page. Wrapped across lines: as decided in Spec
001 earlier.

```text
specs/010-search/   # a tree in a code block is not prose
```

## Design Decisions

| ID | Decision | Rationale | Status |
|----|----------|-----------|--------|
| ADR-001 | Card tokens | Requires 002-payments tokens | Accepted |

## Risk Register

| ID | Risk | Probability | Impact | Mitigation |
|----|------|-------------|--------|------------|
| R1 | Ledger lag | High | High | Batch as in feature 004 |
"""

RESEARCH = """
# Research: Checkout

## Queue choice

**Decision**: One queue per tenant.

**Rationale**: Matches the queue of feature 010, which
proved it under load.

## Notes

Unrelated prose that mentions spec 012.
"""


@pytest.fixture
def checkout(write_files: Callable[..., Path], run_pipeline: Callable[..., Result]) -> Result:
    write_others(write_files)
    write_files(SELF, {"plan.md": PROSE, "research.md": RESEARCH})
    return run_pipeline()


def edges_from(result: Result, path: str) -> list[tuple[str, str, str, int]]:
    return sorted((e.source, e.target, e.type, e.citation.line) for e in result.edges if e.citation.path == path)


TREE = """
# Plan

```text
src/
├── search/index.ts      # reuses the 010 tokenizer (see spec 012)
└── ledger_0010.ts       # version 004 of nothing: a comment names what it names
const STEP = "002";      // an id in code is not a mention
```
"""


def test_code_blocks_are_read_for_their_comments_only(write_files: Callable[..., Path],
                                                      run_pipeline: Callable[..., Result]):
    write_others(write_files)
    write_files(SELF, {"plan.md": TREE})
    assert cited(run_pipeline()) == {(line_of(TREE, "010 tokenizer"), "010-search"),
                                     (line_of(TREE, "010 tokenizer"), "012-reports")}


def test_one_edge_per_line_and_target_typed_by_the_words_before(checkout: Result):
    assert edges_from(checkout, PLAN) == sorted([
        # Prose: from the feature; "builds on" makes a dependency, a bare number relates.
        (SELF, "004-ledger", "depends-on", line_of(PROSE, "builds on Feature 004")),
        (SELF, "002-payments", "relates-to", line_of(PROSE, "builds on Feature 004")),
        # Two mentions of one feature on one line are one edge.
        (SELF, "004-ledger", "relates-to", line_of(PROSE, "twice: 004-ledger")),
        # "superseded by" reverses the link; "replaces" supersedes.
        ("012-reports", SELF, "supersedes", line_of(PROSE, "superseded by feature 012")),
        (SELF, "010-search", "supersedes", line_of(PROSE, "superseded by feature 012")),
        # A number wrapped onto the next line after its word, cited on its own line.
        (SELF, "001-identity", "relates-to", line_of(PROSE, "001 earlier")),
        # Inside a record's row: from the record; the column types it as it does inside a feature.
        (f"{SELF}/ADR-001", "002-payments", "depends-on", line_of(PROSE, "| ADR-001 |")),
        (f"{SELF}/R1", "004-ledger", "relates-to", line_of(PROSE, "| R1 |")),
    ])


def test_research_lines_inside_a_decision_cite_from_it(checkout: Result):
    research = f"specs/{SELF}/research.md"
    assert edges_from(checkout, research) == [
        (SELF, "012-reports", "relates-to", line_of(RESEARCH, "mentions spec 012")),
        (f"{SELF}/decision-queue-choice", "010-search", "relates-to", line_of(RESEARCH, "feature 010")),
    ]


def test_export_lists_each_reference_with_its_type_and_line(checkout: Result):
    exported = export_document(checkout)["edges"]
    line = line_of(PROSE, "superseded by feature 012")
    assert {"source": "012-reports", "target": SELF, "type": "supersedes",
            "citation": {"path": PLAN, "line": line}} in exported
    assert sum(1 for e in exported if e["citation"]["path"] == PLAN) == 8


def test_the_graph_keeps_every_citation_of_a_link(checkout: Result):
    graph = checkout.graph
    citations = graph.edges[SELF, "004-ledger", "relates-to"]["citations"]
    assert [c.line for c in citations] == [line_of(PROSE, "twice: 004-ledger")]
    assert graph.number_of_edges(SELF, "004-ledger") == 2  # depends-on and relates-to


def test_every_artifact_is_read_for_mentions(write_files: Callable[..., Path], run_pipeline: Callable[..., Result]):
    write_others(write_files)
    write_files(SELF, {
        "plan.md": "# Plan\n\nNothing.\n",
        "spec.md": "# Spec\n\n- **FR-001**: Totals MUST match feature 004.\n",
        "tasks.md": "# Tasks\n\n- [ ] T001 Port the 010-search client\n",
        "data-model.md": "# Data model\n\n| Entity | Owner |\n|---|---|\n| Invoice | spec 012 |\n",
        "quickstart.md": "# Quickstart\n\nLog in first ([identity](../001-identity/quickstart.md)).\n",
    })
    result = run_pipeline()
    assert cited(result, f"specs/{SELF}/spec.md") == {(3, "004-ledger")}
    assert cited(result, f"specs/{SELF}/tasks.md") == {(3, "010-search")}
    assert cited(result, f"specs/{SELF}/data-model.md") == {(5, "012-reports")}
    assert cited(result, f"specs/{SELF}/quickstart.md") == {(3, "001-identity")}


def test_a_number_two_folders_share_is_ambiguous_but_their_names_resolve(
        write_files: Callable[..., Path], run_pipeline: Callable[..., Result]):
    write_others(write_files, "001-project-setup", "001-cloud-deploy", "002-payments")
    write_files(SELF, {"plan.md": """
        # Plan

        Feature 001 is ambiguous, the 001 setup too.
        The 001-cloud-deploy pipeline is not; feature 002 neither.
        """})
    assert cited(run_pipeline()) == {(4, "001-cloud-deploy"), (4, "002-payments")}


def test_reference_style_links_count_at_the_line_they_are_used(
        write_files: Callable[..., Path], run_pipeline: Callable[..., Result]):
    write_others(write_files)
    write_files(SELF, {"plan.md": """
        # Plan

        The [ledger plan][ledger] sets the rules.

        [ledger]: ../004-ledger/plan.md
        """})
    assert cited(run_pipeline()) == {(3, "004-ledger")}


def test_mentions_are_records_with_lines_not_tokens():
    doc = parse_document("specs/003-checkout/plan.md", "# Plan\n\nAfter feature 010 and\n[x](../012-reports/)\n")
    mentions = scan_mentions(doc, "specs/003-checkout")
    assert [(m.kind, m.key, m.source.line) for m in mentions] == [
        ("number", "010", 3), ("id", "012-reports", 4), ("path", "specs/012-reports", 4)]


def test_a_feature_page_lists_links_both_ways_and_the_picture_draws_them(
        write_files: Callable[..., Path], tmp_path: Path):
    write_others(write_files, "001-identity", "002-payments")
    write_files(SELF, {"plan.md": "# Plan\n\n## Summary\n\nBuilds on feature 001; see 002-payments <b>too</b>.\n"})
    result = run(Settings((tmp_path / "specs",), tmp_path))
    pages = {p.src_uri: restore_graphs(inline_html_blocks(p.content or "", p.blocks), p.graphs)
             for p in portal_pages(result, Layout("plans", True), tmp_path)}
    own = pages["plans/003-checkout/plan.md"]
    assert "Related features" in own and "depends on" in own and "relates to" in own
    assert "plan.md:5" in own
    other = pages["plans/002-payments/plan.md"]
    assert "referenced by" in other and "003-checkout" in other
    graph = pages["plans/graph.md"]
    drawn = page_links(graph)
    assert ("003-checkout", "001-identity") in drawn and ("003-checkout", "002-payments") in drawn


def test_the_scan_is_linear_in_the_portfolio(tmp_path: Path):
    """Each feature names ten others: 400 features cost about four times 100, not sixteen."""

    def timed(count: int, root: Path) -> float:
        for n in range(1, count + 1):
            others = " ".join(f"feature {(n + k) % count + 1:03d}," for k in range(1, 11))
            directory = root / "specs" / f"{n:03d}-f{n}"
            directory.mkdir(parents=True)
            (directory / "plan.md").write_text(f"# Plan {n}\n\n## Summary\n\nBuilds on {others} and more.\n")
        best = float("inf")
        for _ in range(3):  # the best of three: a busy machine slows a run, never speeds it up
            start = time.perf_counter()
            result = run(Settings((root / "specs",), root))
            best = min(best, time.perf_counter() - start)
            assert len(result.edges) == count * 10
        return best

    small, large = timed(100, tmp_path / "small"), timed(400, tmp_path / "large")
    assert large < small * 10


#: Text around numbers made of the type words, their pieces, and what may stand between them and a number.
_NEAR_WORDS = st.lists(st.sampled_from([*"sSpecfatureiPrCF.-:(#/x1", " ", "\t", "\n", "\u00a0", "\u2003", " " * 20,
                                        "see", "Spec", "feature", "specifications", "cf.", "per ", "ADR-"]),
                       max_size=30).map("".join)
_TYPE_WORD = st.sampled_from(["see", "Spec", "specs", "FEATURES", "specifications", "cf.", "cf", "per", "ADR", "x"])
_SEPARATOR = st.sampled_from(["-", " ", ":", " #", "#", "(", "( ", "\t: #", " " * 40, "\u00a0", ".", "/", ""])


@given(_NEAR_WORDS, _TYPE_WORD, _SEPARATOR, st.from_regex(r"\d{1,4}", fullmatch=True), _NEAR_WORDS)
@settings(max_examples=500, deadline=None)
def test_the_word_before_a_number_is_found_as_a_search_over_everything_before_it_finds_it(
        noise: str, word: str, separator: str, digits: str, after: str):
    """``word_before`` skips the search where the type word cannot end (after a letter, a dot, a
    digit) and searches 15 characters after ``-``: the same match as searching the 160 before."""
    before = noise + word + separator
    text = before + digits + after
    for number in NUMBER.finditer(text):
        start = number.start()
        expected = WORD.search(text, max(0, start - 160), start)
        found = word_before(text, start)
        assert (found and found.span()) == (expected and expected.span()), (text, start)
