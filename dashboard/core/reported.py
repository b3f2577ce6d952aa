"""Reported events: rows linked by ``group_id`` (one row per place) count as one event."""

from __future__ import annotations

import pandas as pd


def report_keys(events: pd.DataFrame) -> pd.Series:
    """Each row's reported-event key: its ``group_id`` when it has one, else its own ``event_id``."""
    if "group_id" not in events.columns:
        return events["event_id"].astype(str)
    groups = events["group_id"]
    return groups.where(groups.notna() & (groups.astype(str) != ""), events["event_id"]).astype(str)


def reported_events(events: pd.DataFrame) -> pd.DataFrame:
    """One row per reported event: a group's earliest row (by date, then event_id) stands for it."""
    if events.empty:
        return events
    order = events.sort_values(["date", "event_id"], kind="stable")
    return order[~report_keys(order).duplicated()].sort_index()


def reported_count(events: pd.DataFrame) -> int:
    """How many reported events ``events`` holds (a group of rows counts once)."""
    return int(report_keys(events).nunique()) if len(events) else 0
