"""A serve session's pipeline (``run(settings, cache)``: read, link and check again only what an edit
changed) returns what a fresh run returns, after any sequence of edits, additions, deletions and
renames: the export, the diagnostics, the verdicts, and the graph's nodes and edges with their data,
in order."""

from __future__ import annotations

import os
import random
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from plan_portal.checked import CheckedPortfolio
from plan_portal.export import export_document
from plan_portal.model.cache import ReadCache
from plan_portal.pipeline import run
from plan_portal.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate

CONSTITUTION = """\
# Constitution

## Core Principles

### I. Contract-First APIs

Every service publishes its contract first.

### II. Security Review

Every launch is reviewed for security.

### III. Observability Baseline

Dashboards and alerts before launch.
"""


def state(checked: CheckedPortfolio) -> list[object]:
    """Everything the later stages read of a checked portfolio, orders included."""
    graph = checked.graph
    return [
        export_document(checked),
        list(graph.nodes(data=True)),
        list(graph.edges(keys=True, data=True)),
        [(node, list(graph.pred[node])) for node in graph],
        checked.edges,
        checked.diagnostics,
        checked.feature_order,
        list(checked.impacts.items()),
        list(checked.readiness.items()),
        list(checked.owners.items()),
        list(checked.record_owners.items()),
        checked.unowned,
        list(checked.twins.items()),
        list(checked.mitigations.items()),
        checked.unmitigated,
        [[gate.principle for gate in feature.gates] for feature in checked.portfolio.features],
    ]


