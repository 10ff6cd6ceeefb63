"""The ``plan-portal`` command: check plans in CI, export the portfolio as JSON or CSV, compare revisions."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from plan_portal.changed import changed_features, diagnostics_in
from plan_portal.checked import CheckedPortfolio
from plan_portal.collector import collections_paused
from plan_portal.compare import Revision, compare
from plan_portal.compare.report import json_report, markdown_report
from plan_portal.compare.revision import RevisionError, export_at_commit, load_export, resolve_revision
from plan_portal.diagnostics import CODES, Diagnostic, Severity, printable
from plan_portal.export import CSV_TABLES, export_document, export_json
from plan_portal.export_csv import export_csv
from plan_portal.pipeline import run
from plan_portal.read.history import build_stamp
from plan_portal.settings import MAX_BYTES, RenderOptions, Settings

_DEFAULTS = RenderOptions()
_ROOTS = click.argument(
    "roots", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
_SEVERITY = click.option("--severity", multiple=True, metavar="CODE=LEVEL",
                         help="Re-rate a check: error, warning, info or off. Repeatable.")
_ALLOW_ROOTS = click.option(
    "--allow-root", "allow_roots", multiple=True, metavar="DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder outside the spec roots that symlinks in them may lead into (a monorepo's shared "
         "folder); anything else they lead to is an outside-root error. Repeatable.",
)
_CONSTITUTION = click.option(
    "--constitution", type=click.Path(dir_okay=False, path_type=Path),
    help="The constitution the plans are checked against, when it is not .specify/memory/constitution.md "
         "in or above a spec root.",
)


def _inputs(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command reads plans with: --allow-root and --constitution."""
    return _ALLOW_ROOTS(_CONSTITUTION(command))


def _overrides(values: tuple[str, ...]) -> dict[str, Severity | None]:
    overrides: dict[str, Severity | None] = {}
    for value in values:
        code, _, level = value.partition("=")
        if code not in CODES:
            raise click.BadParameter(f"unknown check code {code!r}", param_hint="--severity")
        if level == "off":
            overrides[code] = None
        elif level in {s.value for s in Severity}:
            overrides[code] = Severity(level)
        else:
            raise click.BadParameter(f"{value!r}: use CODE=error|warning|info|off", param_hint="--severity")
    return overrides


def _chosen_roots(roots: tuple[Path, ...]) -> list[Path]:
    # normpath keeps paths relative but drops "./" and "x/../", so diagnostics name files plainly.
    return [Path(os.path.normpath(root)) for root in roots] or [Path("specs")]


def _settings(roots: tuple[Path, ...], severity: tuple[str, ...] = (), allow_roots: tuple[Path, ...] = (),
              constitution: Path | None = None) -> Settings:
    return Settings(tuple(_chosen_roots(roots)), Path.cwd(), _overrides(severity), allowed_roots=allow_roots,
                    constitution=constitution)


def _existing_roots(roots: tuple[Path, ...]) -> None:
    for root in _chosen_roots(roots):
        if not root.is_dir():
            raise click.BadParameter(f"{root} is not a directory", param_hint="ROOT")


def _run(roots: tuple[Path, ...], severity: tuple[str, ...] = (), allow_roots: tuple[Path, ...] = (),
         constitution: Path | None = None) -> CheckedPortfolio:
    _existing_roots(roots)
    with collections_paused():  # a one-off process (see collector)
        return run(_settings(roots, severity, allow_roots, constitution))


