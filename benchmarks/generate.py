"""Write a synthetic portfolio of N seed-format features for benchmarks.

Each feature has a plan.md of realistic size (about 6 gates, 4 decisions, 4 risks, 5 research
items, a Technical Context), a spec.md and a tasks.md; decisions cite decisions of earlier
features so that the decision graph is connected. The output depends only on N, the seed and the
shape:

  current  the portfolio above;
  chain    each feature's first decision also depends on a decision of one of the previous five
           features: one long dependency chain across the portfolio;
  hubs     each feature's first decision also depends on the first decision of one of the first
           three features: a few decisions that hundreds depend on;
  clique   the first feature's plan holds a dense clique of ``clique`` decisions (300), each
           depending on every earlier one; the other features as usual;
  large    plans ten times the usual size (60 gates, 40 decisions, 40 risks, 50 research items).

    python benchmarks/generate.py 1000 /tmp/portfolio --shape chain
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

SHAPES = ("current", "chain", "hubs", "clique", "large")
#: How many of the first features are hubs in the ``hubs`` shape.
HUBS = 3
#: How many decisions the ``clique`` shape's first plan holds.
CLIQUE = 300
LANGUAGES = ["Python 3.12", "Python 3.12", "Python 3.12", "Go 1.23", "Node.js 22", "Kotlin 2.0"]
STORAGE = ["PostgreSQL 16", "PostgreSQL 16", "Redis 7", "DynamoDB", "ClickHouse 24.8"]
LEVELS = ["Low", "Med", "High"]
STATUSES = ["Accepted", "Accepted", "Accepted", "Proposed", "In Review"]
WORDS = [
    "ledger", "cache", "tenant", "audit", "export", "queue", "search", "token", "invoice", "shipment",
    "catalog", "refund", "webhook", "replica", "schema", "quota", "partner", "session", "payout", "report",
]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _clique_rows(feature: str, size: int, rng: random.Random) -> list[str]:
    """``size`` decisions, each depending on every earlier one."""
    rows = []
    for n in range(1, size + 1):
        earlier = ", ".join(f"ADR-{m:03d}" for m in range(1, n))
        context = f"Context: {_words(rng, 12)}" + (f"; depends on {earlier}" if earlier else "")
        rows.append(f"| ADR-{n:03d} | Decision {n} for {feature}: {_words(rng, 5)} | {context} | Accepted | "
                    f"Follow up on {_words(rng, 3)} |")
    return rows


def plan(index: int, feature: str, features: list[str], rng: random.Random, shape: str = "current",
         clique: int = CLIQUE) -> str:
    """One plan.md; ``shape`` as in the module's docstring."""
    scale = 10 if shape == "large" else 1
    earlier = features[max(0, index - 20):index]
    depends = sorted(set(rng.sample(earlier, k=min(2, len(earlier))))) if earlier else []
    gate_names = ["Contract-first APIs", "Security review", "Observability baseline"]
    if scale > 1:
        gate_names = [f"{name} {k}" for k in range(1, scale + 1) for name in gate_names]
    rows_gate = []
    for phase in ("Pre-Phase 0 Gate", "Post-Phase 1 Gate"):
        rows = "\n".join(
            f"| {name} | PASS | Evidence for {name.lower()}: {_words(rng, 6)}; see ADR-{n % (4 * scale) + 1:03d} "
            f"| Platform Lead |" for n, name in enumerate(gate_names))
        rows_gate.append(f"### {phase}\n\n| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |\n"
                         f"|------|--------------------------|----------|-------|\n{rows}\n")
    decisions = []
    for n in range(1, 4 * scale + 1):
        role = (n - 1) % 4 + 1  # the usual plan's four decisions, repeated in a large one
        context = f"Context: {_words(rng, 12)}"
        if n == 1 and shape == "chain" and index:
            recent = features[max(0, index - 5):index]
            context += f"; depends on {rng.choice(recent)}/ADR-00{rng.randint(1, 4)}"
        if n == 1 and shape == "hubs" and index >= HUBS:
            context += f"; depends on {features[index % HUBS]}/ADR-001"
        if role == 2 and earlier:
            context += f"; builds on {rng.choice(earlier)}/ADR-{n - 1:03d}"
        if role == 3:
            context += f"; requires ADR-{n - 2:03d}"
        if role == 4 and depends:
            context += f"; depends on {depends[0]}/ADR-{n - 2:03d}"
        status = "Accepted" if role < 3 or (role == 4 and depends) else rng.choice(STATUSES)
        decisions.append(f"| ADR-{n:03d} | Decision {n} for {feature}: {_words(rng, 5)} | {context} | {status} | "
                         f"Follow up on {_words(rng, 3)} |")
    if shape == "clique" and index == 0:
        decisions = _clique_rows(feature, clique, rng)
    risks = "\n".join(
        f"| R{n} | Risk {n}: {_words(rng, 10)} | {rng.choice(LEVELS)} | {rng.choice(LEVELS)} | SRE | "
        f"Mitigate by {_words(rng, 8)} (see ADR-{n:03d}) | Alert when {_words(rng, 4)} |"
        for n in range(1, 4 * scale + 1))
    research = "\n".join(f"  - [{'x' if n < 3 else ' '}] Research {_words(rng, 6)}" for n in range(5 * scale))
    return f"""---
feature_id: {feature}
branch: {feature}
created_at: 2026-{index % 12 + 1:02d}-{index % 28 + 1:02d}
generator_version: 0.4.2
constitution_version: {"2.1.0" if index % 5 else "2.0.0"}
depends_on: [{", ".join(depends)}]
---

# Implementation Plan: Feature {index} {_words(rng, 2).title()}

**Spec Reference**: [spec.md](spec.md)
**Planning Status**: {rng.choice(["Draft", "In Review", "Approved", "Complete"])}

## Summary

{_words(rng, 40).capitalize()}.

## Phase Exit Criteria

| Phase | Exit Criteria | Gate Owner |
|-------|---------------|------------|
| Phase 0 – Research | {_words(rng, 8)} | Tech Lead |
| Phase 1 – Architecture & Contracts | {_words(rng, 8)} | Architect |
| Phase 2 – Implementation Readiness | {_words(rng, 8)} | Tech Lead |

## Technical Context

| Dimension | Decision | Confidence | Notes |
|-----------|----------|------------|-------|
| Language / Runtime | {rng.choice(LANGUAGES)} | High | |
| Frameworks | FastAPI 0.115, SQLAlchemy 2.0 | High | |
| Storage | {rng.choice(STORAGE)} | Med | |
| Testing Strategy | pytest, contract tests | High | |
| Deployment Target | EKS 1.30 | High | |
| Constraints | p95 under {rng.randint(50, 900)} ms | Med | |

## Constitution Check

{rows_gate[0]}
{rows_gate[1]}
## Decision Log (ADR Stubs)

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
{chr(10).join(decisions)}

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
{risks}

## Research Backlog (Phase 0)

- **Outstanding Items**:
{research}

## Complexity Tracking

| Violation | Justification | Simpler Alternative Rejected Because |
|-----------|---------------|---------------------------------------|
"""


