"""Long dashboard lists continue on numbered pages; every row is on exactly one, and links find them."""

from __future__ import annotations

import re
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from test_plugin import build_site, write_site

FEATURES = [f"00{n}-feature" for n in range(1, 8)]  # 7 features, one risk and one decision each
PAGE_SIZE = 3


class _Links(HTMLParser):
    """Ids on a page, and the links inside the portal's own blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.depth = 0  # >0 inside a .pp-portal block

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "div" and (self.depth or "pp-portal" in (values.get("class") or "").split()):
            self.depth += 1
        if tag == "a" and self.depth and values.get("href"):
            self.hrefs.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self.depth:
            self.depth -= 1


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("paged")
    write_site(root, {fid: {} for fid in FEATURES}, textwrap.dedent(f"""\
        theme: {{name: material, font: false}}
        plugins:
          - search
          - plan-portal:
              page_size: {PAGE_SIZE}
        """))
    return build_site(root)


@pytest.mark.parametrize("dashboard", ["index", "risks", "decisions", "gates", "technology"])
def test_a_list_longer_than_a_page_is_split_and_every_row_shown_once(site: Path, dashboard: str):
    first = site / "plans" / ("index.html" if dashboard == "index" else f"{dashboard}/index.html")
    pages = [first] + [site / "plans" / f"{dashboard}-{n}" / "index.html" for n in (2, 3)]
    assert all(page.is_file() for page in pages)
    assert not (site / "plans" / f"{dashboard}-4").exists()
    # Each feature's row (a table row linking to the feature's page) is on exactly one page.
    feature_link = re.compile(r'<a href="[^"]*(00\d-feature)/plan/[^"]*">')

    def rows(page: Path) -> list[str]:
        text = page.read_text(encoding="utf-8")
        if dashboard == "gates":  # the matrix's rows; the register below it lists each feature's gates
            text = text.split('class="pp-table pp-matrix"', 1)[1].split("</table>", 1)[0]
        chunks = text.split("<tr")[1:]
        # A feature's heading row over its decisions is not a row of the list.
        return [found[0] for chunk in chunks if not chunk.startswith(' class="pp-group-row"')
                and (found := feature_link.findall(chunk.split("</tr>")[0]))]

    assert sorted(row for page in pages for row in rows(page)) == FEATURES
    assert [len(rows(page)) for page in pages] == [3, 3, 1]


def test_every_portal_link_on_every_dashboard_page_resolves(site: Path):
    pages = [*sorted((site / "plans").glob("*/index.html")), site / "plans" / "index.html"]
    dashboards = [p for p in pages if not (p.parent / "plan").is_dir() and p.parent.name not in FEATURES]
    assert len(dashboards) >= 16  # 8 dashboards, 5 of them with 2 further pages
    checked = 0
    for page in dashboards:
        base = "/" + page.relative_to(site).as_posix()
        for href in _parse(page).hrefs:
            parts = urlsplit(urljoin(base, href))  # a heat-map cell's ?cell= is for the script, not the server
            target, fragment = parts.path, parts.fragment
            path = site / unquote(target).lstrip("/")
            path = path / "index.html" if target.endswith("/") else path
            assert path.is_file(), f"{page}: {href}"
            if fragment:
                assert fragment in _parse(path).ids, f"{page}: {href}"
            checked += 1
    assert checked > 100


def test_heat_map_and_status_counts_lead_to_the_page_with_their_first_row(site: Path):
    # All seven risks are High probability, Low impact: the cell's first row is on the first page.
    last = (site / "plans" / "risks-3" / "index.html").read_text(encoding="utf-8")
    assert 'href="../risks/?cell=high-low#cell-high-low"' in last
    first = (site / "plans" / "risks" / "index.html").read_text(encoding="utf-8")
    assert 'href="?cell=high-low#cell-high-low"' in first
    assert 'id="cell-high-low"' in first
    decisions = (site / "plans" / "decisions-2" / "index.html").read_text(encoding="utf-8")
    assert 'href="../decisions/#status-accepted">7 accepted</a>' in decisions


def test_overview_counts_the_whole_portfolio_on_every_page(site: Path):
    for page in ("index.html", "index-2/index.html", "index-3/index.html"):
        html = (site / "plans" / page).read_text(encoding="utf-8")
        assert "<strong>7</strong><span>features</span>" in html
        assert "Rows " in html and " of 7;" in html


def test_further_pages_stay_out_of_the_nav(site: Path):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="plans/risks/"' in home
    assert "risks-2" not in home


def test_a_short_list_has_one_page_and_no_pager(tmp_path: Path):
    site = build_site(write_site(tmp_path, {"001-alpha": {}}))
    assert not (site / "plans" / "risks-2").exists()
    assert "pp-pager" not in (site / "plans" / "risks" / "index.html").read_text(encoding="utf-8")


def test_a_gate_matrix_page_holds_at_most_ten_times_page_size_gates(tmp_path: Path):
    """A matrix row lists its feature's gates: plans of 60 gates each (the benchmark's large shape)
    made a 500-feature page of 7 MB. With page_size 3, a page holds at most 30 gates: one plan."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import generate

    generate(4, tmp_path / "specs", shape="large")
    write_site(tmp_path, {}, textwrap.dedent("""\
        theme: {name: material, font: false}
        plugins:
          - plan-portal:
              page_size: 3
        """))
    site = build_site(tmp_path)
    pages = [site / "plans" / "gates" / "index.html"] + [site / "plans" / f"gates-{n}" / "index.html"
                                                         for n in (2, 3, 4)]
    assert all(page.is_file() for page in pages) and not (site / "plans" / "gates-5").exists()
    for page in pages:
        matrix = page.read_text(encoding="utf-8").split('class="pp-table pp-matrix"', 1)[1].split("</table>", 1)[0]
        assert len(set(re.findall(r'href="[^"]*(\d{4}-feature-\w+)/plan/', matrix))) == 1
