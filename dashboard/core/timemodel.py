"""The one time rule of the atlas, and the event windows.

A feature is visible on day D iff ``valid_from <= D`` and (``valid_to`` is null or ``D < valid_to``).
Dates are ISO strings (``YYYY-MM-DD``), which sort like the days they name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd


def is_visible(valid_from: str, valid_to: str | None, day: str) -> bool:
    """Whether a feature valid over [valid_from, valid_to) is visible on ``day``."""
    return valid_from <= day and (valid_to is None or day < valid_to)


def overlaps(valid_from: str, valid_to: str | None, first: str, last: str) -> bool:
    """Whether a feature valid over [valid_from, valid_to) is visible on some day of [first, last]."""
    return valid_from <= last and (valid_to is None or first < valid_to)


def visible_mask(frame: pd.DataFrame, day: str) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` visible on ``day`` (same rule, vectorised)."""
    return overlap_mask(frame, day, day)


def overlap_mask(frame: pd.DataFrame, first: str, last: str) -> np.ndarray:
    """Rows visible on at least one day of [first, last]: the same rule applied to a span of days."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    start = frame["valid_from"].to_numpy(dtype=object)
    end = frame["valid_to"].to_numpy(dtype=object)
    open_ended = pd.isna(end)
    ends = np.where(open_ended, "9999-12-31", end).astype(str)
    return (start.astype(str) <= last) & (open_ended | (first < ends))


def change_days(frames: Iterable[pd.DataFrame]) -> list[str]:
    """Every day on which some feature appears or disappears, sorted."""
    days: set[str] = set()
    for frame in frames:
        if frame.empty:
            continue
        days.update(d for d in frame["valid_from"].dropna())
        days.update(d for d in frame["valid_to"].dropna())
    return sorted(days)


def valid_to_after(last_day: str) -> str:
    """The exclusive ``valid_to`` of something that lasted up to and including ``last_day``."""
    return shift(last_day, 1)


def shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class EventWindow:
    """Which events show on a day: all since ``since`` (cumulative) or the last ``last_days`` days."""

    since: str | None = None
    last_days: int | None = None

    def bounds(self, day: str) -> tuple[str, str]:
        """First and last day (inclusive) of the window ending on ``day``."""
        if self.last_days is not None:
            return shift(day, -(max(self.last_days, 1) - 1)), day
        return (self.since or "0001-01-01"), day


def to_days(values) -> np.ndarray:
    """ISO strings (or None) to numpy day numbers; None becomes NaT."""
    return np.array(values, dtype="datetime64[D]")


class EventIndex:
    """Events sorted by start day so a window is two binary searches plus a short filter."""

    def __init__(self, starts: Iterable[str], ends: Iterable[str | None]):
        self.start = to_days(list(starts))
        end = to_days([e for e in ends])
        self.end = np.where(np.isnat(end), self.start, end)
        if len(self.start) and np.any(self.start[1:] < self.start[:-1]):
            raise ValueError("events must be sorted by date")
        longest = (self.end - self.start).max() if len(self.start) else np.timedelta64(0, "D")
        self.longest = max(longest, np.timedelta64(0, "D"))

    def window(self, first: str, last: str) -> np.ndarray:
        """Positions of events overlapping [first, last]."""
        lo_day, hi_day = np.datetime64(first, "D"), np.datetime64(last, "D")
        hi = np.searchsorted(self.start, hi_day, side="right")
        lo = np.searchsorted(self.start, lo_day - self.longest, side="left")
        candidates = np.arange(lo, hi)
        return candidates[self.end[lo:hi] >= lo_day]
