"""Score the reader against the hand-labelled truth set in ``labels/`` (see README.md).

``python tests/truth/score.py`` prints the scores per kind; ``-v`` also lists every miss and every
false find with its path:line, which is where to look when a score drops.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plan_portal.checked import CheckedPortfolio
from plan_portal.model.records import Feature
from plan_portal.pipeline import run
from plan_portal.settings import Settings

LABELS = Path(__file__).resolve().parent / "labels"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
LABELLED_FILES = ("plan.md", "research.md")

#: The issue's targets, as fractions.
TARGETS = {
    "gates recall": 0.97, "gates precision": 0.97, "gate status": 0.98, "gate principle": 0.95,
    "risks recall": 0.95, "risk level": 0.95,
    "decisions recall": 0.95, "decisions precision": 0.95,
    "references recall": 0.90,
}


@dataclass(frozen=True, slots=True)
class Found:
    """One record the reader found, reduced to what the labels say."""

    feature: str
    file: str
    line: int
    values: tuple[tuple[str, str], ...]
    text: str

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(slots=True)
class Tally:
    labels: int = 0
    found: int = 0
    matched: int = 0
    #: Per labelled value (status, phase, level, choice): [agreeing, compared].
    agree: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_finds: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def recall(self) -> float:
        return self.rate(self.matched, self.labels)

    @property
    def precision(self) -> float:
        return self.rate(self.matched, self.found)

    def accuracy(self, key: str) -> float:
        agreeing, compared = self.agree.get(key, [0, 0])
        return self.rate(agreeing, compared)


def load_labels(directory: Path = LABELS) -> dict[str, dict[str, Any]]:
    """Project name → its ``features`` mapping."""
    projects: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        projects[data["project"]] = data["features"]
    return projects


def _span(label: dict[str, Any]) -> tuple[int, int]:
    if "lines" in label:
        first, last = label["lines"]
        return int(first), int(last)
    return int(label["line"]), int(label["line"])


def _in_file(feature: Feature, path: str) -> str | None:
    """The labelled file name of a record path under the feature folder, or None."""
    prefix = f"{feature.path}/"
    if not path.startswith(prefix):
        return None
    name = path[len(prefix):]
    return name if name in LABELLED_FILES else None


def _records(feature: Feature) -> dict[str, list[Found]]:
    def found(record: Any, text: str, **values: str) -> Found | None:
        name = _in_file(feature, record.source.path)
        if name is None:
            return None
        return Found(feature.id, name, record.source.line, tuple(values.items()), text)

    gates = [found(g, g.name, status=g.status, phase="post" if g.phase == "post-design" else "pre",
                   principle=(g.principle or "none").lower())
             for g in feature.gates]
    risks = [found(r, r.description, level=r.level) for r in feature.risks]
    decisions = [found(d, d.title, choice="true" if _choice(d) else "false") for d in feature.decisions]
    return {
        "gates": [f for f in gates if f is not None],
        "risks": [f for f in risks if f is not None],
        "decisions": [f for f in decisions if f is not None],
    }


def _choice(decision: Any) -> str:
    return str(getattr(decision, "choice", "") or decision.extra.get("decision", ""))


def _references(checked: CheckedPortfolio, features: dict[str, Feature]) -> dict[str, list[Found]]:
    """Cross-feature links cited in a labelled feature's labelled files, by citing feature."""
    owners = {f.path: f for f in features.values()}
    known = {f.id for f in checked.portfolio.features}
    found: dict[str, set[Found]] = {}
    for edge in checked.edges:
        path = edge.citation.path
        folder, _, name = path.rpartition("/")
        feature = owners.get(folder)
        if feature is None or name not in LABELLED_FILES:
            continue
        # "X is used by this feature" stores the link reversed: the other end is the one cited.
        ends = {end if end in known else end.split("/")[0] for end in (edge.source, edge.target)}
        others = ends - {feature.id}
        if len(others) != 1 or not others <= known:
            continue
        target = others.pop()
        found.setdefault(feature.id, set()).add(
            Found(feature.id, name, edge.citation.line, (("target", target),), f"{edge.type} {edge.target}"))
    return {key: sorted(value, key=lambda f: (f.file, f.line)) for key, value in found.items()}


