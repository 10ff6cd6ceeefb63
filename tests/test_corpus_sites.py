"""Whole-site builds of real spec-kit projects: each project of the shared corpus builds without an exception.

The corpus (``../shared/corpus/<owner>__<repo>/specs`` next to the repository) holds real ``specs/`` trees from
public repositories. For each project a site is built in tmp_path with the plugin pointed at the project's
absolute ``specs`` path and the built-in mkdocs theme (the quickest), without ``strict``: the overview lists every
feature and every feature has its page. What the portal reports about the plans is printed (run with ``-s`` or
``-rA`` to read it); it does not fail the test.
"""

from __future__ import annotations

import collections
import html
import json
import logging
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LOGGER = "mkdocs.plugins.plan_portal.plugin"
#: What makes a directory under specs/ a feature: any spec-kit artifact (plan.md is optional).
ARTIFACTS = {"plan.md", "spec.md", "research.md", "data-model.md", "quickstart.md", "tasks.md", "contracts",
             "checklists"}

if not CORPUS.is_dir():
    pytest.skip(f"no corpus at {CORPUS}", allow_module_level=True)

PROJECTS = sorted(p.name for p in CORPUS.iterdir() if (p / "specs").is_dir())


def features_of(specs: Path) -> list[str]:
    return sorted(d.name for d in specs.iterdir() if d.is_dir() and any((d / name).exists() for name in ARTIFACTS))


def write_site(root: Path, specs: Path) -> Path:
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Corpus project\n\nPlans of a real project.\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(
        "site_name: corpus\n"
        "docs_dir: docs\n"
        "theme:\n  name: mkdocs\n  highlightjs: false\n"
        "plugins:\n"
        f"  - plan-portal:\n      roots: [{json.dumps(str(specs))}]\n",
        encoding="utf-8",
    )
    return config


_DIAGNOSTIC = re.compile(r"^(?P<where>.+?):(?P<line>\d+): (?P<code>[a-z][a-z-]*): (?P<message>.*)$", re.S)


def report(project: str, specs: Path, records: list[logging.LogRecord], others: list[logging.LogRecord],
           seconds: float, features: int) -> None:
    """Print the portal's diagnostics for one project: counts by severity and code, then every message; and how
    many warnings MkDocs itself gave (links in the projects' own files)."""
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    lines = []
    prefix = specs.as_posix().rstrip("/") + "/"
    for record in records:
        message = record.getMessage().removeprefix("plan_portal: ")
        match = _DIAGNOSTIC.match(message)
        code = match.group("code") if match else "other"
        counts[(record.levelname, code)] += 1
        lines.append(f"  {record.levelname:7} {message.replace(prefix, '')}")
    by_level = collections.Counter(level for level, _ in counts.elements())
    print(f"\n== {project}: {features} features, built in {seconds:.1f} s; {len(records)} diagnostics "
          f"({', '.join(f'{n} {level.lower()}' for level, n in sorted(by_level.items())) or 'none'})")
    for (level, code), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {n:5} {level.lower():7} {code}")
    print("\n".join(lines))
    by_logger = collections.Counter(f"{r.name} {r.levelname.lower()}" for r in others)
    if by_logger:
        print("  MkDocs itself: " + ", ".join(f"{n} from {name}" for name, n in sorted(by_logger.items())))


@pytest.mark.parametrize("project", PROJECTS)
def test_corpus_project_builds(project: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    specs = CORPUS / project / "specs"
    expected = features_of(specs)
    assert expected, f"{project} has no feature directories"
    config = write_site(tmp_path, specs)
    site = tmp_path / "site"
    caplog.set_level(logging.INFO, logger=LOGGER)
    start = time.perf_counter()
    build(load_config(str(config), site_dir=str(site)))  # any exception fails the test
    seconds = time.perf_counter() - start
    records = [r for r in caplog.records if r.name == LOGGER]
    others = [r for r in caplog.records if r.name != LOGGER and r.levelno >= logging.WARNING]
    report(project, specs, records, others, seconds, len(expected))

    overview = (site / "plans" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="pp-overview".*?<tbody>(?P<rows>.*?)</tbody>', overview, re.S)
    assert table, "the overview has no feature table"
    rows = re.findall(r"<tr\b.*?</tr>", table.group("rows"), re.S)
    assert len(rows) == len(expected), (len(rows), expected)
    listed = set()
    for row in rows:
        link = re.search(r'<a href="(?P<href>[^"]*)"><strong>(?P<id>[^<]*)</strong></a>', row)
        assert link, row[:300]
        feature = html.unescape(link.group("id"))
        assert html.unescape(link.group("href")) == f"{quote(feature)}/plan/", (feature, link.group("href"))
        listed.add(feature)
    assert listed == set(expected), (sorted(set(expected) - listed), sorted(listed - set(expected)))
    missing = [f for f in expected if not (site / "plans" / f / "plan" / "index.html").is_file()]
    assert missing == [], f"features without a page: {missing}"
    for feature in expected:
        page = (site / "plans" / feature / "plan" / "index.html").read_text(encoding="utf-8")
        assert f"<code>{html.escape(feature, quote=False)}</code>" in page, feature
