"""Symlinks and folders that cannot be listed (issue 17): nothing outside the spec roots is read or
published, by the pipeline, a real MkDocs build or ``plan-portal generate``; each link that leaves,
special file and unlistable folder is an error diagnostic with its path.

Every tree is built in tmp_path; ``outside/`` next to ``specs/`` holds the files no link may reach.
"""

from __future__ import annotations

import builtins
import errno
import io
import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from plan_portal.checked import CheckedPortfolio as PipelineResult
from plan_portal.cli import main
from plan_portal.containment import resolve_roots
from plan_portal.diagnostics import Severity
from plan_portal.discover import discover
from plan_portal.export import export_json
from plan_portal.model.feature import read_feature
from plan_portal.pipeline import run
from plan_portal.read import read_source
from plan_portal.settings import Settings
from test_hardening import BAD, GOOD, assert_good, assert_good_page, feature, plan, portfolio, write

SECRET = "SECRET-8d1e5c-outside-the-root"
ON_LINUX = Path("/proc/self/environ").is_file()


def outside(tmp_path: Path) -> Path:
    """Files and folders beside the spec root that hold the secret."""
    folder = tmp_path / "outside"
    (folder / "dir").mkdir(parents=True, exist_ok=True)
    (folder / "secret.md").write_text(f"# Secret\n\n{SECRET}\n", encoding="utf-8")
    (folder / "dir" / "inner.yaml").write_text(f"token: {SECRET}\n", encoding="utf-8")
    (folder / "feature").mkdir(exist_ok=True)
    (folder / "feature" / "plan.md").write_text(plan("003-linked").replace("Migration stalls", SECRET),
                                                encoding="utf-8")
    return folder


def link(at: Path, target: str | Path) -> Path:
    at.parent.mkdir(parents=True, exist_ok=True)
    at.symlink_to(target)
    return at


def environ_entries() -> list[str]:
    """The entries of this process's /proc/self/environ long enough not to occur by chance."""
    data = Path("/proc/self/environ").read_bytes().decode("utf-8", "replace")
    return [entry for entry in data.split("\0") if len(entry) >= 16]


def run_pipeline(root: Path, **kwargs: Any) -> PipelineResult:
    return run(Settings((root / "specs",), root, **kwargs))


def found(result: PipelineResult, path: str) -> list[tuple[str, int, Severity]]:
    return [(d.code, d.line, d.severity) for d in result.diagnostics if d.path == path]


OUTSIDE = [("outside-root", 1, Severity.ERROR)]


