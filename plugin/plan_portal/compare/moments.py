"""A baseline written as a date or an age (``2026-11-01``, ``7 days``): the moment it names.

The grammar, whole-string and case-insensitive:

- an age: ``<n> minute|hour|day|week|month|year[s] [ago]`` (``7 days``, ``2 weeks ago``,
  ``1 month``): that long before now; months and years count calendar months (31 March minus one
  month is 28 or 29 February);
- a day: ``YYYY-MM-DD``, ``today`` or ``yesterday``: the start (00:00) of that day;
- a moment: ``YYYY-MM-DDTHH:MM[:SS]`` (or a space for the ``T``), with an optional ``Z`` or
  ``±HH:MM`` offset.

Days and moments without an offset are in the local time zone of the machine that builds (UTC on
most CI runners). Anything else is not a date (``None``): the caller reads it as a git ref. Text
that is shaped like a date but names none (``2026-02-30``) is a ``ValueError``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

_UNITS = ("minute", "hour", "day", "week", "month", "year")
_AGE = re.compile(rf"(?P<count>\d{{1,6}})\s*(?P<unit>{'|'.join(_UNITS)})s?(?:\s+ago)?", re.I)
_DAY = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_MOMENT = re.compile(r"(?P<day>\d{4}-\d{1,2}-\d{1,2})[T ](?P<h>\d{1,2}):(?P<min>\d{2})(?::(?P<s>\d{2}))?"
                     r"\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?", re.I)


def _months_back(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day).astimezone()


def _day(text: str) -> date:
    match = _DAY.fullmatch(text)
    assert match is not None
    try:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError as error:
        raise ValueError(f"{text!r} is not a date ({error})") from None


def is_age(text: str) -> bool:
    """Whether ``text`` is written as an age (``7 days``), valid or not."""
    return _AGE.fullmatch(" ".join(text.split())) is not None


def parse_moment(text: str, now: datetime | None = None) -> tuple[str, datetime] | None:
    """``(kind, moment)`` for a date (kind ``date``) or an age (kind ``age``), else None.

    ``now`` (aware; default: the clock) is what ages count back from and what ``today`` is.
    """
    now = (now or datetime.now()).astimezone()
    written = " ".join(text.split())
    lowered = written.lower()
    if lowered in ("today", "yesterday"):
        return "date", _local_midnight(now.date() - timedelta(days=lowered == "yesterday"))
    age = _AGE.fullmatch(written)
    if age:
        count, unit = int(age["count"]), age["unit"].lower()
        try:
            if unit in ("month", "year"):
                return "age", _months_back(now, count * (12 if unit == "year" else 1))
            return "age", now - timedelta(**{f"{unit}s": count})
        except (ValueError, OverflowError):
            raise ValueError(f"{text!r} is not a moment (before the year 1)") from None
    if _DAY.fullmatch(written):
        return "date", _local_midnight(_day(written))
    moment = _MOMENT.fullmatch(written)
    if moment is None:
        return None
    day = _day(moment["day"])
    zone = (moment["zone"] or "").upper()
    stamp = f"{day.isoformat()}T{int(moment['h']):02d}:{moment['min']}:{moment['s'] or '00'}"
    if zone and zone != "Z":
        zone = f"{zone[:3]}:{zone[3:].lstrip(':') or '00'}"
    try:
        parsed = datetime.fromisoformat(stamp + ("+00:00" if zone == "Z" else zone))
    except ValueError as error:
        raise ValueError(f"{text!r} is not a moment ({error})") from None
    return "date", parsed if parsed.tzinfo else parsed.astimezone()

