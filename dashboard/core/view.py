"""What the user chose to see, and the domain filters every view (map, PNG, exports) applies the same way."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .memo import AtlasMemo
from .registry import VIEW_LAYERS
from .reported import reported_count
from .vocab import FIELD_FILTERS

LAYER_TITLES = {key: title for key, title in VIEW_LAYERS}
"""The toggleable layers (permalink key -> title), bottom first."""
LAYER_KEYS = tuple(LAYER_TITLES)
_memo = AtlasMemo()
DEFAULT_LAYERS = LAYER_KEYS

NAME_MODES = {"both": "Both (Shusha / Shushi)", "az": "Azerbaijani", "hy": "Armenian"}
DEFAULT_NAMES = "both"

BASEMAPS = {
    "none": "No tiles (offline vector basemap)",
    "osm": "OpenStreetMap",
    "carto": "CARTO Positron",
    "esri": "Esri World Imagery",
    "topo": "OpenTopoMap",
}
"""Basemap key -> label. Tiles are optional pictures fetched by the browser (providers: dashboard.map)."""
DEFAULT_BASEMAP = "none"

LABELLED_KINDS = ("city", "town")
"""Kinds of places whose names are drawn on the map."""
PEACEKEEPING_WINDING_DOWN = ("drawdown", "withdrawal")
"""Stages drawn with a thinner, dotted outline: the zone as last defined, while the posts closed."""


@dataclass(frozen=True)
class MapOptions:
    """What the user chose to see; ``None`` filters mean "all"."""

    layers: tuple[str, ...] = DEFAULT_LAYERS
    names: str = DEFAULT_NAMES
    event_types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None
    sourcing: str | None = None  # a key of SOURCINGS
    sub_event_types: tuple[str, ...] | None = None  # vocab.FIELD_FILTERS: the source data's own fields
    countries: tuple[str, ...] | None = None
    admin_areas: tuple[str, ...] | None = None

    def field_choices(self) -> dict[str, tuple[str, ...]]:
        """The source-data filters in use (``FIELD_FILTERS`` key -> chosen values)."""
        return {k: getattr(self, k) for k in FIELD_FILTERS if getattr(self, k)}


SOURCINGS = {
    "independent": "Hide claims resting only on a party's own sources",
    "party": "Only claims resting only on a party's own sources",
}
"""The source filter: events whose every source is a party's official statement or a party's media (the
parties: Azerbaijan, Armenia, the Nagorno-Karabakh authorities; ``vocab.PARTY_SOURCE_KINDS``), hidden or alone.
None: every event."""


def filter_events(events: pd.DataFrame, options: MapOptions) -> pd.DataFrame:
    """Events matching the type, actor, claim-status, source and source-data filters (None = no filter).

    The source filter reads ``party_only`` (``query.join_events``); events without it rest on no party source.
    The source-data filters (``FIELD_FILTERS``) keep only events carrying one of the chosen values.
    """
    mask = np.ones(len(events), dtype=bool)
    if options.event_types is not None:
        mask &= events["event_type"].isin(options.event_types).to_numpy()
    if options.claims is not None:
        mask &= events["claim_status"].isin(options.claims).to_numpy()
    if options.actors is not None:
        mask &= (events["actor1"].isin(options.actors) | events["actor2"].isin(options.actors)).to_numpy()
    if options.sourcing in SOURCINGS:
        party = events["party_only"].to_numpy(bool) if "party_only" in events else np.zeros(len(events), bool)
        mask &= ~party if options.sourcing == "independent" else party
    for name, values in options.field_choices().items():
        mask &= _matches(events, FIELD_FILTERS[name], values)
    return events[mask]


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _matches(events: pd.DataFrame, columns: tuple[str, ...], values: tuple[str, ...]) -> np.ndarray:
    """Rows whose value in any of ``columns`` is one of ``values`` (a missing column matches nothing)."""
    wanted = set(values)
    hit = np.zeros(len(events), dtype=bool)
    for column in columns:
        if column in events:
            hit |= events[column].map(lambda v: _filled(v) and v.strip() in wanted).to_numpy(bool)
    return hit


@dataclass(frozen=True)
class FieldValues:
    """What loaded events carry for one source-data filter: its values (sorted) and how many events have none."""

    values: tuple[str, ...]
    missing: int
    total: int


def _field_values(events: pd.DataFrame, name: str) -> FieldValues:
    found: set[str] = set()
    has = np.zeros(len(events), dtype=bool)
    for column in FIELD_FILTERS[name]:
        if column in events:
            filled = events[column].map(_filled).to_numpy(bool)
            has |= filled
            found.update(v.strip() for v in events[column].to_numpy()[filled])
    return FieldValues(tuple(sorted(found, key=str.casefold)), int((~has).sum()), len(events))


def field_values(owners, name: str) -> FieldValues:
    """The source-data filter ``name`` (a ``FIELD_FILTERS`` key) over the events of ``owners`` (the atlas, an
    upload: anything with ``events``), each owner's part computed once."""
    parts = [_memo.get(o, ("field_values", name), lambda o=o: _field_values(o.events, name)) for o in owners]
    values = {v for part in parts for v in part.values}
    return FieldValues(tuple(sorted(values, key=str.casefold)), sum(p.missing for p in parts),
                       sum(p.total for p in parts))


