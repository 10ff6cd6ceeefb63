"""Measure the portal against MkDocs alone on synthetic portfolios (run by hand, not a test).

For each N it generates a portfolio, then times, as whole processes with /usr/bin/time:
  floor  markdown-it-py tokenizing the same plan.md, spec.md and tasks.md files;
  (a)    plan-portal check (read, link, check);
  (b)    mkdocs build with the plugin (Material);
  (c)    mkdocs build without the plugin of a site holding the same files as ordinary pages kept
         out of the nav (Material).
It prints the median wall time and peak memory of each, (a)/floor, (b)/(c), and the growth of (b)
from the smallest to the largest N, plus the largest generated page.

    python benchmarks/run.py --sizes 100 1000 5000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from baseline import write_baseline  # noqa: E402
from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
TOKENIZE = (
    "import sys, pathlib\n"
    "from markdown_it import MarkdownIt\n"
    "md = MarkdownIt('commonmark').enable('table')\n"
    "for f in sorted(pathlib.Path(sys.argv[1]).glob('*/*.md')):\n"
    "    md.parse(f.read_text(encoding='utf-8'))\n"
)


@dataclass
class Sample:
    seconds: float
    peak_mib: float


def measure(command: list[str], cwd: Path) -> Sample:
    """Wall time and peak resident memory of one run, from GNU time."""
    report = cwd / ".time"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(report), *command], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    seconds, kib = report.read_text().split()[-2:]
    return Sample(float(seconds), int(kib) / 1024)


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples), statistics.median(s.peak_mib for s in samples))


def run_size(count: int, runs: int, work: Path) -> dict[str, Sample | float]:
    portal = work / f"portal-{count}"
    generate(count, portal / "specs")
    (portal / "docs").mkdir(exist_ok=True)
    (portal / "docs" / "index.md").write_text("# Portfolio\n", encoding="utf-8")
    (portal / "mkdocs.yml").write_text(
        "site_name: portfolio\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - plan-portal\n",
        encoding="utf-8")
    baseline = write_baseline(portal / "specs", work / f"baseline-{count}")
    commands = {
        "floor": ([str(BIN / "python"), "-c", TOKENIZE, "specs"], portal),
        "a": ([str(BIN / "plan-portal"), "check", "specs"], portal),
        "b": ([str(BIN / "mkdocs"), "build", "-q"], portal),
        "c": ([str(BIN / "mkdocs"), "build", "-q"], baseline),
    }
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):  # in turn, so that a machine whose speed drifts slows every command alike
        for name, (command, cwd) in commands.items():
            samples[name].append(measure(command, cwd))
    results: dict[str, Sample | float] = {name: median(found) for name, found in samples.items()}
    pages = list((portal / "site" / "plans").rglob("*.html"))
    results["largest_mb"] = max(p.stat().st_size for p in pages) / 1e6
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, help="folder for the portfolios (default: a temporary one)")
    arguments = parser.parse_args()
    work = arguments.work or Path(tempfile.mkdtemp(prefix="plan-portal-bench-"))
    rows = {}
    for count in arguments.sizes:
        rows[count] = run_size(count, arguments.runs, work)
    print(f"median of {arguments.runs} runs; wall seconds / peak MiB")
    print("| N | tokenize floor | (a) check | (a)/floor | (b) build with plugin | (c) MkDocs alone | (b)/(c) "
          "| memory (b)/(c) | largest page MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for count, r in rows.items():
        floor, a, b, c = r["floor"], r["a"], r["b"], r["c"]
        assert isinstance(floor, Sample) and isinstance(a, Sample) and isinstance(b, Sample) and isinstance(c, Sample)
        print(f"| {count} | {floor.seconds:.2f} s | {a.seconds:.2f} s / {a.peak_mib:.0f} | "
              f"{a.seconds / floor.seconds:.2f} | {b.seconds:.2f} s / {b.peak_mib:.0f} | "
              f"{c.seconds:.2f} s / {c.peak_mib:.0f} | {b.seconds / c.seconds:.2f} | "
              f"{b.peak_mib / c.peak_mib:.2f} | {r['largest_mb']:.2f} |")
    sizes = sorted(rows)
    if len(sizes) > 1:
        first, last = rows[sizes[-2]]["b"], rows[sizes[-1]]["b"]
        assert isinstance(first, Sample) and isinstance(last, Sample)
        print(f"growth of (b) from N={sizes[-2]} to N={sizes[-1]}: {last.seconds / first.seconds:.2f}x "
              f"for {sizes[-1] / sizes[-2]:.1f}x the plans")


if __name__ == "__main__":
    main()