def every_file(folder: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def assert_nowhere(folder: Path, texts: list[str]) -> None:
    """None of the texts is in any file below folder (the built site, the generated portal)."""
    assert any(folder.rglob("*")), folder
    for path, data in every_file(folder):
        for text in texts:
            assert text.encode() not in data, (text, path)


# --- a link that leaves, under every name the portal publishes ----------------------------------------------


PUBLISHED_NAMES = ["plan.md", "spec.md", "research.md", "data-model.md", "quickstart.md", "tasks.md",
                   "contracts/api.yaml", "contracts/api.md", "checklists/review.md", "contracts/v1/deep/er/schema.json"]


@pytest.mark.parametrize("name", PUBLISHED_NAMES)
def test_a_link_that_leaves_the_root_is_reported_and_not_read(tmp_path: Path, name: str):
    secret = outside(tmp_path) / "secret.md"
    portfolio(tmp_path, {"plan.md" if name != "plan.md" else "spec.md": plan(BAD)})
    link(tmp_path / "specs" / BAD / name, secret)
    result = run_pipeline(tmp_path)
    assert found(result, f"specs/{BAD}/{name}") == OUTSIDE
    bad = feature(result, BAD)
    assert f"specs/{BAD}/{name}" not in bad.artifacts.values() and name not in bad.files
    assert SECRET not in export_json(result)
    assert_good(result)


def test_links_of_every_shape_that_leave_are_reported(tmp_path: Path):
    folder = outside(tmp_path)
    specs = portfolio(tmp_path, {"plan.md": plan(BAD), "contracts/api.yaml": "openapi: 3.1.0\n"})
    contracts = specs / BAD / "contracts"
    link(contracts / "absolute.yaml", folder / "secret.md")
    link(contracts / "relative.yaml", "../../../outside/secret.md")
    link(contracts / "dangling.yaml", "../../../outside/missing.md")
    link(contracts / "linked-dir", folder / "dir")
    # A chain: each hop is a link, the last one leaves.
    link(specs / BAD / "hop1", "hop2")
    link(specs / BAD / "hop2", folder / "secret.md")
    link(contracts / "chain.yaml", "../hop1")
    # Inside first, then out: through another feature's link, and through a linked folder inside the root.
    link(specs / GOOD / "leak", folder / "secret.md")
    link(contracts / "via-good.yaml", f"../../{GOOD}/leak")
    (specs / GOOD / "shared").mkdir()
    link(specs / GOOD / "shared" / "leak.yaml", folder / "secret.md")
    (specs / GOOD / "shared" / "fine.yaml").write_text("kind: fine\n", encoding="utf-8")
    link(contracts / "shared", f"../../{GOOD}/shared")
    result = run_pipeline(tmp_path)
    for name in ("absolute.yaml", "relative.yaml", "dangling.yaml", "linked-dir", "chain.yaml", "via-good.yaml",
                 "shared/leak.yaml"):
        assert found(result, f"specs/{BAD}/contracts/{name}") == OUTSIDE, name
    assert feature(result, BAD).files == ["contracts/api.yaml", "contracts/shared/fine.yaml"]
    message = next(d.message for d in result.diagnostics if d.path == f"specs/{BAD}/contracts/relative.yaml")
    assert "'../../../outside/secret.md'" in message and str(tmp_path) not in message  # as written, not resolved
    assert SECRET not in export_json(result)
    assert_good(result)


def test_a_link_that_stays_inside_the_root_is_published(tmp_path: Path):
    specs = portfolio(tmp_path, {"plan.md": plan(BAD)})
    (specs / GOOD / "contracts").mkdir()
    (specs / GOOD / "contracts" / "api.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    link(specs / BAD / "contracts" / "api.yaml", f"../../{GOOD}/contracts/api.yaml")
    link(specs / BAD / "spec.md", f"../{GOOD}/spec.md")
    result = run_pipeline(tmp_path)
    bad = feature(result, BAD)
    assert bad.files == ["contracts/api.yaml"] and bad.artifacts["spec"] == f"specs/{BAD}/spec.md"
    assert [d for d in result.diagnostics if d.path.startswith(f"specs/{BAD}/")] == []


@pytest.mark.skipif(not ON_LINUX, reason="no /proc")
def test_a_link_to_the_environment_is_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    portfolio(tmp_path, {"plan.md": plan(BAD)})
    environ = link(tmp_path / "specs" / BAD / "contracts" / "env.txt", "/proc/self/environ")
    link(tmp_path / "specs" / BAD / "research.md", "/proc/self/environ")
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file).startswith("/proc/"):
            raise AssertionError(f"{file} was opened")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    # Even with the whole disk allowed, kernel-made files stay out.
    result = run_pipeline(tmp_path, allowed_roots=[Path("/")])
    for name in ("contracts/env.txt", "research.md"):
        [diagnostic] = [d for d in result.diagnostics if d.path == f"specs/{BAD}/{name}"]
        assert (diagnostic.code, diagnostic.line) == ("outside-root", 1) and "never read" in diagnostic.message
    assert feature(result, BAD).files == []
    assert read_source(environ, "env.txt").diagnostics[0].code == "outside-root"  # the reader alone refuses it too


@pytest.mark.skipif(not ON_LINUX, reason="no /proc")
def test_a_spec_root_inside_proc_is_not_read(tmp_path: Path):
    result = run(Settings((Path("/proc/self"),), tmp_path))
    assert result.portfolio.features == []
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [("outside-root", "/proc/self", 1)]


def test_a_feature_folder_that_links_outside_is_not_a_feature(tmp_path: Path):
    folder = outside(tmp_path)
    specs = portfolio(tmp_path)
    link(specs / "003-linked", folder / "feature")
    if ON_LINUX:
        link(specs / "004-proc", "/proc/self")
    result = run_pipeline(tmp_path)
    assert [f.id for f in result.portfolio.features] == [GOOD]
    assert found(result, "specs/003-linked") == OUTSIDE
    assert found(result, "specs/004-proc") == (OUTSIDE if ON_LINUX else [])
    assert SECRET not in export_json(result)
    assert_good(result)


def test_a_spec_root_that_is_a_link_contains_what_its_target_contains(tmp_path: Path):
    real = tmp_path / "real"
    portfolio(real, {"plan.md": plan(BAD)})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "notes.md").write_text(f"{SECRET}\n", encoding="utf-8")
    link(tmp_path / "specs", real / "specs")
    bad = tmp_path / "specs" / BAD
    link(bad / "contracts" / "through-root.md", tmp_path / "specs" / GOOD / "spec.md")  # the root's own link: inside
    link(bad / "contracts" / "beside.md", "../../../../elsewhere/notes.md")  # beside the link, outside its target
    result = run_pipeline(tmp_path)
    assert feature(result, BAD).files == ["contracts/through-root.md"]
    assert found(result, f"specs/{BAD}/contracts/beside.md") == OUTSIDE
    assert_good(result)


