"""A baseline written as a date or an age (``compare_to: 7 days``, ``plan-portal diff 2026-11-01``):
the grammar, and the commit it resolves to in a git repository made here."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from plan_portal.cli import main
from plan_portal.compare.moments import parse_moment
from plan_portal.compare.revision import RevisionError, resolve_revision

UTC = timezone.utc
NOW = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(("text", "kind", "moment"), [
    ("7 days", "age", datetime(2026, 3, 24, 15, 30, tzinfo=UTC)),
    ("7 Days Ago", "age", datetime(2026, 3, 24, 15, 30, tzinfo=UTC)),
    ("7days", "age", datetime(2026, 3, 24, 15, 30, tzinfo=UTC)),
    ("1 day", "age", datetime(2026, 3, 30, 15, 30, tzinfo=UTC)),
    ("2 weeks ago", "age", datetime(2026, 3, 17, 15, 30, tzinfo=UTC)),
    ("12 hours", "age", datetime(2026, 3, 31, 3, 30, tzinfo=UTC)),
    ("90 minutes", "age", datetime(2026, 3, 31, 14, 0, tzinfo=UTC)),
    # Calendar months: 31 March less a month is the last day of February.
    ("1 month", "age", datetime(2026, 2, 28, 15, 30, tzinfo=UTC)),
    ("13 months", "age", datetime(2025, 2, 28, 15, 30, tzinfo=UTC)),
    ("1 year", "age", datetime(2025, 3, 31, 15, 30, tzinfo=UTC)),
    ("2026-11-01T09:30Z", "date", datetime(2026, 11, 1, 9, 30, tzinfo=UTC)),
    ("2026-11-01 09:30:15+02:00", "date", datetime(2026, 11, 1, 7, 30, 15, tzinfo=UTC)),
    ("2026-11-01T09:30-0500", "date", datetime(2026, 11, 1, 14, 30, tzinfo=UTC)),
])
def test_ages_and_moments_name_a_moment(text: str, kind: str, moment: datetime):
    parsed = parse_moment(text, NOW)
    assert parsed is not None and parsed[0] == kind
    assert parsed[1] == moment


def test_days_are_their_start_in_local_time():
    for text, day in (("2026-11-01", "2026-11-01"), ("2026-1-5", "2026-01-05"), ("today", "2026-03-31"),
                      ("Yesterday", "2026-03-30")):
        parsed = parse_moment(text, NOW.astimezone())
        assert parsed is not None and parsed[0] == "date", text
        assert parsed[1].isoformat().startswith(f"{day}T00:00:00"), text
        assert parsed[1].utcoffset() == datetime(*map(int, day.split("-"))).astimezone().utcoffset()


@pytest.mark.parametrize("text", ["main", "HEAD~1", "v1.4", "7 dayz", "days", "2026-11", "20261101", "last week",
                                  "a1b2c3d", "1 fortnight", "-7 days", ""])
def test_other_text_is_not_a_date(text: str):
    assert parse_moment(text, NOW) is None


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "2026-11-01T25:00", "2026-11-01T09:61", "999999 years",
                                  "999999 weeks"])
def test_text_shaped_like_a_date_that_names_none_is_an_error(text: str):
    with pytest.raises(ValueError, match="is not a"):
        parse_moment(text, NOW)


# --- resolution in a repository ---


def git(repo: Path, *args: str, date: str = "") -> str:
    env = {**os.environ, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_DATE": date} if date else None
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false",
               "-c", "init.defaultBranch=main", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True, env=env).stdout.strip()


PLAN = """\
# Implementation Plan: Alpha

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| Test First | {status} | tests written first | QA |
"""


def commit(repo: Path, status: str, message: str, date: str) -> str:
    path = repo / "specs" / "001-alpha" / "plan.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN.format(status=status), encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """main: first (1 Jan) → second (5 Jan) → merge (8 Jan) of a side branch committed on 4 Jan."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    git(repo, "init", "-q")
    commits = {"first": commit(repo, "PASS", "first", "2026-01-01T10:00:00+00:00")}
    git(repo, "checkout", "-q", "-b", "side")
    commits["side"] = commit(repo, "PENDING", "side", "2026-01-04T10:00:00+00:00")
    git(repo, "checkout", "-q", "main")
    (repo / "notes.md").write_text("notes\n", encoding="utf-8")
    git(repo, "add", "notes.md")
    git(repo, "commit", "-q", "-m", "second", date="2026-01-05T10:00:00+00:00")
    commits["second"] = git(repo, "rev-parse", "HEAD")
    git(repo, "merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge side", "side", date="2026-01-08T10:00:00+00:00")
    commits["merge"] = git(repo, "rev-parse", "HEAD")
    commit(repo, "FAIL", "third", "2026-01-10T10:00:00+00:00")
    return repo, commits


