"""Write a synthetic portfolio of N seed-format features for benchmarks.

Each feature has a plan.md of realistic size (about 6 gates, 4 decisions, 4 risks, 5 research
items, a Technical Context), a spec.md and a tasks.md; decisions cite decisions of earlier
features so that the decision graph is connected. The output depends only on N and the seed.

    python benchmarks/generate.py 1000 /tmp/portfolio
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

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


def plan(index: int, feature: str, features: list[str], rng: random.Random) -> str:
    earlier = features[max(0, index - 20):index]
    depends = sorted(set(rng.sample(earlier, k=min(2, len(earlier))))) if earlier else []
    rows_gate = []
    for phase in ("Pre-Phase 0 Gate", "Post-Phase 1 Gate"):
        rows = "\n".join(
            f"| {name} | PASS | Evidence for {name.lower()}: {_words(rng, 6)}; see ADR-00{n % 4 + 1} | Platform Lead |"
            for n, name in enumerate(["Contract-first APIs", "Security review", "Observability baseline"]))
        rows_gate.append(f"### {phase}\n\n| Gate | Status (PASS/FAIL/WAIVED) | Evidence | Owner |\n"
                         f"|------|--------------------------|----------|-------|\n{rows}\n")
    decisions = []
    for n in range(1, 5):
        context = f"Context: {_words(rng, 12)}"
        if n == 2 and earlier:
            context += f"; builds on {rng.choice(earlier)}/ADR-001"
        if n == 3:
            context += "; requires ADR-001"
        if n == 4 and depends:
            context += f"; depends on {depends[0]}/ADR-002"
        status = "Accepted" if n < 3 or (n == 4 and depends) else rng.choice(STATUSES)
        decisions.append(f"| ADR-00{n} | Decision {n} for {feature}: {_words(rng, 5)} | {context} | {status} | "
                         f"Follow up on {_words(rng, 3)} |")
    risks = "\n".join(
        f"| R{n} | Risk {n}: {_words(rng, 10)} | {rng.choice(LEVELS)} | {rng.choice(LEVELS)} | SRE | "
        f"Mitigate by {_words(rng, 8)} (see ADR-00{n}) | Alert when {_words(rng, 4)} |" for n in range(1, 5))
    research = "\n".join(f"  - [{'x' if n < 3 else ' '}] Research {_words(rng, 6)}" for n in range(5))
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


def generate(count: int, out: Path, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    features = [f"{n:04d}-feature-{WORDS[n % len(WORDS)]}" for n in range(1, count + 1)]
    for index, feature in enumerate(features):
        folder = out / feature
        folder.mkdir(parents=True)
        (folder / "plan.md").write_text(plan(index, feature, features, rng), encoding="utf-8")
        (folder / "spec.md").write_text(spec(index, feature, rng), encoding="utf-8")
        (folder / "tasks.md").write_text(tasks(rng), encoding="utf-8")
    return features


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    generate(arguments.count, arguments.out, arguments.seed)


if __name__ == "__main__":
    main()