def test_allowed_roots_admit_a_shared_folder_and_nothing_else(tmp_path: Path):
    outside(tmp_path)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "api.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    specs = portfolio(tmp_path, {"plan.md": plan(BAD)})
    link(specs / BAD / "contracts" / "api.yaml", "../../../shared/api.yaml")
    link(specs / BAD / "contracts" / "secret.md", "../../../outside/secret.md")
    denied = run_pipeline(tmp_path)
    assert found(denied, f"specs/{BAD}/contracts/api.yaml") == OUTSIDE
    allowed = run_pipeline(tmp_path, allowed_roots=[tmp_path / "shared"])
    assert feature(allowed, BAD).files == ["contracts/api.yaml"]
    assert found(allowed, f"specs/{BAD}/contracts/api.yaml") == []
    assert found(allowed, f"specs/{BAD}/contracts/secret.md") == OUTSIDE


# --- special files, at any depth -----------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_special_files_are_reported_and_never_opened(tmp_path: Path):
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD), "contracts/api.yaml": "openapi: 3.1.0\n"})
    portfolio(tmp_path)
    (folder / "contracts" / "a" / "b").mkdir(parents=True)
    os.mkfifo(folder / "contracts" / "a" / "b" / "pipe.yaml")  # opening it would wait for a writer forever
    os.mkfifo(folder / "quickstart.md")  # MkDocs reads quickstart.md itself: it would hang the build
    names = ["contracts/a/b/pipe.yaml", "quickstart.md"]
    (folder / "checklists").mkdir()
    listener = socket.socket(socket.AF_UNIX)
    try:
        try:
            listener.bind(str(folder / "checklists" / "sock.md"))
            names.append("checklists/sock.md")
        except OSError:  # the path is too long for a socket here: the FIFOs still count
            pass
        result = run_pipeline(tmp_path)
    finally:
        listener.close()
    for name in names:
        [diagnostic] = [d for d in result.diagnostics if d.path == f"specs/{BAD}/{name}"]
        assert (diagnostic.code, diagnostic.line) == ("unreadable-file", 1)
        assert "not a regular file" in diagnostic.message
    bad = feature(result, BAD)
    assert bad.files == ["contracts/api.yaml"] and "quickstart" not in bad.artifacts
    assert_good(result)
    assert_good_page(build_site(tmp_path))  # and the build does not hang on the FIFO


@pytest.mark.parametrize("kind", ["directory", "dangling link", "link loop"])
def test_a_quickstart_md_that_is_no_file_is_reported_and_the_site_builds(tmp_path: Path, kind: str):
    """quickstart.md and data-model.md are not read by the model, only published: MkDocs read a
    directory or a dangling link with that name itself and stopped with a traceback."""
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD)})
    portfolio(tmp_path)
    if kind == "directory":
        (folder / "quickstart.md").mkdir()
    elif kind == "dangling link":
        link(folder / "quickstart.md", "gone.md")
    else:
        link(folder / "quickstart.md", "data-model.md")
        link(folder / "data-model.md", "quickstart.md")
    result = run_pipeline(tmp_path)
    names = ["quickstart.md", "data-model.md"] if kind == "link loop" else ["quickstart.md"]
    for name in names:
        assert found(result, f"specs/{BAD}/{name}") == [("unreadable-file", 1, Severity.ERROR)]
    site = build_site(tmp_path)
    assert_good_page(site)
    assert_good_page(site, BAD)


def test_a_link_loop_in_contracts_is_reported(tmp_path: Path):
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD), "contracts/api.yaml": "openapi: 3.1.0\n"})
    portfolio(tmp_path)
    link(folder / "contracts" / "ping", "pong")
    link(folder / "contracts" / "pong", "ping")
    link(folder / "contracts" / "up", "..")  # a folder above: passed over, as before
    result = run_pipeline(tmp_path)
    assert feature(result, BAD).files == ["contracts/api.yaml"]
    for name in ("ping", "pong"):
        [diagnostic] = [d for d in result.diagnostics if d.path == f"specs/{BAD}/contracts/{name}"]
        assert diagnostic.code == "unreadable-file" and "symbolic links" in diagnostic.message
    assert found(result, f"specs/{BAD}/contracts/up") == []