def _match(tally: Tally, feature: str, labels: Sequence[dict[str, Any]], found: Sequence[Found],
           compare: Iterable[str], prefer: str | None = None) -> None:
    """Pair each label with an unpaired record of its file whose line lies in the label's span.

    Among candidates, one agreeing on ``prefer`` (a gate's phase, a reference's target) is taken first.
    """
    compare = tuple(compare)
    tally.labels += len(labels)
    tally.found += len(found)
    used: set[int] = set()
    for label in labels:
        first, last = _span(label)
        candidates = [i for i, f in enumerate(found)
                      if i not in used and f.file == label["file"] and first <= f.line <= last]
        if prefer is not None:
            candidates.sort(key=lambda i: found[i].value(prefer) != str(label[prefer]).lower())
            if prefer == "target":
                candidates = [i for i in candidates if found[i].value("target") == label["target"]]
        where = f"{feature}/{label['file']}:{first}"
        if not candidates:
            tally.misses.append(f"{where}  {label.get('name') or label.get('target', '')}")
            continue
        chosen = found[candidates[0]]
        used.add(candidates[0])
        tally.matched += 1
        for key in compare:
            expected = str(label[key]).lower()
            counts = tally.agree.setdefault(key, [0, 0])
            counts[1] += 1
            if chosen.value(key) == expected:
                counts[0] += 1
            else:
                read = chosen.value(key)
                tally.wrong.append(f"{where}  {key}: labelled {expected}, read {read}  ({chosen.text[:60]})")
    for index, record in enumerate(found):
        if index not in used:
            tally.false_finds.append(f"{feature}/{record.file}:{record.line}  {record.text[:70]}")


def score(projects: dict[str, dict[str, Any]], corpus: Path = CORPUS) -> dict[str, Tally]:
    tallies = {kind: Tally() for kind in ("gates", "risks", "decisions", "references")}
    for project, labelled in projects.items():
        root = corpus / project
        checked = run(Settings((root / "specs",), root))
        features = {f.id: f for f in checked.portfolio.features if f.id in labelled}
        missing = set(labelled) - set(features)
        if missing:
            raise SystemExit(f"{project}: labelled features not read: {sorted(missing)}")
        references = _references(checked, features)
        for feature_id, labels in labelled.items():
            records = _records(features[feature_id])
            _match(tallies["gates"], feature_id, labels["gates"], records["gates"],
                   ("status", "phase", "principle"), "phase")
            _match(tallies["risks"], feature_id, labels["risks"], records["risks"], ("level",))
            _match(tallies["decisions"], feature_id, labels["decisions"], records["decisions"], ())
            choices = [label for label in labels["decisions"] if label.get("choice")]
            _choice_tally(tallies["decisions"], feature_id, choices, records["decisions"])
            _match(tallies["references"], feature_id, labels["references"], references.get(feature_id, []), (),
                   "target")
    return tallies


def _choice_tally(tally: Tally, feature: str, labels: Sequence[dict[str, Any]], found: Sequence[Found]) -> None:
    """Of the decisions labelled as stating a choice, how many the reader found with their choice."""
    counts = tally.agree.setdefault("choice", [0, 0])
    for label in labels:
        first, last = _span(label)
        counts[1] += 1
        if any(f.file == label["file"] and first <= f.line <= last and f.value("choice") == "true" for f in found):
            counts[0] += 1
        else:
            tally.wrong.append(f"{feature}/{label['file']}:{first}  choice missing  ({label.get('name', '')})")


def scores(tallies: dict[str, Tally]) -> dict[str, float]:
    gates, risks, decisions, references = (tallies[k] for k in ("gates", "risks", "decisions", "references"))
    return {
        "gates recall": gates.recall, "gates precision": gates.precision,
        "gate status": gates.accuracy("status"), "gate phase": gates.accuracy("phase"),
        "gate principle": gates.accuracy("principle"),
        "risks recall": risks.recall, "risks precision": risks.precision, "risk level": risks.accuracy("level"),
        "decisions recall": decisions.recall, "decisions precision": decisions.precision,
        "decision choice": decisions.accuracy("choice"),
        "references recall": references.recall, "references precision": references.precision,
    }


def report(tallies: dict[str, Tally], verbose: bool = False) -> str:
    lines = [f"{kind}: {t.labels} labelled, {t.found} found, {t.matched} matched" for kind, t in tallies.items()]
    for name, value in scores(tallies).items():
        target = TARGETS.get(name)
        verdict = "" if target is None else ("  ok" if value >= target else f"  BELOW {target:.0%}")
        lines.append(f"  {name:<22} {value:7.1%}{verdict}")
    if verbose:
        for kind, tally in tallies.items():
            for title, entries in (("missed", tally.misses), ("false finds", tally.false_finds),
                                   ("wrong values", tally.wrong)):
                if entries:
                    lines.append(f"\n{kind} {title} ({len(entries)}):")
                    lines.extend(f"  {entry}" for entry in entries)
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses, false finds and wrong values")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    arguments = parser.parse_args(argv)
    if not arguments.corpus.is_dir():
        print(f"no corpus at {arguments.corpus}", file=sys.stderr)
        return 2
    tallies = score(load_labels(), arguments.corpus)
    print(report(tallies, arguments.verbose))
    failing = [name for name, value in scores(tallies).items() if value < TARGETS.get(name, 0.0)]
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