def test_a_date_is_the_last_first_parent_commit_at_or_before_it(history: tuple[Path, dict[str, str]]):
    repo, commits = history
    # The side branch's own commit (4 Jan) is not on the first-parent line: main was at "first" then.
    revision = resolve_revision("2026-01-04T12:00Z", repo)
    assert (revision.kind, revision.commit, revision.subject) == ("date", commits["first"], "first")
    assert revision.committed == "2026-01-01T10:00:00+00:00" and revision.day == "2026-01-01"
    assert revision.when == "2026-01-01 10:00 UTC" and revision.moment == "2026-01-04T12:00:00+00:00"
    # At or before: a commit made at that very second is the baseline.
    assert resolve_revision("2026-01-05T10:00Z", repo).commit == commits["second"]
    assert resolve_revision("2026-01-09T00:00Z", repo).commit == commits["merge"]
    # A moment after the last commit is HEAD.
    assert resolve_revision("2030-01-01", repo).commit == git(repo, "rev-parse", "HEAD")


def test_an_age_counts_back_from_now(history: tuple[Path, dict[str, str]]):
    repo, commits = history
    now = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)
    revision = resolve_revision("3 days", repo, now=now)
    assert (revision.kind, revision.commit, revision.moment) == ("age", commits["second"],
                                                                  "2026-01-06T12:00:00+00:00")
    assert resolve_revision("1 week ago", repo, now=now).commit == commits["first"]


def test_a_ref_wins_over_a_date_of_the_same_name(history: tuple[Path, dict[str, str]]):
    repo, commits = history
    git(repo, "branch", "2026-01-09", commits["first"])
    revision = resolve_revision("2026-01-09", repo)
    assert (revision.kind, revision.commit) == ("ref", commits["first"])
    assert revision.moment == ""


@pytest.mark.parametrize(("text", "code", "words"), [
    ("2025-12-31", "before-first-commit", "is before the first commit of the current branch (2026-01-01 10:00 UTC)"),
    ("1969-07-20", "before-first-commit", "is before the first commit"),
    ("1000 years", "before-first-commit", "is before the first commit"),
    ("2026-02-30", "invalid-date", "'2026-02-30' is not a date"),
    ("release-9", "unknown-ref", "nor a date (2026-11-01) or an age (7 days)"),
])
def test_baselines_that_name_no_commit_are_clean_errors(history: tuple[Path, dict[str, str]], text: str, code: str,
                                                       words: str):
    repo, _ = history
    with pytest.raises(RevisionError) as caught:
        resolve_revision(text, repo)
    assert caught.value.code == code and words in str(caught.value)
    result = CliRunner().invoke(main, ["diff", text])
    assert result.exit_code == 2
    assert f"[{code}]" in result.output and "Traceback" not in result.output


def test_a_shallow_clone_says_to_fetch_the_history(history: tuple[Path, dict[str, str]], tmp_path: Path):
    repo, _ = history
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), "shallow")
    with pytest.raises(RevisionError) as caught:
        resolve_revision("2026-01-06", tmp_path / "shallow")
    assert caught.value.code == "shallow-history" and "fetch-depth: 0" in str(caught.value)


def test_diff_names_the_commit_a_date_resolved_to(history: tuple[Path, dict[str, str]]):
    _, commits = history
    result = CliRunner().invoke(main, ["diff", "2026-01-06", "HEAD"])
    assert result.exit_code == 0, result.output
    short = commits["second"][:7]
    assert result.output.startswith(f"## Plan changes: `2026-01-06 ({short}, 2026-01-05)` → `HEAD (")
    assert (f'Baseline: commit `{short}` of 2026-01-05 10:00 UTC, "second": the last commit on the current branch '
            f"at or before 2026-01-06 00:00") in result.output
    assert "| PASS → FAIL |" in result.output
    report = json.loads(CliRunner().invoke(main, ["diff", "2026-01-06", "HEAD", "--format", "json"]).output)
    assert report["base_revision"] | {"moment": ""} == {
        "asked": "2026-01-06", "kind": "date", "commit": commits["second"], "committed": "2026-01-05T10:00:00+00:00",
        "subject": "second", "moment": ""}
    assert report["head_revision"]["kind"] == "ref" and report["head_revision"]["asked"] == "HEAD"


def test_a_moment_between_commits_in_another_zone(history: tuple[Path, dict[str, str]]):
    repo, commits = history
    # 5 Jan 10:00 UTC is 5 Jan 11:00 in +01:00: a minute before it is still "first".
    assert resolve_revision("2026-01-05T10:59+01:00", repo).commit == commits["first"]
    assert resolve_revision("2026-01-05T11:00+01:00", repo).commit == commits["second"]
    assert timedelta(0) == datetime.fromisoformat(resolve_revision("2026-01-05T11:00+01:00", repo).moment) - \
        datetime(2026, 1, 5, 10, tzinfo=UTC)
