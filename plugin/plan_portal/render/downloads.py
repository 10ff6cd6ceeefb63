"""The downloads under ``mkdocs serve``: each feature's rows of each table kept between renders,
and a table joined again from them only when some feature's rows of it changed.

A one-off build writes each table of the whole document (``export_csv``, ``export.table_json``);
this writes the same bytes from the features' kept rows, so an edit to one feature converts that
feature again and joins only the tables its rows changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from plan_portal.checked import Readiness
from plan_portal.export import (
    TABLE_RECORDS,
    OwnerMention,
    compact_json,
    feature_export,
    owner_mentions,
    owner_rows_of,
    part_document,
    record_key,
    table,
    table_json_of,
)
from plan_portal.export_csv import (
    COUNT_COLUMNS,
    base_columns,
    csv_lines,
    extra_keys,
    feature_row,
    header,
    owner_row,
    record_counts,
    record_row,
)
from plan_portal.model.records import Feature


class KeptDownloads:
    """What one session keeps of the downloads between renders (see ``Reuse.export_part``)."""

    def __init__(self) -> None:
        #: (feature id, path) → (its digest, its readiness, its part of the downloads' document and
        #: rows of each download), see ``part``.
        self._exports: dict[tuple[str, str], tuple[bytes, Readiness, PartRows]] = {}
        #: The parts this render's document was assembled from, in its order.
        self._exported: list[tuple[tuple[str, str], PartRows]] = []
        #: download → (what it was made from, its text), see ``download``.
        self._downloads: dict[str, tuple[tuple[object, ...], str]] = {}

    def part(self, feature: Feature, digest: bytes, readiness: Readiness) -> dict[str, Any]:
        """The feature's part of the downloads' document (``export.feature_export``): the last
        render's when the feature's content (``digest``) and readiness, all it depends on, are the same."""
        key = (feature.id, feature.path)
        kept = self._exports.get(key)
        if kept is None or kept[0] != digest or kept[1] != readiness:
            kept = (digest, readiness, PartRows(feature_export(feature, readiness, TABLE_RECORDS)))
            self._exports[key] = kept
        self._exported.append((key, kept[2]))
        return kept[2].part

    def download(self, name: str) -> str:
        """The text of download ``name`` (``<table>.csv`` or ``<table>.json``) of the parts exported
        in this render, as ``export_csv`` or ``table_json`` writes it of the whole document: the last
        render's when every part's rows of it are those it was made from, else joined again from
        them. A kept part's rows are the same object, so the comparison costs little but for the
        parts an edit made again."""
        table, _, kind = name.rpartition(".")
        parts = [rows for _, rows in self._exported]
        mentions: list[list[OwnerMention]] = []
        extra: tuple[str, ...] = ()
        rows_of: list[list[Row]] = []
        if table == "owners":  # drawn from every record that names an owner
            mentions = [rows.mentions() for rows in parts]
        elif kind == "json":
            rows_of = [rows.json(table) for rows in parts]
        elif table == "features":  # each feature's line counts its records (of every feature of its id)
            counts: dict[str, Counter[str]] = {}
            for rows in parts:
                for feature_id, found in rows.counts().items():
                    counts[feature_id] = counts[feature_id] + found if feature_id in counts else found
            rows_of = [rows.features_csv(counts) for rows in parts]
        else:  # a column for each extra column of any record
            extra = tuple(sorted(set().union(*(rows.extra(table) for rows in parts))))
            rows_of = [rows.csv(table, extra) for rows in parts]
        made_from = (extra, *mentions, *rows_of)
        kept = self._downloads.get(name)
        if kept is None or kept[0] != made_from:
            text = _owners_download(kind, mentions) if table == "owners" else _joined(table, kind, extra, rows_of)
            kept = self._downloads[name] = (made_from, text)
        return kept[1]

    def exported(self) -> None:
        """The downloads are made: parts of features no longer in the portfolio are dropped."""
        current = {key for key, _ in self._exported}
        self._exports = {key: value for key, value in self._exports.items() if key in current}
        self._exported = []


def _owners_download(kind: str, mentions: list[list[OwnerMention]]) -> str:
    """The owners' download, drawn from every feature's records that name an owner."""
    owners = owner_rows_of(mention for found in mentions for mention in found)
    if kind == "json":
        return table_json_of("owners", [compact_json(row) for row in owners])
    return "".join(csv_lines([header("owners"), *(owner_row(row) for row in owners)]))


def _joined(table: str, kind: str, extra: tuple[str, ...], rows_of: list[list[Row]]) -> str:
    """A download from each feature's rows of it, in the document's order (a table of records sorted
    as the document's records), under its header: CSV with ``extra`` columns, or JSON."""
    keyed = [row for rows in rows_of for row in rows]
    if table in TABLE_RECORDS:
        keyed.sort(key=itemgetter(0))
    lines = [line for _, line in keyed]
    return table_json_of(table, lines) if kind == "json" else "".join([*csv_lines([header(table, extra)]), *lines])


#: A row of a download as one feature's part has it: where it sorts among every feature's rows of a
#: table of records (see ``export.record_key``; None in the other tables, which list rows in feature
#: order), and its text (a line of CSV, or the row as compact JSON).
Row = tuple[object, str]


@dataclass(slots=True)
class PartRows:
    """A feature's part of the downloads' document, and its rows of each download, written once for
    the part (a kept part is the same object: see ``Reuse.export_part``) and, for a CSV table, for
    what it reads of every other part: the counts of records by feature (features), the extra
    columns of the table (its records)."""

    part: dict[str, Any]
    _json: dict[str, list[Row]] = field(default_factory=dict)
    _csv: dict[str, tuple[object, list[Row]]] = field(default_factory=dict)
    _records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _extra: dict[str, frozenset[str]] = field(default_factory=dict)
    _counts: dict[str, Counter[str]] | None = None
    _mentions: list[OwnerMention] | None = None

    def records(self, name: str) -> list[dict[str, Any]]:
        """The part's rows of table ``name``, as ``export.table`` has them (unsorted)."""
        found = self._records.get(name)
        if found is None:
            found = self._records[name] = table(name, part_document(self.part))
        return found

    def _keyed(self, name: str, texts: list[str]) -> list[Row]:
        records = self.records(name)
        keys = [record_key(r) for r in records] if name in TABLE_RECORDS else [None] * len(records)
        return list(zip(keys, texts, strict=True))

    def json(self, name: str) -> list[Row]:
        found = self._json.get(name)
        if found is None:
            found = self._json[name] = self._keyed(name, [compact_json(r) for r in self.records(name)])
        return found

    def extra(self, name: str) -> frozenset[str]:
        found = self._extra.get(name)
        if found is None:
            found = self._extra[name] = frozenset(extra_keys(self.records(name)))
        return found

    def csv(self, name: str, extra: tuple[str, ...]) -> list[Row]:
        """The part's lines of table ``name`` with the ``extra`` columns of every part."""
        found = self._csv.get(name)
        if found is None or found[0] != extra:
            base = base_columns(name)
            lines = csv_lines(record_row(base, extra, record) for record in self.records(name))
            found = self._csv[name] = (extra, self._keyed(name, lines))
        return found[1]

    def counts(self) -> dict[str, Counter[str]]:
        """Feature id → the counts of its records in this part (``export_csv.record_counts``)."""
        if self._counts is None:
            self._counts = record_counts(self.part)
        return self._counts

    def features_csv(self, counts: dict[str, Counter[str]]) -> list[Row]:
        """The feature's line of the features table, with ``counts`` of every part by feature id."""
        feature = self.part["feature"]
        own = counts.get(feature["id"], Counter())
        counted = tuple(own[column] for column in COUNT_COLUMNS)
        found = self._csv.get("features")
        if found is None or found[0] != counted:
            found = self._csv["features"] = (counted, [(None, csv_lines([feature_row(feature, own)])[0])])
        return found[1]

    def mentions(self) -> list[OwnerMention]:
        if self._mentions is None:
            self._mentions = owner_mentions(self.part)
        return self._mentions