def _escape_data(text: str) -> str:
    """GitHub's own escapes for line ends (it shows them as line breaks); other controls made visible."""
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command; info becomes ``notice``."""
    level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
    return (
        f"::{level} file={_escape_property(d.path)},line={d.line},title={_escape_property(d.code)}"
        f"::{_escape_data(d.message)}"
    )


@contextlib.contextmanager
def _standard_output() -> Iterator[None]:
    """Output that cannot be written (a full disk, a closed stdout) is a one-line error and exit 1;
    a reader that stopped reading (``| head``) is no error to report, but the exit status is still 1."""
    if sys.stdout is None:  # Python starts with no stdout when descriptor 1 is closed (``>&-``)
        raise click.ClickException("could not write to standard output: it is closed")
    try:
        yield
        sys.stdout.flush()
    except OSError as error:
        # Python flushes stdout again on exit: send what is still buffered nowhere, or it fails twice.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if error.errno == errno.EPIPE:
            sys.exit(1)
        raise click.ClickException(f"could not write to standard output: {error.strerror or error}") from None


def _summary(result: CheckedPortfolio) -> str:
    features = len(result.portfolio.features)
    return (
        f"{features} features, {len(result.portfolio.gates)} gates, {len(result.portfolio.risks)} risks, "
        f"{len(result.portfolio.decisions)} decisions: {result.count(Severity.ERROR)} errors, "
        f"{result.count(Severity.WARNING)} warnings, {result.count(Severity.INFO)} notes"
    )


@click.group()
@click.version_option(package_name="mkdocs-plan-portal")
def main() -> None:
    """Read spec-kit plans (specs/<feature>/plan.md and siblings), check them, export them."""


@main.command()
@click.argument("paths", nargs=-1, metavar="[ROOT|FILE]...", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output", type=click.Choice(["text", "json", "github"]), default="text",
              help="text lines, a JSON list, or GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@_SEVERITY
@click.option("--files", "changed_files", is_flag=True,
              help="Report only the features holding the FILE arguments (as pre-commit passes them); "
                   "the ROOT arguments (default: specs) are still read whole.")
@_inputs
def check(paths: tuple[Path, ...], output: str, strict: bool, severity: tuple[str, ...], changed_files: bool,
          allow_roots: tuple[Path, ...], constitution: Path | None) -> None:
    """Check every plan under ROOT (default: specs). Exit 1 on errors (or warnings with --strict).

    With --files, references across features still resolve, but only problems written in the
    features of the FILE arguments are reported: a file outside every feature is ignored.
    """
    roots = tuple(path for path in paths if path.is_dir()) if changed_files else paths
    result = _run(roots, severity, allow_roots, constitution)
    summary = _summary(result)
    if changed_files:
        features = changed_features([path for path in paths if not path.is_dir()], result.portfolio.features,
                                    Path.cwd())
        reported = diagnostics_in(features, result.diagnostics, Path.cwd())
        result = dataclasses.replace(result, diagnostics=tuple(reported))
        summary = f"{_summary(result)} (reported for the {len(features)} features whose files changed)"
    with _standard_output():
        if output == "json":
            import json

            click.echo(json.dumps([d.to_dict() for d in result.diagnostics], ensure_ascii=False, indent=2))
        else:
            for d in result.diagnostics:
                click.echo(github_annotation(d) if output == "github" else str(d))
            click.echo(summary, err=output == "github")
    failed = result.count(Severity.ERROR) > 0 or (strict and result.count(Severity.WARNING) > 0)
    sys.exit(1 if failed else 0)


@main.command()
@_ROOTS
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="The whole portfolio as JSON, or one table as CSV (needs --table).")
@click.option("--table", type=click.Choice(list(CSV_TABLES)), help="The table to write as CSV.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@_inputs
def export(roots: tuple[Path, ...], output_format: str, table: str | None, output: Path | None,
           allow_roots: tuple[Path, ...], constitution: Path | None) -> None:
    """Export the portfolio under ROOT (default: specs): all of it as JSON, or one table as CSV."""
    if output_format == "csv" and table is None:
        raise click.UsageError(f"--format csv needs --table {', '.join(CSV_TABLES[:-1])} or {CSV_TABLES[-1]}")
    if output_format == "json" and table is not None:
        raise click.UsageError("--table is for --format csv; JSON holds every table")
    if output is not None and not output.parent.resolve().is_dir():
        raise click.BadParameter(f"{output}: folder {output.parent} does not exist", param_hint="-o/--output")
    result = _run(roots, allow_roots=allow_roots, constitution=constitution)
    text = export_json(result) if table is None else export_csv(table, export_document(result))
    # Bytes, so the CSV's CRLF line ends reach the file or the terminal untranslated.
    data = text.encode("utf-8")
    if output is None:
        with _standard_output():
            click.echo(data, nl=False)
    else:
        try:
            output.write_bytes(data)
        except OSError as error:
            raise click.ClickException(f"could not write {output}: {error.strerror or error}") from None


class DiffError(click.ClickException):
    """A revision that cannot be read: exit 2, as for other usage errors."""

    exit_code = 2


def _revision(name: str | None, roots: tuple[Path, ...], severity: tuple[str, ...],
              allow_roots: tuple[Path, ...], constitution: Path | None) -> tuple[dict[str, Any], str, Revision | None]:
    """The export document, label and commit of a revision: the working tree, an export file, or a
    git ref, date or age (the last commit at or before it).

    At a git ref no symlink is extracted (see compare.revision), so only the working tree needs
    ``allow_roots``.
    """
    if name is None:
        return export_document(_run(roots, severity, allow_roots, constitution)), "working tree", None
    try:
        if Path(name).is_file():
            return load_export(Path(name)), name, None
        revision = resolve_revision(name, Path.cwd())
        document = export_at_commit(revision.commit, _settings(roots, severity, allow_roots, constitution))
    except RevisionError as error:
        raise DiffError(f"{error} [{error.code}]") from error
    if revision.kind != "ref":
        return document, f"{name} ({revision.short}, {revision.day})", revision
    return document, f"{name} ({revision.short})" if not revision.commit.startswith(name) else name, revision


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--root", "roots", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A spec root (default: specs). Repeatable.")
@click.option("--format", "output", type=click.Choice(["markdown", "json"]), default="markdown",
              help="Markdown for a pull-request comment, or JSON.")
@click.option("--severity", multiple=True, metavar="CODE=LEVEL",
              help="Re-rate a check on both sides: error, warning, info or off. Repeatable.")
@click.option("--fail-on-new-errors", is_flag=True, help="Exit 1 when an error diagnostic appeared.")
@_inputs
def diff(base: str, head: str | None, roots: tuple[Path, ...], output: str, severity: tuple[str, ...],
         fail_on_new_errors: bool, allow_roots: tuple[Path, ...], constitution: Path | None) -> None:
    """Changes from BASE to HEAD: features, gates, risks, decisions and diagnostics.

    BASE and HEAD are git refs (plans are read at the ref, nothing is checked out), dates or ages
    ("2026-11-01", "2026-11-01T09:30", "7 days", "2 weeks ago", "yesterday": the last commit of
    the current branch at or before that moment; a ref of that name wins), or files written by
    `plan-portal export`; without HEAD, the working tree. A diff is not a failure: the exit
    status is 0 unless --fail-on-new-errors finds a new error.
    """
    base_document, base_label, base_revision = _revision(base, roots, severity, allow_roots, constitution)
    head_document, head_label, head_revision = _revision(head, roots, severity, allow_roots, constitution)
    comparison = compare(base_document, head_document, base_label, head_label)
    comparison.base_revision, comparison.head_revision = base_revision, head_revision
    with _standard_output():
        click.echo(json_report(comparison) if output == "json" else markdown_report(comparison), nl=False)
    new_errors = [c for c in comparison.of("diagnostic") if c.action == "appeared" and c.after == "error"]
    sys.exit(1 if fail_on_new_errors and new_errors else 0)


@main.command()
@_ROOTS
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write the portal to, e.g. docs/plans.")
@click.option("--overwrite-foreign-files", "overwrite", is_flag=True,
              help="Write into a folder holding files generate did not write, or into the docs folder of "
                   "mkdocs.yml itself: the portal's files replace those of the same names.")
@click.option("--force", is_flag=True, hidden=True,
              help="No longer writes over other files: see --overwrite-foreign-files.")
@click.option("--links", type=click.Choice(["directory", "html", "markdown"]), default="directory",
              help="directory: MkDocs, TechDocs, MkDocs 2 (gates/); html: use_directory_urls false (gates.html); "
                   "markdown: Zensical (gates.md).")
@_SEVERITY
@click.option("--custom-templates", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of templates that replace the portal's own by file name (as the plugin's option).")
@click.option("--compare-to", metavar="REF|DATE|AGE",
              help="A git ref, a date (2026-11-01) or an age (7 days) to compare the plans with: adds a Changes "
                   "page. A date or an age means the last commit of the current branch at or before it.")
@click.option("--title", default=_DEFAULTS.title, show_default=True, help="Heading of the overview page.")
@click.option("--page-size", type=click.IntRange(min=1), default=_DEFAULTS.page_size, show_default=True,
              help="Most rows on one page of a dashboard list.")
@click.option("--graph-depth", type=click.IntRange(min=0), default=_DEFAULTS.graph_depth, show_default=True,
              help="Links followed from a feature in its local graph.")
@click.option("--graph-nodes", type=click.IntRange(min=1), default=_DEFAULTS.local_graph_nodes,
              show_default=True, help="Most nodes in a local graph.")
@click.option("--full-graph-nodes", type=click.IntRange(min=1), default=_DEFAULTS.full_graph_nodes,
              show_default=True, help="Most nodes on the portfolio graph page.")
@click.option("--max-file-bytes", type=click.IntRange(min=1), default=MAX_BYTES, show_default=True,
              help="Files larger than this are reported and not published.")
@_inputs
def generate(roots: tuple[Path, ...], out: Path, overwrite: bool, force: bool, links: str, severity: tuple[str, ...],
             custom_templates: Path | None, compare_to: str | None, title: str, page_size: int, graph_depth: int,
             graph_nodes: int, full_graph_nodes: int, max_file_bytes: int, allow_roots: tuple[Path, ...],
             constitution: Path | None) -> None:
    """Write the portal under ROOT (default: specs) as Markdown files and SVG graphs, for any site generator.

    The options are the plugin's, so that the files match what the plugin would publish. OUT must be
    new, empty, or hold only what the previous run wrote; it must not be the docs folder that
    mkdocs.yml (or zensical.toml) names, since the portal's index.md would replace its home page.
    --overwrite-foreign-files lifts both rules.
    """
    from plan_portal.generate import STYLESHEET, GenerateError, OutputFolderError, write_portal

    _existing_roots(roots)
    built, commit = build_stamp(_chosen_roots(roots)[0])
    options = RenderOptions(title, graph_depth, graph_nodes, full_graph_nodes, page_size, built, commit)
    settings = dataclasses.replace(_settings(roots, severity, allow_roots, constitution), max_bytes=max_file_bytes,
                                   options=options, templates=custom_templates, compare_to=compare_to)
    try:
        written = write_portal(settings, out, force=overwrite, links=links)
    except OutputFolderError as error:
        note = " (--force no longer writes over files that generate did not write)" if force else ""
        raise click.BadParameter(f"{error}{note}", param_hint="--out") from error
    except GenerateError as error:
        raise click.ClickException(str(error)) from error
    for warning in written.portal.warnings:
        click.echo(f"warning: {printable(warning)}", err=True)
    with _standard_output():
        click.echo(f"wrote {written.pages} pages, {written.files} other files and {written.graphs} graphs to "
                   f"{printable(str(out))}")
        click.echo(_summary(written.portal.checked))
        click.echo(f"Style it: list {STYLESHEET} by its path in the docs folder (e.g. plans/{STYLESHEET}) "
                   f"in extra_css.")


if __name__ == "__main__":
    main()