def peacekeeping_zones(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The zones in ``zones`` that lie in the peacekeepers' zone of responsibility."""
    if zones.empty or "peacekeeping_zone" not in zones:
        return zones.iloc[:0]
    return zones[zones["peacekeeping_zone"].fillna(False).astype(bool)]


def winding_down(pk: gpd.GeoDataFrame) -> bool:
    """Whether the peacekeeping zones ``pk`` (one date's) are in a drawdown or withdrawal stage."""
    stages = set(pk["peacekeeping_stage"].dropna()) if "peacekeeping_stage" in pk else set()
    return bool(stages) and stages <= set(PEACEKEEPING_WINDING_DOWN)


def stack_posts(posts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Posts at the same place, of the same kind, zone and period, as one row with their number (``stack``).

    The reported counts put up to 23 posts on one point; drawing each as its own marker showed a pile that
    looks like one post.
    """
    if posts.empty:
        return posts.assign(stack=pd.Series(dtype=int))
    key = [posts.geometry.x.round(5), posts.geometry.y.round(5), posts["kind"], posts["zone"].astype(str),
           posts["valid_from"], posts["valid_to"].astype(str)]
    grouped = posts.groupby(key, sort=False, dropna=False)
    first = posts.loc[grouped.head(1).index].copy()
    first["stack"] = grouped.size().to_numpy()
    first["count"] = first["stack"]  # shown in the popup and the side panel
    return first


def chosen(values, universe) -> tuple[str, ...] | None:
    """A filter's choice as ``MapOptions`` holds it: None ("all") when nothing or everything is chosen.

    Choosing every actor is no filter: it must not write one link parameter per actor.
    """
    values = tuple(values or ())
    if not values or set(universe) <= set(values):
        return None
    return values


def window_text(window: tuple[str, str]) -> str:
    """The event window for a caption: ``2020-10-12 to 2020-11-10``, or ``up to 2020-11-10`` when unbounded."""
    first, last = window
    return f"up to {last}" if first <= "0001-01-01" else f"{first} to {last}"


def date_text(day: str) -> str:
    """The label of the date tag, e.g. ``10 Nov 2020``."""
    return pd.Timestamp(day).strftime("%-d %b %Y")


def visible_counts(state, options: MapOptions, user=None) -> dict[str, int]:
    """How many features of each layer the map shows for ``state`` (for a caption); ``uploaded``: how many of the
    uploaded events (``UserEvents``) when there is an upload and the events layer is on."""
    counts = {
        "zones": len(state.layers["control_zones"]),
        "posts": len(state.layers["peacekeeper_posts"]),
        "incidents": len(state.layers["border_incidents"]),
        "events": reported_count(filter_events(state.events, options)),  # a group of rows is one event
    }
    if user is not None and "events" in options.layers:
        counts["uploaded"] = reported_count(filter_events(user.between(*state.window), options))
    return counts
