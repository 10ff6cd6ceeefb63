"""The gate matrix reads at real scale, in Chromium: twelve principles and long feature ids fit a
1,280 px screen without scrolling sideways, ids stay on one line, and on a phone the matrix scrolls
in its own box with the feature column kept in view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from test_browser import (
    HOSTILE_MKDOCS,
    _browser_available,  # noqa: F401 - skips the module without a browser (or fails, when it is required)
    _serve,
    browser_fixture,  # noqa: F401 - the "browser" fixture
)
from test_constitution import write_constitution

if TYPE_CHECKING:
    from playwright.sync_api import Browser

NAMES = ("Test-First Development", "Async-First Architecture", "Context Efficiency", "Multi-Agent Coordination",
         "Observability & Traceability", "Type Safety", "Incremental Delivery", "Open Source Sustainability",
         "Infrastructure Stability", "Documentation Excellence", "Approachable Code & UX", "Fail-Fast Errors")
#: A status cell in the author's words, as real plans write them: it must wrap, not widen the page.
LONG_STATUS = "✅ PASS — " + "evidence-recorded-in-the-release-runbook-and-signed-off " * 3
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _plan(index: int) -> str:
    rows = "\n".join(f"| {n}. {name} | {'FAIL' if (index + k) % 7 == 0 else 'PASS'} | ok |"
                     for k, (n, name) in enumerate(zip(NUMERALS, NAMES, strict=True)))
    post = "\n".join(f"| {n}. {name} | PASS | ok |" for n, name in zip(NUMERALS[:4], NAMES[:4], strict=True))
    return (f"# Implementation Plan: Feature {index}\n\n## Constitution Check\n\n| Principle | Status | Notes |\n"
            f"|---|---|---|\n{rows}\n| Release checklist signed | {LONG_STATUS} | ok |\n\n### Post-Design Re-check\n\n"
            f"| Principle | Status | Notes |\n|---|---|---|\n{post}\n\n## Complexity Tracking\n\n"
            "| Violation | Why Needed | Simpler Alternative Rejected Because |\n|---|---|---|\n"
            "| FAIL gates | demo | none |\n")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("matrix")
    (root / "mkdocs.yml").write_text(HOSTILE_MKDOCS, encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    principles = "\n".join(f"### {n}. {name}\n\nText.\n" for n, name in zip(NUMERALS, NAMES, strict=True))
    write_constitution(root, f"# C\n\n## Core Principles\n\n{principles}\n**Version**: 1.0.0\n")
    for index in range(1, 25):
        feature = root / "specs" / f"{index:03d}-theming-prefs-and-shell-polish-{index}"
        feature.mkdir(parents=True)
        (feature / "plan.md").write_text(_plan(index), encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    yield from _serve(root / "site")


@pytest.mark.parametrize("width", [1280, 390])
def test_gate_matrix_fits_the_screen_with_ids_on_one_line(browser: Browser, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/gates/"))
        headers = page.locator(".pp-matrix thead th")
        assert headers.count() == 1 + 12 + 1  # feature, one per principle, the one gate no principle names
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = "document.querySelector('.pp-matrix-box')"
        overflow = page.evaluate(f"{box}.scrollWidth - {box}.clientWidth")
        row_heights = page.evaluate("[...document.querySelectorAll('.pp-matrix tbody th a')]"
                                    ".map(a => a.getClientRects().length)")
        assert set(row_heights) == {1}, "every feature id on one line"
        if width >= 1280:
            assert overflow <= 0, f"the matrix scrolls {overflow} px at {width} px"
        else:
            assert overflow > 0
            page.evaluate(f"{box}.scrollLeft = 400")
            left = page.evaluate("document.querySelector('.pp-matrix tbody th').getBoundingClientRect().left")
            box_left = page.evaluate(f"{box}.getBoundingClientRect().left")
            assert abs(left - box_left) <= 1, "the feature column stays in view"
    finally:
        context.close()


def test_a_feature_page_with_a_long_status_keeps_to_a_phone(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "plans/001-theming-prefs-and-shell-polish-1/plan/"))
        assert "evidence-recorded-in-the-release-runbook" in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