class Portfolio:
    """A generated portfolio on disk, edited the way a writer would; every write looks newer."""

    def __init__(self, root: Path, constitution: Path) -> None:
        self.root, self.specs, self.constitution = root, root / "specs", constitution
        #: A second spec root, where a feature of the same id as one in the first may appear.
        self.more = root / "more"
        self.clock = 1_700_000_000 * 10**9
        self.added = 0

    @classmethod
    def generated(cls, root: Path, count: int) -> Portfolio:
        generate(count, root / "specs")
        (root / "constitution.md").write_text(CONSTITUTION, encoding="utf-8")
        return cls(root, root / "constitution.md")

    def features(self) -> list[Path]:
        return sorted(p for p in self.specs.iterdir() if p.is_dir())

    def write(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        self.clock += 10**9
        os.utime(path, ns=(self.clock, self.clock))

    def replace(self, path: Path, old: str, new: str) -> bool:
        text = path.read_text(encoding="utf-8")
        if old not in text:
            return False
        self.write(path, text.replace(old, new, 1))
        return True


Edit = Callable[[Portfolio, random.Random], object]


def _plan(p: Portfolio, rng: random.Random) -> Path:
    return rng.choice(p.features()) / "plan.md"


def _other(p: Portfolio, rng: random.Random) -> str:
    return rng.choice(p.features()).name


def edit_title(p: Portfolio, rng: random.Random) -> object:
    n = rng.randint(1, 4)
    return p.replace(_plan(p, rng), f"| ADR-00{n} | Decision", f"| ADR-00{n} | Edited decision")


def edit_id(p: Portfolio, rng: random.Random) -> object:
    """Other plans cite ``<feature>/ADR-002``: renaming the id leaves them dangling."""
    n = rng.randint(1, 4)
    return p.replace(_plan(p, rng), f"| ADR-00{n} |", f"| ADR-0{rng.randint(10, 99)} |")


def edit_depends_on(p: Portfolio, rng: random.Random) -> object:
    plan = _plan(p, rng)
    text = plan.read_text(encoding="utf-8")
    start = text.index("depends_on: [")
    end = text.index("]", start)
    other = rng.choice([_other(p, rng), "9999-no-such-feature", ""])
    p.write(plan, f"{text[:start]}depends_on: [{other}{text[end:]}")
    return other


def edit_mention(p: Portfolio, rng: random.Random) -> object:
    """Prose that names another feature; a risk's mitigation that cites another feature's decision."""
    other = _other(p, rng)
    if rng.random() < 0.5:
        return p.replace(_plan(p, rng), "## Summary\n\n", f"## Summary\n\nBuilds on {other} and supersedes it. ")
    return p.replace(_plan(p, rng), "| Mitigate by", f"| Superseded by {other}/ADR-001; mitigate by")


def edit_status(p: Portfolio, rng: random.Random) -> object:
    status = rng.choice(["Rejected", "Superseded by ADR-004", "Proposed", "Deprecated"])
    return p.replace(_plan(p, rng), "| Accepted |", f"| {status} |")


def edit_gate(p: Portfolio, rng: random.Random) -> object:
    name = rng.choice(["Contract-first APIs", "Security review", "Observability baseline"])
    return p.replace(_plan(p, rng), f"| {name} | PASS |", f"| {name} | {rng.choice(['FAIL', 'PENDING', 'WAIVED'])} |")


def edit_owner(p: Portfolio, rng: random.Random) -> object:
    if rng.random() < 0.5:
        return p.replace(_plan(p, rng), "| Platform Lead |", f"| {rng.choice(['Jane Doe', 'Ops Team'])} |")
    return p.replace(_plan(p, rng), "Follow up on", "Follow up with Jane Doe and SRE on")


def edit_tasks(p: Portfolio, rng: random.Random) -> object:
    tasks = rng.choice(p.features()) / "tasks.md"
    return p.replace(tasks, f"T00{rng.randint(1, 9)} [P]", f"T00{rng.randint(1, 9)} [P] [US{rng.randint(1, 4)}] "
                                                            f"FR-00{rng.randint(1, 9)}")


def edit_records(p: Portfolio, rng: random.Random) -> object:
    """A new decision row, or a twin recorded in research.md."""
    folder = rng.choice(p.features())
    if rng.random() < 0.5:
        row = "| ADR-009 | Added decision depends on ADR-001 | Context | Proposed | Nothing |"
        return p.replace(folder / "plan.md", "\n\n## Risk Register", f"\n{row}\n\n## Risk Register")
    p.write(folder / "research.md", "# Research\n\n## 1. Decision one\n\n**Decision**: Decision 1 for this feature\n"
                                    "**Rationale**: because\n")
    return "research"


def edit_constitution(p: Portfolio, rng: random.Random) -> object:
    name = rng.choice(["Security Review", "Contract-First APIs", "Launch Checklist", "Observability Baseline"])
    return p.replace(p.constitution, p.constitution.read_text(encoding="utf-8").split("### II. ", 1)[1].split("\n")[0],
                     name) or p.write(p.constitution, CONSTITUTION)


def add_feature(p: Portfolio, rng: random.Random) -> object:
    p.added += 1
    source = rng.choice(p.features())
    target = p.specs / f"{rng.randint(0, 99):04d}-added-{p.added}"
    if target.exists():
        return False
    shutil.copytree(source, target)
    return target.name


def delete_feature(p: Portfolio, rng: random.Random) -> object:
    if len(p.features()) > 3:
        shutil.rmtree(rng.choice(p.features()))
    return True


def rename_feature(p: Portfolio, rng: random.Random) -> object:
    source = rng.choice(p.features())
    target = source.with_name(f"{source.name.split('-', 1)[0]}-renamed-{rng.randint(0, 999)}")
    if not target.exists():
        source.rename(target)
    return target.name


def duplicate_feature(p: Portfolio, rng: random.Random) -> object:
    """A feature of the same id in the second root (its records' ids are the other's), or none."""
    if p.more.exists():
        shutil.rmtree(p.more)
        return "removed"
    source = rng.choice(p.features())
    shutil.copytree(source, p.more / source.name)
    return source.name


def touch(p: Portfolio, rng: random.Random) -> object:
    plan = _plan(p, rng)
    p.write(plan, plan.read_text(encoding="utf-8"))
    return True


EDITS: list[Edit] = [edit_title, edit_title, edit_id, edit_depends_on, edit_mention, edit_mention, edit_status,
                     edit_gate, edit_owner, edit_tasks, edit_records, edit_constitution, add_feature, delete_feature,
                     rename_feature, duplicate_feature, touch]


@pytest.mark.parametrize("seed", range(3))
def test_a_session_run_after_random_edits_equals_a_fresh_run(seed: int, tmp_path: Path) -> None:
    portfolio = Portfolio.generated(tmp_path, 8)
    settings = Settings((portfolio.specs, portfolio.more), tmp_path, constitution=portfolio.constitution)
    rng = random.Random(seed)
    cache = ReadCache()
    assert state(run(settings, cache)) == state(run(settings))
    for step in range(25):
        edit = rng.choice(EDITS)
        outcome = edit(portfolio, rng)
        assert state(run(settings, cache)) == state(run(settings)), (step, edit.__name__, outcome)


def test_each_kind_of_edit_keeps_a_session_run_equal_to_a_fresh_one(tmp_path: Path) -> None:
    """Every edit at least once, each after a title edit (the kind a session patches in place)."""
    portfolio = Portfolio.generated(tmp_path, 8)
    settings = Settings((portfolio.specs, portfolio.more), tmp_path, constitution=portfolio.constitution)
    rng = random.Random(11)
    cache = ReadCache()
    run(settings, cache)
    for edit in dict.fromkeys(EDITS):
        for made in (edit_title, edit):
            outcome = made(portfolio, rng)
            assert state(run(settings, cache)) == state(run(settings)), (made.__name__, outcome)


def _mutate_line(p: Portfolio, rng: random.Random, files: list[Path]) -> object:
    """Delete, repeat, or move a line of a Markdown file to another file, or swap two words in it."""
    path = rng.choice(files)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines:
        return False
    n = rng.randrange(len(lines))
    action = rng.choice(["delete", "repeat", "move", "swap"])
    line = lines[n]
    if action == "delete":
        del lines[n]
    elif action == "repeat":
        lines.insert(n, line)
    elif action == "move":
        del lines[n]
        other = rng.choice(files)
        if other != path:
            moved = other.read_text(encoding="utf-8").splitlines(keepends=True)
            moved.insert(rng.randrange(len(moved) + 1), line)
            p.write(other, "".join(moved))
    else:
        words = line.split(" ")
        i, j = rng.randrange(len(words)), rng.randrange(len(words))
        words[i], words[j] = words[j], words[i]
        lines[n] = " ".join(words)
    p.write(path, "".join(lines))
    return action, path.name, line


@pytest.mark.parametrize("seed", range(2))
def test_a_session_run_after_random_line_edits_to_the_demo_plans_equals_a_fresh_run(seed: int, tmp_path: Path) -> None:
    """The demo's plans cite each other, supersede, trace requirements and record decisions twice:
    lines deleted, repeated, moved between files or shuffled, the constitution's among them."""
    repository = Path(__file__).resolve().parents[1]
    shutil.copytree(repository / "specs", tmp_path / "specs")
    shutil.copytree(repository / ".specify", tmp_path / ".specify")
    portfolio = Portfolio(tmp_path, tmp_path / ".specify" / "memory" / "constitution.md")
    settings = Settings((portfolio.specs,), tmp_path)
    files = [*sorted(portfolio.specs.glob("*/*.md")), portfolio.constitution]
    rng = random.Random(seed)
    cache = ReadCache()
    run(settings, cache)
    for step in range(25):
        outcome = _mutate_line(portfolio, rng, files)
        assert state(run(settings, cache)) == state(run(settings)), (step, outcome)
