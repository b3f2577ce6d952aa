"""The charts' series: area held by each side over time, and reported events per week."""

from __future__ import annotations

import pandas as pd

from .atlas import Atlas
from .geodesy import area_km2
from .memo import AtlasMemo
from .palette import EVENT_FAMILIES
from .reported import reported_events
from .timemodel import change_days as _change_days
from .timemodel import visible_mask
from .view import filter_events
from .vocab import CONTROLLER_LABELS

_memo = AtlasMemo()


def area_series(atlas: Atlas) -> pd.DataFrame:
    """Area held by each side (km², equal-area projection) from each zone change day on.

    Columns ``date``, ``controller``, ``label``, ``km2``; one row per change day and controller, plus a
    closing row on the atlas's last day, so the series can be drawn as steps. Cached.
    """
    return _memo.get(atlas, "area_series", lambda: _area_series(atlas))


def _area_series(atlas: Atlas) -> pd.DataFrame:
    zones = atlas.layers["control_zones"]
    rows = []
    if not zones.empty:
        km2 = area_km2(zones.geometry)
        controllers = zones["controller"].to_numpy()
        days = _change_days([zones])
        last = max(atlas.day_range[1], days[-1])
        for day in [*days, last]:
            mask = visible_mask(zones, day)
            for controller in sorted(CONTROLLER_LABELS):
                total = float(km2[mask & (controllers == controller)].sum())
                rows.append({"date": day, "controller": controller, "label": CONTROLLER_LABELS[controller],
                             "km2": round(total, 1)})
    return pd.DataFrame(rows, columns=["date", "controller", "label", "km2"])


def area_on(atlas: Atlas, day: str) -> dict[str, float]:
    """km² held by each controller on ``day``."""
    series = area_series(atlas)
    past = series[series["date"] <= day]
    if past.empty:
        return {}
    latest = past[past["date"] == past["date"].max()]
    return dict(zip(latest["controller"], latest["km2"], strict=True))


FAMILY_OF = {t: family for family, (_, _, types) in EVENT_FAMILIES.items() for t in types}


def events_per_week(events: pd.DataFrame) -> pd.DataFrame:
    """Reported events per ISO week (Monday) and event family: columns ``week``, ``family``, ``label``, ``count``.

    Rows of one reported event (same ``group_id``) count once, in the week and family of the group's first row.
    """
    columns = ["week", "family", "label", "count"]
    if events.empty:
        return pd.DataFrame(columns=columns)
    events = reported_events(events)
    days = pd.to_datetime(events["date"])
    weeks = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.strftime("%Y-%m-%d")
    family = events["event_type"].map(FAMILY_OF).fillna("other")
    counts = pd.DataFrame({"week": weeks.to_numpy(), "family": family.to_numpy()}).value_counts().reset_index()
    counts["label"] = counts["family"].map({k: v[0] for k, v in EVENT_FAMILIES.items()})
    return counts.sort_values(["week", "family"]).reset_index(drop=True)[columns]


def week_of(day: str) -> str:
    """The Monday of ``day``'s week."""
    stamp = pd.Timestamp(day)
    return (stamp - pd.Timedelta(days=stamp.weekday())).strftime("%Y-%m-%d")


def events_series(atlas: Atlas, options) -> pd.DataFrame:
    """``events_per_week`` of the atlas's events under a view's filters (``view.MapOptions``), once per atlas."""
    key = ("events_series", options.event_types, options.actors, options.claims, options.sourcing,
           options.sub_event_types, options.countries, options.admin_areas)
    return _memo.get(atlas, key, lambda: events_per_week(filter_events(atlas.joined_events, options)))
