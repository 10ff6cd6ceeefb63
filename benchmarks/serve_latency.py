"""Edit-to-visible time of `mkdocs serve` (run by hand, not a test).

Starts `mkdocs serve` on a free port (with `--dirty`, the portal's live editing, or without it),
waits until it serves the portal, then edits one plan a few times: each edit writes a unique marker
into a decision's title, and the time runs from the write until the feature's page, fetched over
HTTP every 50 ms, shows the marker. It prints the median of the edits for each mode, and for MkDocs
alone on a site of the same files as ordinary pages (the edited plan is then an ordinary page).

    python benchmarks/serve_latency.py 1000 --edits 3 --modes dirty clean mkdocs
    python benchmarks/serve_latency.py --site /tmp/portfolio-1000    # a site made before
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from baseline import write_baseline  # noqa: E402
from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
MODES = ("dirty", "clean", "mkdocs")
MKDOCS_YML = "site_name: portfolio\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - plan-portal\n"
_DECISION = re.compile(r"^\| ADR-001 \| (?:LIVE\d+ )?", re.MULTILINE)


def write_site(count: int, root: Path) -> Path:
    """A project of ``count`` generated features with the plugin, as benchmarks/run.py makes it."""
    generate(count, root / "specs")
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "index.md").write_text("# Portfolio\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, marker: str, timeout: float, server: subprocess.Popen[bytes], interval: float = 0.05) -> float:
    """Seconds until the page at ``url`` holds ``marker``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"mkdocs serve ended with status {server.returncode}")
        page = fetch(url)
        if page is not None and marker in page:
            return time.monotonic() - start
        time.sleep(interval)
    raise TimeoutError(f"{url} did not show {marker!r} within {timeout:.0f} s")


def _edit(plan: Path, marker: str) -> None:
    text = plan.read_text(encoding="utf-8")
    edited, count = _DECISION.subn(f"| ADR-001 | {marker} ", text, count=1)
    if not count:
        raise ValueError(f"{plan} has no ADR-001 row to mark")
    plan.write_text(edited, encoding="utf-8")


def measure(root: Path, *, dirty: bool = True, edits: int = 3, feature: str | None = None,
            timeout: float = 600.0, page: str | None = None, plan: Path | None = None) -> float:
    """The median seconds from writing an edit to one plan until its page served by ``mkdocs serve``
    in ``root`` (``--dirty`` or not) shows it. ``feature`` defaults to the middle one of specs/;
    ``page`` and ``plan`` name another page and file (MkDocs alone)."""
    features = sorted(p.name for p in (root / "specs").iterdir() if p.is_dir()) if plan is None else []
    feature = feature or (features[len(features) // 2] if features else "")
    plan = plan or root / "specs" / feature / "plan.md"
    port = free_port()
    url = f"http://127.0.0.1:{port}/" + (page if page is not None else f"plans/{feature}/plan/")
    command = [str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    original = plan.read_text(encoding="utf-8")
    log = (root / "serve.log").open("wb")  # the server's own account: "Documentation built in …"
    server = subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                              env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    try:
        wait_for(url, "</html>", timeout, server)  # the first build is done
        time.sleep(2)  # the file watcher has taken its first look at every file
        times = []
        for _ in range(edits):
            marker = f"LIVE{time.time_ns()}"
            _edit(plan, marker)
            written = time.monotonic()
            wait_for(url, marker, timeout, server)
            times.append(time.monotonic() - written)
            time.sleep(1)  # the rebuild is over before the next edit
        return statistics.median(times)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        plan.write_text(original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int, nargs="?", default=300, help="features to generate")
    parser.add_argument("--site", type=Path, help="a project made before (mkdocs.yml and specs/), not generated")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--timeout", type=float, default=600.0)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as work:
        root = arguments.site or write_site(arguments.count, Path(work) / "portal")
        count = len([p for p in (root / "specs").iterdir() if p.is_dir()])
        print(f"| features | mode | edit-to-visible (median of {arguments.edits}) |")
        print("|---:|---|---:|")
        for mode in arguments.modes:
            if mode == "mkdocs":
                alone = write_baseline(root / "specs", Path(work) / "baseline")
                feature = sorted(p.name for p in (root / "specs").iterdir() if p.is_dir())[count // 2]
                seconds = measure(alone, dirty=False, edits=arguments.edits, timeout=arguments.timeout,
                                  **_baseline_page(alone, feature))
            else:
                seconds = measure(root, dirty=mode == "dirty", edits=arguments.edits, timeout=arguments.timeout)
            label = {"dirty": "plugin, serve --dirty", "clean": "plugin, serve", "mkdocs": "MkDocs alone, serve"}[mode]
            print(f"| {count} | {label} | {seconds:.2f} s |", flush=True)


def _baseline_page(alone: Path, feature: str) -> dict[str, object]:
    """The edited plan as an ordinary page of the MkDocs-alone site, and its URL."""
    plan = next(alone.glob(f"docs/**/{feature}/plan.md"))
    relative = plan.relative_to(alone / "docs").with_suffix("").as_posix()
    return {"plan": plan, "page": f"{relative}/"}


if __name__ == "__main__":
    main()