def spec(index: int, feature: str, rng: random.Random) -> str:
    stories = "\n\n".join(f"### User Story {n} - {_words(rng, 3).title()} (Priority: P{n})\n\n{_words(rng, 30)}."
                          for n in range(1, 4))
    requirements = "\n".join(f"- **FR-{n:03d}**: System MUST {_words(rng, 8)}." for n in range(1, 9))
    criteria = "\n".join(f"- **SC-{n:03d}**: {_words(rng, 8)}." for n in range(1, 5))
    return (f"# Feature Specification: Feature {index}\n\n**Feature Branch**: `{feature}`\n**Status**: Draft\n\n"
            f"## User Scenarios\n\n{stories}\n\n## Requirements\n\n{requirements}\n\n## Success Criteria\n\n"
            f"{criteria}\n")


def tasks(rng: random.Random) -> str:
    done = rng.randint(0, 12)
    return "# Tasks\n\n" + "\n".join(
        f"- [{'x' if n <= done else ' '}] T{n:03d} [P] {_words(rng, 8)}" for n in range(1, 13)) + "\n"


def generate(count: int, out: Path, seed: int = 7, shape: str = "current", clique: int = CLIQUE) -> list[str]:
    """Write ``count`` features under ``out`` (replacing it) and return their ids."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    features = [f"{n:04d}-feature-{WORDS[n % len(WORDS)]}" for n in range(1, count + 1)]
    for index, feature in enumerate(features):
        folder = out / feature
        folder.mkdir(parents=True)
        (folder / "plan.md").write_text(plan(index, feature, features, rng, shape, clique), encoding="utf-8")
        (folder / "spec.md").write_text(spec(index, feature, rng), encoding="utf-8")
        (folder / "tasks.md").write_text(tasks(rng), encoding="utf-8")
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=SHAPES, default="current")
    parser.add_argument("--clique", type=int, default=CLIQUE, help="decisions in the clique shape's plan")
    arguments = parser.parse_args()
    generate(arguments.count, arguments.out, arguments.seed, arguments.shape, arguments.clique)


if __name__ == "__main__":
    main()
