"""The layers of one date, as data for ``atlas.drawDate`` (static/atlas/atlas.js): nothing here is code.

The toggles come from the registry's view layers; each data layer is drawn with its registry style. Events
above ``MAX_EVENT_MARKERS`` in the window are drawn as counted cells.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from ..core import registry
from ..core.atlas import Atlas
from ..core.describe import IMPRECISE, area_description
from ..core.memo import AtlasMemo
from ..core.palette import EVENT_FAMILIES, HALO_METRES, area_style, halo_style, peacekeeping_style
from ..core.query import State
from ..core.view import MapOptions, date_text, filter_events, peacekeeping_zones, stack_posts, winding_down
from ..core.words import plural
from .features import SIMPLIFY_DEGREES, features, features_json, geometry, js_json

MAX_EVENT_MARKERS = 1_500
"""Above this many events in the window, events are drawn as counts per cell (payload and drawing stay small)."""
CELL_DEGREES = 0.1  # about 9 x 11 km here
_FAMILIES = list(EVENT_FAMILIES.values())
_FAMILY_INDEX = {t: k for k, (_, _, types) in enumerate(_FAMILIES) for t in types}
_memo = AtlasMemo()


@dataclass
class LayerData:
    """One Leaflet layer: its features (JSON text) and how points are drawn."""

    name: str  # the registry layer it draws ("peacekeeping" and "halos" are drawn from another's features)
    features_json: str
    kind: str = "circlemarker"
    popup: bool = True
    interactive: bool = True

    def to_json(self) -> str:
        head = json.dumps({"name": self.name, "kind": self.kind, "popup": self.popup,
                           "interactive": self.interactive}, separators=(",", ":"))
        return head[:-1] + ',"features":' + self.features_json + "}"


@dataclass
class DateView:
    """Everything drawn for one date, bottom first; the date tag goes on last."""

    day: str
    names: str
    show_names: bool
    layers: list[LayerData] = field(default_factory=list)
    text: str | None = None  # the date tag's text (default: the day, e.g. "10 Nov 2020")

    def to_json(self) -> str:
        head = js_json({"day": self.day, "text": self.text or date_text(self.day),
                        "names": {"mode": self.names, "show": self.show_names}})
        return head[:-1] + ',"layers":[' + ",".join(layer.to_json() for layer in self.layers) + "]}"


def _layer(owner, atlas_or_upload, key: str, frame, names: str, all_sources: bool = False, **kwargs) -> LayerData:
    spec = registry.get(key)
    feats = features(atlas_or_upload, key, frame, names, all_sources)
    return LayerData(key, features_json(owner, feats), kind=spec.marker, **kwargs)


def peacekeeping_outline(atlas: Atlas, zones, all_sources: bool = False) -> dict | None:
    """One outline feature of the union of the peacekeeping zones in ``zones`` (None if there are none)."""
    pk = peacekeeping_zones(zones)
    if pk.empty:
        return None
    ids = tuple(sorted(pk["id"]))

    def build() -> dict:
        union = shapely.union_all(pk.geometry.values)
        desc = registry.describe(atlas, "peacekeeping", registry.find_feature(atlas, "peacekeeping", "+".join(ids)))
        return {"type": "Feature", "id": desc.ref,
                "properties": {"_s": peacekeeping_style(winding_down(pk)),
                               "_p": registry.popup_data(desc, None if all_sources else registry.MAX_POPUP_SOURCES)},
                "geometry": geometry(union.boundary, SIMPLIFY_DEGREES)}

    return _memo.get(atlas, ("peacekeeping_outline", ids, all_sources), build)


DEFAULT_OPTIONS = MapOptions()


def date_view(atlas: Atlas, state: State, options: MapOptions = DEFAULT_OPTIONS, user=None,
              all_sources: bool = False) -> DateView:
    """The layers drawn for ``state.day`` (``user``: an upload, ``core.user_events.UserEvents``).

    ``all_sources``: popups list every source (for a page without the app's side panel).
    """
    names, on = options.names, set(options.layers)
    view = DateView(state.day, names, "places" in on)
    for spec in registry.geojson_layers():
        if spec.view_key not in on:
            if spec.key == "control_zones" and "peacekeeping" in on:
                _add_peacekeeping(atlas, view, state, all_sources)
            continue
        frame = state.layers[spec.key]
        if spec.key == "lachin_corridor" and not frame.empty:  # zones under routes: the road stays clickable
            frame = frame.iloc[np.argsort((frame["kind"] == "route").to_numpy(), kind="stable")]
        if spec.key == "peacekeeper_posts":
            frame = _memo.get(atlas, ("stacked_posts", id(frame)), lambda f=frame: (f, stack_posts(f)))[1]
        view.layers.append(_layer(atlas, atlas, spec.key, frame, names, all_sources))
        if spec.key == "control_zones" and "peacekeeping" in on:
            _add_peacekeeping(atlas, view, state, all_sources)
    if "events" in on:
        view.layers += event_layers(atlas, atlas, "events", filter_events(state.events, options), names,
                                    all_sources)
        if user is not None:
            first, last = state.window
            events = filter_events(user.between(first, last), options)
            view.layers += event_layers(user, user, "user_events", events, names, all_sources)
    return view


def _add_peacekeeping(atlas: Atlas, view: DateView, state: State, all_sources: bool = False) -> None:
    outline = peacekeeping_outline(atlas, state.layers["control_zones"], all_sources)
    if outline:
        view.layers.append(LayerData("peacekeeping", features_json(atlas, [outline])))


def event_layers(owner, source, layer: str, events: pd.DataFrame, names: str,
                 all_sources: bool = False) -> list[LayerData]:
    """Events as markers (with uncertainty rings), or as counted cells above ``MAX_EVENT_MARKERS``.

    ``layer`` is ``events`` or ``user_events``; the uploaded layer keeps its black ring when aggregated too.
    The atlas's district- and region-level events are drawn as one marker per point and precision (``areas``)
    that says how many events happened somewhere in that area and lists them: never as a pile of markers
    on the town whose coordinates stand in for the area.
    """
    if len(events) > MAX_EVENT_MARKERS:
        cells = aggregate_events(events)
        if layer == "user_events":
            for cell in cells:
                cell["properties"]["_s"].update(color="#000000", weight=3)
                cell["id"] = "user_" + cell["id"]
        return [LayerData(layer, js_json(cells))]
    if layer != "events":
        return [LayerData(layer, features_json(owner, features(source, layer, events, names, all_sources)))]
    imprecise = events["geo_precision"].isin(IMPRECISE).to_numpy()
    data = features(source, layer, events[~imprecise], names, all_sources)
    areas = area_features(source, events[imprecise], names, all_sources)
    out = [LayerData("halos", features_json(owner, halos(owner, data + areas)), kind="circle", popup=False,
                     interactive=False), LayerData(layer, features_json(owner, data))]
    if areas:
        out.append(LayerData("areas", features_json(owner, areas), kind="div"))
    return out


def area_features(atlas: Atlas, events: pd.DataFrame, names: str, all_sources: bool = False) -> list[dict]:
    """One marker per point and precision for imprecise events: their number, the area, and each event."""
    if events.empty:
        return []
    feats = features(atlas, "events", events, names, all_sources)
    keys = list(zip(events["lon"].round(4), events["lat"].round(4), events["geo_precision"], strict=True))
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    records = None
    out = []
    for (lon, lat, precision), members in groups.items():
        ids = tuple(feats[i]["id"] for i in members)

        def build(members=members, lon=lon, lat=lat, precision=precision) -> dict:
            nonlocal records
            if records is None:
                records = events.drop(columns=["geometry"]).to_dict("records")
            desc = area_description(atlas, [records[i] for i in members], names)
            items = [{"id": feats[i]["id"], "properties": {"_p": feats[i]["properties"]["_p"]}} for i in members]
            return {"type": "Feature", "id": desc.ref, "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"geo_precision": precision, "_s": area_style(len(members), precision),
                                   "_p": registry.popup_data(desc), "_items": items}}

        out.append(_memo.get(atlas, ("area", ids, names, all_sources), build))
    return out


def halos(owner, feats: list[dict]) -> list[dict]:
    """One uncertainty ring per point and precision (however many events share them)."""
    out: dict[tuple, dict] = {}
    for f in feats:
        props = f["properties"]
        if not HALO_METRES.get(props.get("geo_precision"), 0):
            continue
        key = (*f["geometry"]["coordinates"], props.get("geo_precision"))
        if key not in out:
            out[key] = _memo.get(owner, ("halo", key, props.get("event_type")), lambda f=f, key=key: {
                "type": "Feature", "id": "halo:{},{},{}".format(*key), "geometry": f["geometry"],
                "properties": {"_s": halo_style(f["properties"])}})
    return list(out.values())


def aggregate_events(events: pd.DataFrame) -> list[dict]:
    """Events as one circle per ~10 km grid cell: how many, of which kinds and claim statuses, over which dates.

    Vectorised, as it runs on date steps with tens of thousands of events in the window. The circle sits at
    the mean position of its events and says it is an aggregate; each event keeps its sources (in the
    CSV/GeoJSON exports, and on the map once the window or filters bring it under ``MAX_EVENT_MARKERS``).
    """
    if events.empty:
        return []
    lat, lon = events["lat"].to_numpy(float), events["lon"].to_numpy(float)
    i, j = np.floor(lat / CELL_DEGREES).astype(np.int64), np.floor(lon / CELL_DEGREES).astype(np.int64)
    cells, inverse, counts = np.unique(i * 100_000 + j, return_inverse=True, return_counts=True)
    n_cells, n_fam = len(cells), len(_FAMILIES)
    mean_lat = np.bincount(inverse, lat, n_cells) / counts
    mean_lon = np.bincount(inverse, lon, n_cells) / counts
    family = events["event_type"].map(_FAMILY_INDEX).fillna(n_fam - 1).to_numpy(int)
    by_family = np.bincount(inverse * n_fam + family, minlength=n_cells * n_fam).reshape(n_cells, n_fam)
    claims = pd.crosstab(inverse, events["claim_status"].to_numpy())
    dates = pd.Series(events["date"].to_numpy(dtype=object)).groupby(inverse).agg(["min", "max"])
    out = []
    for c in range(n_cells):
        fam = by_family[c]
        top = int(fam.argmax())
        kinds = "; ".join(f"{_FAMILIES[k][0]}: {fam[k]}" for k in np.argsort(-fam, kind="stable") if fam[k])
        claim = "; ".join(f"{name}: {int(k)}" for name, k in claims.iloc[c].items() if k)
        out.append({"type": "Feature", "id": f"cells:{cells[c]}", "geometry": {
            "type": "Point", "coordinates": [round(float(mean_lon[c]), 4), round(float(mean_lat[c]), 4)]},
            "properties": {
                "_s": {"radius": float(min(22, 5 + 2.2 * np.sqrt(counts[c]))), "color": "#ffffff", "weight": 1.5,
                       "opacity": 1, "fill": True, "fillColor": _FAMILIES[top][1], "fillOpacity": 0.75},
                "_p": {"t": f"{plural(counts[c], 'event')} around here (aggregated)",
                       "f": [["Kinds", kinds], ["Claim status", claim],
                             ["Dates", f"{dates.iloc[c]['min']} to {dates.iloc[c]['max']}"],
                             ["Sources", "each event's own: narrow the window or the filters to see them, or "
                                         "export CSV/GeoJSON"]],
                       "s": [], "m": 0}}})
    return out
