"""Dates as event exports carry them, after spreadsheets have had them: read for the whole file at once.

Unambiguous forms are read as they come: ``2020-12-03``, ``2020-12-03 00:00:00``, ``3 December 2020``,
``3 Dec 2020``, ``3-Dec-20``. A slashed or dotted form (``03/12/2020``) is day-first in some locales and
month-first in others, so the whole file decides: a value with a first part over 12 proves day-first, one with
a second part over 12 proves month-first. A file that proves both, or neither, is refused once with the
reason, never guessed row by row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})$")
_NAMED = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y", "%d-%b-%y", "%d %b %y", "%d-%B-%y", "%B %d, %Y",
          "%b %d, %Y")


def _year(text: str) -> int:
    year = int(text)
    return year + (2000 if year < 69 else 1900) if len(text) == 2 else year  # spreadsheets' own pivot


def _real(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_unambiguous(text: str) -> str | None:
    """ISO date of a value in a form that needs no day/month decision, else None."""
    text = text.strip()
    m = _ISO.match(text)
    if m:
        return _real(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for fmt in _NAMED:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class DateOrder:
    """How this file's slashed dates are read: ``day_first`` (None if the file has none), why, or a refusal."""

    day_first: bool | None = None
    note: str | None = None
    refusal: str | None = None

    def parse(self, text: str) -> str | None:
        """ISO date of ``text``, or None if it is not a real date in a form this file uses."""
        found = parse_unambiguous(text)
        if found is not None or self.day_first is None:
            return found
        m = _NUMERIC.match(text.strip())
        if not m:
            return None
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        return _real(y, b, a) if self.day_first else _real(y, a, b)


def date_order(values: Iterable[tuple[int, str]], column: str) -> DateOrder:
    """Decide, from every ``(line, value)`` of a date column, how its slashed dates read."""
    day_proof = month_proof = example = None
    for line, value in values:
        m = _NUMERIC.match(value.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        example = example or (line, value.strip())
        if a > 12 and day_proof is None:
            day_proof = (line, value.strip())
        elif b > 12 and month_proof is None:
            month_proof = (line, value.strip())
    if example is None:
        return DateOrder()
    if day_proof and month_proof:
        return DateOrder(refusal=f"{column} mixes day-first dates ({day_proof[1]!r}, line {day_proof[0]}) and "
                                 f"month-first dates ({month_proof[1]!r}, line {month_proof[0]}): re-export it "
                                 "with dates as YYYY-MM-DD")
    if day_proof:
        return DateOrder(True, f"{column}: dates like {example[1]!r} read day-first (DD/MM/YYYY), as "
                               f"{day_proof[1]!r} on line {day_proof[0]} shows")
    if month_proof:
        return DateOrder(False, f"{column}: dates like {example[1]!r} read month-first (MM/DD/YYYY), as "
                                f"{month_proof[1]!r} on line {month_proof[0]} shows")
    return DateOrder(refusal=f"{column}: every date like {example[1]!r} (line {example[0]}) could be day-first or "
                             "month-first, and no date in the file decides which: re-export it with dates as "
                             "YYYY-MM-DD")
