"""Map features as GeoJSON: the properties the style reads, the style (``_s``) and the popup data (``_p``).

Each feature is built once per atlas, layer and name mode (date steps draw the same features again), and
so is its JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping

from ..core import registry
from ..core.atlas import Atlas
from ..core.describe import clean
from ..core.memo import AtlasMemo

COORD_DECIMALS = 5
SIMPLIFY_DEGREES = 0.0002
"""Zones and routes are drawn simplified by this much (~20 m; their own precision is kilometres)."""

_memo = AtlasMemo()


def geometry(geom, simplify: float = 0.0, decimals: int | None = None) -> dict:
    """GeoJSON geometry for display: simplified by ``simplify`` degrees, coordinates rounded (~1-10 m)."""
    if geom.geom_type == "Point":
        decimals = decimals or COORD_DECIMALS
    else:
        decimals = decimals or COORD_DECIMALS - 1
        if simplify:
            geom = shapely.simplify(geom, simplify, preserve_topology=True)
    geom = shapely.transform(geom, lambda c: np.round(c, decimals))
    return json.loads(json.dumps(mapping(geom)))


def _feature(atlas: Atlas, layer: str, row: Mapping, geom, names: str, all_sources: bool = False) -> dict:
    spec = registry.get(layer)
    desc = registry.describe(atlas, layer, row, names)
    props = {p: clean(row.get(p)) for p in spec.style_props}
    if layer == "places":
        props["label"] = desc.title
    props["_s"] = spec.style(props)
    if layer == "control_zones" and (props.get("claim_status") or "confirmed") != "confirmed":
        props["_h"] = props.get("controller") or "?"  # hatch colour key (atlas.js: atlas.each)
    props["_p"] = registry.popup_data(desc, None if all_sources else registry.MAX_POPUP_SOURCES)
    return {"type": "Feature", "id": desc.ref, "properties": props, "geometry": geometry(geom, SIMPLIFY_DEGREES)}


def features(atlas: Atlas, layer: str, frame: gpd.GeoDataFrame, names: str, all_sources: bool = False) -> list[dict]:
    """The map features of the rows of ``frame`` (a slice of a layer, the events or the places).

    Popups list up to ``registry.MAX_POPUP_SOURCES`` sources (the app's side panel has the rest), or with
    ``all_sources`` every one (a page with no side panel: the HTML export).
    """
    if frame.empty:
        return []
    cache = _memo.table(atlas, ("features", layer, names, all_sources))
    ids = frame[registry.get(layer).id_column].astype(str).tolist()
    missing = [i for i, fid in enumerate(ids) if fid not in cache]
    if missing:  # only rows never drawn before are turned into records
        part = frame.iloc[missing]
        records = part.drop(columns=["geometry"]).to_dict("records")
        for fid, record, geom in zip((ids[i] for i in missing), records, part.geometry.values, strict=True):
            cache[fid] = _feature(atlas, layer, record, geom, names, all_sources)
    return [cache[fid] for fid in ids]


def js_json(value) -> str:
    """JSON that is safe inside an HTML ``<script>`` and in JavaScript source (like Jinja's ``tojson``)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def features_json(owner: object, feats: list[dict]) -> str:
    """The features as a JSON array, each feature's text computed once (per ``owner``: an atlas or upload)."""
    cache = _memo.table(owner, "json")
    parts = []
    for f in feats:
        hit = cache.get(id(f))
        if hit is None or hit[0] is not f:  # keyed by the (long-lived) feature dict: an event and its halo share ids
            hit = cache[id(f)] = (f, js_json(f))
        parts.append(hit[1])
    return "[" + ",".join(parts) + "]"
