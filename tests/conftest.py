"""Shared helpers: write a small spec-kit tree under tmp_path and read it back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_text import write_feature_files
from plan_portal.checked import CheckedPortfolio as Result
from plan_portal.discover import discover
from plan_portal.model.feature import read_feature
from plan_portal.model.records import Feature
from plan_portal.pipeline import run
from plan_portal.read import MAX_BYTES
from plan_portal.settings import Settings


def _write(tmp_path: Path, feature_id: str, files: dict[str, str | bytes]) -> Path:
    return write_feature_files(tmp_path, feature_id, files)


@pytest.fixture
def write_files(tmp_path: Path) -> Callable[..., Path]:
    """Create tmp_path/specs/<feature_id>/<name> for each file (text is dedented, leading newline dropped)."""

    def make(feature_id: str, files: dict[str, str | bytes]) -> Path:
        return _write(tmp_path, feature_id, files)

    return make


@pytest.fixture
def write_feature(tmp_path: Path) -> Callable[..., Feature]:
    """Write one feature's files and read it back as a Feature."""

    def make(feature_id: str, files: dict[str, str | bytes], max_bytes: int = MAX_BYTES) -> Feature:
        _write(tmp_path, feature_id, files)
        found = [fd for fd in discover([tmp_path / "specs"], tmp_path).features if fd.feature_id == feature_id]
        assert len(found) == 1, f"feature {feature_id} not discovered"
        return read_feature(found[0], max_bytes)

    return make


@pytest.fixture
def run_pipeline(tmp_path: Path) -> Callable[..., Result]:
    """Run discover → read → check over tmp_path/specs."""

    def go(max_bytes: int = MAX_BYTES) -> Result:
        return run(Settings((tmp_path / "specs",), tmp_path, max_bytes=max_bytes))

    return go
