"""What is visible on a day, as GeoJSON or CSV, with sources resolved."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import shapely

from . import registry
from .cells import FORMULA_PREFIXES, plain, safe_cell  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from .atlas import Atlas
    from .query import State

EVENT_CSV_COLUMNS = (
    "event_id", "date", "date_end", "date_precision", "event_type", "location", "place_id", "lat", "lon",
    "geo_precision", "claim_status", "actor1", "actor2", "summary", "fatalities", "fatalities_note", "tags",
    "group_id", "sub_event_type", "source_event_type", "assoc_actors", "country", "admin1", "admin2", "admin3",
    "civilian_targeting", "source_scale", "fatalities_low", "fatalities_high",
    "controller", "controller_label", "zone_id", "peacekeeping_zone", "lachin_corridor", "nearest_post_id",
    "nearest_post_km", "source_ids", "source_outlets", "source_titles", "source_urls",
)
_INTERNAL = {"_line", "_index", "_zone_pos", "geometry"}
def feature_properties(atlas: Atlas, layer: str, row) -> dict:
    props = {k: plain(v) for k, v in row.items() if k not in _INTERNAL}
    props["layer"] = layer
    props["sources"] = atlas.resolve_sources(props.get("source_ids") or [])
    return props


def state_geojson(atlas: Atlas, state: State, layers: tuple[str, ...] | None = None, user=None) -> dict:
    """A FeatureCollection of everything visible in ``state``, each feature with its resolved sources.

    ``user``: optional ``(view_atlas, events)`` of uploaded events, exported as layer ``user_events``.
    """
    layers = (*registry.geojson_keys(), "events") if layers is None else layers
    features = []
    frames = {**state.layers, "events": state.events}
    if user is not None:
        frames["user_events"] = user[1]
        layers = (*layers, "user_events")
    for layer in layers:
        frame = frames[layer]
        if layer == "user_events":
            atlas = user[0]
        geoms = shapely.to_geojson(frame.geometry.values) if len(frame) else []
        for (_, row), geom in zip(frame.iterrows(), geoms, strict=True):
            features.append({"type": "Feature", "properties": feature_properties(atlas, layer, row),
                             "geometry": json.loads(geom)})
    return {
        "type": "FeatureCollection",
        "properties": {"date": state.day, "events_from": state.window[0], "events_to": state.window[1],
                       "layers": list(layers)},
        "features": features,
    }


def events_csv(atlas: Atlas, events, user=None, datasets: tuple[str, str] = ("atlas", "uploaded")) -> str:
    """Events with their joined columns and resolved sources as CSV text.

    ``user``: optional ``(view_atlas, events)`` of uploaded events, appended after the atlas's. ``datasets``:
    what the ``dataset`` column says for each part (where the events came from).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow((*EVENT_CSV_COLUMNS, "dataset"))
    parts = [(atlas, events, datasets[0])] + ([(user[0], user[1], datasets[1])] if user is not None else [])
    for resolver, frame, dataset in parts:
        for _, row in frame.iterrows():
            sources = resolver.resolve_sources(row["source_ids"])
            record = dict(row)
            record["source_outlets"] = [s["outlet"] for s in sources]
            record["source_titles"] = [s["title"] for s in sources]
            record["source_urls"] = [s["url"] for s in sources]
            writer.writerow([safe_cell(record.get(c)) for c in EVENT_CSV_COLUMNS] + [safe_cell(dataset)])
    return out.getvalue()
