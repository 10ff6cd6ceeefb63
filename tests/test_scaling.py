"""Output grows linearly with the input on every shape of portfolio the benchmark generates.

No time is measured (speed lives in benchmarks/): each shape is built at N and 2N features and the
sizes compared. A size proportional to N doubles, plus noise from the generator's random draws; one
that grows with the square of a chain (every decision listing all that rests on it, transitively)
quadruples. The bound, 2.6, lies between the two.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from test_impact import build_site

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import SHAPES, generate  # noqa: E402

#: Largest N-to-2N growth of a size that is linear in N (see the module's docstring).
LINEAR = 2.6


def _sizes(root: Path, count: int, shape: str, clique: int = 300) -> tuple[int, int, int]:
    """(largest page, search index, everything the portal wrote) of a built portfolio, in bytes."""
    generate(count, root / "specs", shape=shape, clique=clique)
    site = build_site(root)
    pages = [p.stat().st_size for p in site.rglob("*.html")]
    portal = sum(p.stat().st_size for p in (site / "plans").rglob("*") if p.is_file())
    return max(pages), (site / "search" / "search_index.json").stat().st_size, portal


@pytest.mark.parametrize("shape", [s for s in SHAPES if s != "clique"])
def test_pages_and_search_index_grow_linearly_with_the_portfolio(tmp_path: Path, shape: str):
    small = _sizes(tmp_path / "small", 12, shape)
    large = _sizes(tmp_path / "large", 24, shape)
    largest, index, portal = (b / a for a, b in zip(small, large, strict=True))
    assert largest < LINEAR, f"largest page grew {largest:.2f}x"
    assert index < LINEAR, f"search index grew {index:.2f}x"
    assert portal < LINEAR, f"the portal's output grew {portal:.2f}x"


def test_a_clique_gives_output_linear_in_its_links(tmp_path: Path):
    """A clique of n decisions, each depending on every earlier one, is n(n-1)/2 links: the input
    itself grows with n², its plan's Context cells naming every link. Linear in the input is then at
    most the growth of the links, not of n² more (each decision listing all it rests on, transitively,
    would be n³)."""
    small = _sizes(tmp_path / "small", 4, "clique", clique=60)
    large = _sizes(tmp_path / "large", 4, "clique", clique=120)
    links = (120 * 119 / 2) / (60 * 59 / 2)  # 4.03
    largest, index, portal = (b / a for a, b in zip(small, large, strict=True))
    assert largest < 1.1 * links, f"largest page grew {largest:.2f}x for {links:.2f}x the links"
    assert index < 1.1 * links, f"search index grew {index:.2f}x"
    assert portal < 1.1 * links, f"the portal's output grew {portal:.2f}x"
