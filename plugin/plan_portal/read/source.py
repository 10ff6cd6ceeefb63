"""Read a file's text safely: size limit, binary and encoding checks, line endings, frontmatter."""

from __future__ import annotations

import datetime
import math
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from frontmatter.default_handlers import SafeLoader, YAMLHandler

from plan_portal.containment import allowed, on_pseudo_filesystem, outside_root
from plan_portal.diagnostics import Diagnostic, diagnostic
from plan_portal.settings import MAX_BYTES

__all__ = ["MAX_BYTES", "SourceFile", "decode", "probe_file", "read_source", "split_frontmatter"]

_YAML = YAMLHandler()
#: The loader python-frontmatter uses: libyaml's when PyYAML has it.
_LOADER = SafeLoader


@dataclass(slots=True)
class SourceFile:
    """A file's text split into frontmatter and body; ``text`` is None when it could not be read."""

    path: str
    text: str | None
    metadata: dict[str, object] = field(default_factory=dict)
    body: str = ""
    #: Number of lines before the body (the frontmatter block), to map body lines to file lines.
    body_offset: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


#: Most values a frontmatter may expand to: YAML aliases can make a few hundred bytes expand to
#: millions of values ("billion laughs").
MAX_FRONTMATTER_VALUES = 10_000
#: Deepest nesting of lists and mappings in a frontmatter. Real ones nest two or three levels;
#: hundreds of levels would make anything that walks the values recursively (this module, pickling
#: them between processes, JSON export, a pure-Python YAML parser) exceed Python's recursion limit.
MAX_FRONTMATTER_DEPTH = 32


class _TooLarge(ValueError):
    pass


class _TooDeep(ValueError):
    pass