# --- the reader refuses on its own (defence in depth) ----------------------------------------------------------


def test_the_reader_refuses_a_link_changed_after_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    secret = outside(tmp_path) / "secret.md"
    folder = write(tmp_path, BAD, {"plan.md": plan(BAD)})
    [found_dir] = discover([tmp_path / "specs"], tmp_path).features
    (folder / "plan.md").unlink()
    link(folder / "plan.md", secret)  # swapped between discovery and reading
    real_open = builtins.open

    def guarded(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)) and os.path.realpath(file) == os.path.realpath(secret):
            raise AssertionError("the file outside the root was opened")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)
    read = read_feature(found_dir)
    assert [(d.code, d.path, d.line) for d in read.diagnostics] == [("outside-root", f"specs/{BAD}/plan.md", 1)]
    assert read.risks == [] and read.has_plan is False
    source = read_source(folder / "plan.md", "plan.md", allowed_roots=resolve_roots([tmp_path / "specs"]))
    assert source.text is None and [d.code for d in source.diagnostics] == ["outside-root"]


# --- folders that cannot be listed -----------------------------------------------------------------------------


def refuse_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Listing ``folder`` fails as chmod 000 makes it fail for anyone but root (tests run as root in CI)."""
    denied = os.path.realpath(folder)
    real_scandir, real_listdir = os.scandir, os.listdir

    def refusing(call: Any) -> Any:
        def inner(path: Any = ".") -> Any:
            if isinstance(path, (str, os.PathLike)) and os.path.realpath(path) == denied:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return call(path)
        return inner

    monkeypatch.setattr(os, "scandir", refusing(real_scandir))
    monkeypatch.setattr(os, "listdir", refusing(real_listdir))


UNLISTABLE = ["specs", f"specs/{BAD}", f"specs/{BAD}/contracts", f"specs/{BAD}/contracts/v1", f"specs/{BAD}/checklists"]


@pytest.mark.parametrize("folder", UNLISTABLE)
def test_a_folder_that_cannot_be_listed_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str):
    portfolio(tmp_path, {"plan.md": plan(BAD), "contracts/v1/api.yaml": "openapi: 3.1.0\n",
                         "checklists/review.md": "- [ ] one\n"})
    refuse_listing(monkeypatch, tmp_path / folder)
    result = run_pipeline(tmp_path)
    [diagnostic] = [d for d in result.diagnostics if d.path == folder]
    assert (diagnostic.code, diagnostic.line, diagnostic.severity) == ("unreadable-folder", 1, Severity.ERROR)
    assert "Permission denied" in diagnostic.message
    if folder != "specs":
        assert_good(result)
    monkeypatch.chdir(tmp_path)
    checked = invoke("check", "--strict")
    assert checked.exit_code == 1 and f"{folder}:1: error unreadable-folder:" in checked.output


def test_an_unlistable_root_fails_a_strict_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture):
    portfolio(tmp_path, {"plan.md": plan(BAD)})
    refuse_listing(monkeypatch, tmp_path / "specs")
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        build_site(tmp_path, strict=True)
    assert any("specs:1: unreadable-folder:" in r.getMessage() for r in caplog.records)


def test_a_missing_root_stays_a_warning_of_the_build_and_no_diagnostic(tmp_path: Path):
    assert run(Settings((tmp_path / "missing",), tmp_path)).diagnostics == ()


# --- the real MkDocs build, generate and check ------------------------------------------------------------------


def hostile(tmp_path: Path) -> list[str]:
    """A portfolio whose features link out in every way; returns the texts that must not be published."""
    folder = outside(tmp_path)
    specs = portfolio(tmp_path, {"plan.md": plan(BAD), "contracts/api.yaml": "openapi: 3.1.0\n"})
    bad = specs / BAD
    link(bad / "quickstart.md", "../../outside/secret.md")
    link(bad / "data-model.md", folder / "secret.md")
    link(bad / "contracts" / "secret.yaml", folder / "secret.md")
    link(bad / "contracts" / "linked", folder / "dir")
    link(bad / "checklists" / "secret.md", "../../../outside/secret.md")
    link(specs / "003-linked", folder / "feature")
    texts = [SECRET]
    if ON_LINUX:
        link(bad / "contracts" / "env.txt", "/proc/self/environ")
        texts += environ_entries()
    return texts


LEAVING = [f"specs/{BAD}/quickstart.md", f"specs/{BAD}/data-model.md", f"specs/{BAD}/contracts/secret.yaml",
           f"specs/{BAD}/contracts/linked", f"specs/{BAD}/checklists/secret.md", "specs/003-linked"]


def build_site(root: Path, strict: bool = False, plugin: str = "  - plan-portal\n") -> Path:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: test\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n" + plugin, encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=strict))
    return root / "site"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_plugin_publishes_nothing_from_outside_and_logs_each_link(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture):
    texts = hostile(tmp_path)
    with caplog.at_level(logging.ERROR, logger="mkdocs"):
        site = build_site(tmp_path)
    assert_nowhere(site, texts)
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    for path in LEAVING + ([f"specs/{BAD}/contracts/env.txt"] if ON_LINUX else []):
        assert any(f"{path}:1: outside-root:" in message for message in logged), path
    assert_good_page(site)
    assert_good_page(site, BAD)
    assert (site / "plans" / BAD / "contracts" / "api.yaml").is_file()
    assert not (site / "plans" / "003-linked").exists()
    with pytest.raises(Abort):
        build_site(tmp_path, strict=True)


def test_the_plugin_publishes_a_file_of_an_allowed_root(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "api.yaml").write_text("openapi: 3.1.0 # shared\n", encoding="utf-8")
    specs = portfolio(tmp_path, {"plan.md": plan(BAD)})
    link(specs / BAD / "contracts" / "api.yaml", "../../../shared/api.yaml")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        site = build_site(tmp_path, strict=True, plugin="  - plan-portal:\n      allowed_roots: [shared]\n")
    assert (site / "plans" / BAD / "contracts" / "api.yaml").read_text(encoding="utf-8") == "openapi: 3.1.0 # shared\n"
    assert not [r for r in caplog.records if "outside-root" in r.getMessage()]
    with pytest.raises(Abort):  # a folder that does not exist is a configuration error
        build_site(tmp_path, plugin="  - plan-portal:\n      allowed_roots: [no-such-folder]\n")


def test_generate_copies_nothing_from_outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    texts = hostile(tmp_path)
    monkeypatch.chdir(tmp_path)
    generated = invoke("generate", "--out", "out")
    assert generated.exit_code == 0, generated.output
    errors = len(LEAVING) + (1 if ON_LINUX else 0)
    assert f"{errors} errors" in generated.output
    assert_nowhere(tmp_path / "out", texts)
    assert sorted(p.relative_to(tmp_path / "out" / BAD).as_posix()
                  for p in (tmp_path / "out" / BAD).rglob("*") if p.suffix != ".svg") == [
        "contracts", "contracts/api.yaml", "plan.md"]


def test_generate_and_export_follow_allow_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "api.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    specs = portfolio(tmp_path, {"plan.md": plan(BAD)})
    link(specs / BAD / "contracts" / "api.yaml", "../../../shared/api.yaml")
    monkeypatch.chdir(tmp_path)
    assert invoke("generate", "--out", "out").exit_code == 0
    assert not (tmp_path / "out" / BAD / "contracts").exists()
    assert invoke("generate", "--out", "out", "--allow-root", "shared").exit_code == 0
    assert (tmp_path / "out" / BAD / "contracts" / "api.yaml").read_text(encoding="utf-8") == "openapi: 3.1.0\n"
    assert '"outside-root"' in invoke("export").output
    assert '"outside-root"' not in invoke("export", "--allow-root", "shared").output
    assert invoke("check", "--allow-root", "shared").exit_code == 0
    invoke("export", "-o", "base.json")
    report = invoke("diff", "base.json", "--allow-root", "shared")
    assert report.exit_code == 0 and "outside-root" in report.output  # the error went away


def test_check_fails_on_a_link_that_leaves_and_so_does_the_pre_commit_hook(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    hostile(tmp_path)
    monkeypatch.chdir(tmp_path)
    checked = invoke("check")
    assert checked.exit_code == 1
    for path in LEAVING:
        assert f"{path}:1: error outside-root:" in checked.output, path
    # pre-commit passes the changed link itself: its diagnostic belongs to its feature.
    hook = invoke("check", "--files", f"specs/{BAD}/contracts/secret.yaml")
    assert hook.exit_code == 1 and f"specs/{BAD}/contracts/secret.yaml:1: error outside-root:" in hook.output
