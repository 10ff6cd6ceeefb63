"""Measure the portal against MkDocs alone on synthetic portfolios (run by hand, not a test).

For each shape (generate.SHAPES) and N it generates a portfolio, then times, as whole processes
with /usr/bin/time, taking the commands in turn, run by run:
  floor  markdown-it-py tokenizing the same plan.md, spec.md and tasks.md files;
  (a)    plan-portal check (read, link, check);
  (b)    mkdocs build with the plugin (Material);
  (c)    mkdocs build without the plugin of a site holding the same files as ordinary pages kept
         out of the nav (Material).
It prints the median wall time and peak memory of each and their ratios, and the output of (b)
beside (c): the whole site, its largest page (path and size) and the search index
(site/search/search_index.json). With --serve, also the time from an edit of one plan to the
page showing it under ``mkdocs serve`` (benchmarks/serve_latency.py, when present).

    python benchmarks/run.py --sizes 100 1000 5000 --runs 3
    python benchmarks/run.py --shapes current chain hubs clique large --sizes 1000 --runs 1
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
from generate import SHAPES, generate  # noqa: E402

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


@dataclass
class Output:
    """What a build wrote: the whole site, its largest page and its search index, in bytes."""

    site: int
    largest: int
    largest_path: str
    search_index: int


def output_of(site: Path) -> Output:
    files = [p for p in site.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    return Output(sum(p.stat().st_size for p in files), largest.stat().st_size,
                  largest.relative_to(site).as_posix(), index.stat().st_size if index.is_file() else 0)


def serve_seconds(project: Path) -> float | None:
    """Seconds from an edit of one plan to the page showing it under ``mkdocs serve``, from
    benchmarks/serve_latency.py's ``measure``; None when that script is not there."""
    try:
        from serve_latency import measure  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return float(measure(project))


def run_size(count: int, runs: int, work: Path, shape: str = "current",
             serve: bool = False) -> dict[str, Sample | Output | float | None]:
    portal = work / f"portal-{shape}-{count}"
    generate(count, portal / "specs", shape=shape)
    (portal / "docs").mkdir(exist_ok=True)
    (portal / "docs" / "index.md").write_text("# Portfolio\n", encoding="utf-8")
    (portal / "mkdocs.yml").write_text(
        "site_name: portfolio\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - plan-portal\n",
        encoding="utf-8")
    baseline = write_baseline(portal / "specs", work / f"baseline-{shape}-{count}")
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
    results: dict[str, Sample | Output | float | None] = {name: median(found) for name, found in samples.items()}
    results["out_b"] = output_of(portal / "site")
    results["out_c"] = output_of(baseline / "site")
    results["serve"] = serve_seconds(portal) if serve else None
    return results


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}" if size >= 1e6 else f"{size / 1e6:.2f}"


def row(shape: str, count: int, r: dict[str, Sample | Output | float | None]) -> str:
    """One line of the table: times, memory, output and their ratios to MkDocs alone (or the floor)."""
    floor, a, b, c, out_b, out_c, serve = (r["floor"], r["a"], r["b"], r["c"], r["out_b"], r["out_c"],
                                           r["serve"])
    assert isinstance(floor, Sample) and isinstance(a, Sample) and isinstance(b, Sample) and isinstance(c, Sample)
    assert isinstance(out_b, Output) and isinstance(out_c, Output)
    return (f"| {shape} | {count} | {floor.seconds:.2f} s | {a.seconds:.2f} s / {a.peak_mib:.0f} | "
            f"{a.seconds / floor.seconds:.2f} | {b.seconds:.2f} s / {b.peak_mib:.0f} | "
            f"{c.seconds:.2f} s / {c.peak_mib:.0f} | {b.seconds / c.seconds:.2f} | {b.peak_mib / c.peak_mib:.2f} | "
            f"{_mb(out_b.site)} / {_mb(out_c.site)} | {out_b.site / out_c.site:.2f} | "
            f"{_mb(out_b.largest)} {out_b.largest_path} | {_mb(out_b.search_index)} / {_mb(out_c.search_index)} | "
            f"{'-' if serve is None else f'{serve:.2f} s'} |")


HEADER = ("| shape | N | tokenize floor | (a) check | (a)/floor | (b) build with plugin | (c) MkDocs alone | (b)/(c) "
          "| memory (b)/(c) | site MB (b) / (c) | site (b)/(c) | largest page MB (b) | search index MB (b) / (c) "
          "| serve edit s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=["current"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serve", action="store_true",
                        help="also time an edit under mkdocs serve (needs benchmarks/serve_latency.py)")
    parser.add_argument("--work", type=Path, help="folder for the portfolios (default: a temporary one)")
    arguments = parser.parse_args()
    work = arguments.work or Path(tempfile.mkdtemp(prefix="plan-portal-bench-"))
    rows = {}
    for shape in arguments.shapes:
        for count in arguments.sizes:
            rows[shape, count] = run_size(count, arguments.runs, work, shape, arguments.serve)
    print(f"median of {arguments.runs} runs; wall seconds / peak MiB; sizes in MB (10^6 bytes)")
    print(HEADER)
    print("|" + "---|" * (HEADER.count("|") - 1))
    for (shape, count), r in rows.items():
        print(row(shape, count, r))
    for shape in arguments.shapes:
        sizes = sorted(count for s, count in rows if s == shape)
        if len(sizes) > 1:
            first, last = rows[shape, sizes[-2]]["b"], rows[shape, sizes[-1]]["b"]
            assert isinstance(first, Sample) and isinstance(last, Sample)
            print(f"{shape}: growth of (b) from N={sizes[-2]} to N={sizes[-1]}: {last.seconds / first.seconds:.2f}x "
                  f"for {sizes[-1] / sizes[-2]:.1f}x the plans")


if __name__ == "__main__":
    main()