def _json_safe(value: object, path: tuple[int, ...] = (), budget: list[int] | None = None) -> object:
    """YAML values as JSON data: dates become ISO strings, keys strings, NaN and infinities strings,
    and a container that contains itself (a recursive YAML alias) becomes ``"<recursive>"``.

    Aliases can nest deeper than the text does, so the depth is checked here too."""
    budget = budget if budget is not None else [MAX_FRONTMATTER_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in path:
            return "<recursive>"
        if len(path) >= MAX_FRONTMATTER_DEPTH:
            raise _TooDeep
        inner = (*path, id(value))
        if isinstance(value, dict):
            return {str(k): _json_safe(v, inner, budget) for k, v in value.items()}
        return [_json_safe(v, inner, budget) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _no_follow_opener(path: str, flags: int) -> int:
    """Open without following a symlink in the last component (one put there since the path was
    resolved) and without waiting on a FIFO; fstat then tells what was opened."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


def _resolved(path: Path, display: str, allowed_roots: Sequence[str] | None) -> tuple[str, Diagnostic | None]:
    """The real path of ``path``, and the outside-root diagnostic when it leaves the allowed roots
    (or lies on a pseudo filesystem): a file that resolves there is never opened."""
    real = os.path.realpath(path)
    if on_pseudo_filesystem(real) or (allowed_roots is not None and not allowed(real, allowed_roots)):
        return real, outside_root(path, real, display)
    return real, None


def _load_bytes(
    path: Path, display: str, max_bytes: int, allowed_roots: Sequence[str] | None
) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        # Discovery lists only files inside the roots; check again on the resolved path, so that a
        # caller that skipped discovery, or a link changed since, still cannot read outside them.
        real, outside = _resolved(path, display, allowed_roots)
        if outside is not None:
            return None, [outside]
        info = os.stat(real)
        if stat.S_ISDIR(info.st_mode):
            return None, [diagnostic("unreadable-file", display, 1, "is a directory, not a file")]
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return None, [diagnostic("unreadable-file", display, 1, "is not a regular file; skipped")]
        size = info.st_size
        if size <= max_bytes:
            with open(real, "rb", opener=_no_follow_opener) as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                    return None, [diagnostic("unreadable-file", display, 1, "is not a regular file; skipped")]
                data = handle.read(max_bytes + 1)
            if len(data) <= max_bytes:
                return data, []
            size = len(data)  # grew since stat: still over the limit
        return None, [
            diagnostic(
                "unreadable-file", display, 1,
                f"file is {size} bytes, over the limit of {max_bytes}; skipped",
            )
        ]
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return None, [diagnostic("unreadable-file", display, 1, f"cannot be read: {reason}")]


def probe_file(path: Path, display: str, max_bytes: int, allowed_roots: Sequence[str] | None = None
               ) -> list[Diagnostic]:
    """Why a file published as it is (a contract, an image) cannot be: outside the allowed roots,
    not a regular file, over the size limit, or not permitted; nothing when it can. Its bytes are
    not read."""
    try:
        real, outside = _resolved(path, display, allowed_roots)
        if outside is not None:
            return [outside]
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):  # opening a FIFO would block
            return [diagnostic("unreadable-file", display, 1, "is not a regular file; not published")]
        if info.st_size > max_bytes:
            return [diagnostic("unreadable-file", display, 1,
                               f"file is {info.st_size} bytes, over the limit of {max_bytes}; not published")]
        with open(real, "rb", opener=_no_follow_opener):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return [diagnostic("unreadable-file", display, 1, f"cannot be read: {reason}; not published")]
    return []


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting CRLF, LF and a lone CR each as one line ending."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def decode(data: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text with a BOM removed and every line ending turned into LF."""
    if b"\x00" in data[:8192]:
        line = _line_at(data, data.index(b"\x00"))
        return None, [diagnostic("unreadable-file", display, line, "binary content (NUL byte); skipped")]
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_at(data, error.start)
        diagnostics.append(
            diagnostic(
                "invalid-utf8", display, line,
                f"not valid UTF-8 at byte {error.start}; undecodable bytes shown as U+FFFD",
            )
        )
        text = data.decode("utf-8-sig", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, diagnostics


def _too_deep_at(raw: str) -> int | None:
    """Line (0-based, in ``raw``) of the first list or mapping nested deeper than the limit, found
    from the parser's events before anything is built; None when the nesting is within it."""
    depth = 0
    for event in yaml.parse(raw, Loader=_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_FRONTMATTER_DEPTH:
                return int(event.start_mark.line) if event.start_mark is not None else 0
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


def split_frontmatter(text: str, display: str) -> tuple[dict[str, object], str, int, list[Diagnostic]]:
    """Frontmatter mapping, body, body line offset; a broken frontmatter still yields the body."""
    if not _YAML.detect(text):
        return {}, text, 0, []
    try:
        raw, body = _YAML.split(text)
    except ValueError:
        return {}, text, 0, []
    offset = text[: len(text) - len(body)].count("\n")
    # Line 0 of the YAML text is the file line where it starts (after the opening "---" and any
    # blank lines python-frontmatter's boundary pattern takes with it).
    first_line = text[: max(text.find(raw), 0)].count("\n") + 1
    try:
        too_deep = _too_deep_at(raw)
        loaded = None if too_deep is not None else _YAML.load(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + mark.line if mark is not None else 1
        problem = getattr(error, "problem", None) or "invalid YAML"
        return {}, body, offset, [
            diagnostic("invalid-frontmatter", display, line, f"frontmatter is not valid YAML: {problem}")
        ]
    except RecursionError:  # a YAML parser without libyaml recurses once or more per level
        too_deep = 0
    if too_deep is not None:
        return {}, body, offset, [diagnostic(
            "invalid-frontmatter", display, first_line + too_deep,
            f"frontmatter nests lists or mappings more than {MAX_FRONTMATTER_DEPTH} levels deep; not read")]
    if loaded is None:
        return {}, body, offset, []
    if not isinstance(loaded, dict):
        kind = type(loaded).__name__
        return {}, body, offset, [
            diagnostic("invalid-frontmatter", display, 1, f"frontmatter is a {kind}, not a mapping")
        ]
    try:
        safe = _json_safe(loaded)
    except _TooLarge:
        return {}, body, offset, [diagnostic(
            "invalid-frontmatter", display, 1,
            f"frontmatter expands to more than {MAX_FRONTMATTER_VALUES} values (YAML aliases); not read")]
    except _TooDeep:
        return {}, body, offset, [diagnostic(
            "invalid-frontmatter", display, first_line,
            f"frontmatter nests lists or mappings more than {MAX_FRONTMATTER_DEPTH} levels deep "
            "(YAML aliases); not read")]
    assert isinstance(safe, dict)
    return safe, body, offset, []


def read_source(
    path: Path,
    display: str,
    max_bytes: int = MAX_BYTES,
    frontmatter: bool = True,
    allowed_roots: Sequence[str] | None = None,
) -> SourceFile:
    """Read one file; every problem becomes a diagnostic, never an exception.

    With ``allowed_roots`` (resolved paths), a file that resolves outside them is not opened;
    a kernel-made file (/proc, /sys) or a special file never is.
    """
    data, diagnostics = _load_bytes(path, display, max_bytes, allowed_roots)
    if data is None:
        return SourceFile(display, None, diagnostics=diagnostics)
    text, more = decode(data, display)
    diagnostics.extend(more)
    if text is None:
        return SourceFile(display, None, diagnostics=diagnostics)
    if not frontmatter:
        return SourceFile(display, text, body=text, diagnostics=diagnostics)
    metadata, body, offset, more = split_frontmatter(text, display)
    diagnostics.extend(more)
    return SourceFile(display, text, metadata, body, offset, diagnostics)

