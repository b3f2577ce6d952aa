"""The base map: tiles (optional), land and borders, the mapped area, place labels, legend; nothing dated."""

from __future__ import annotations

import warnings

import folium
import shapely
import xyzservices.providers as xyz

from ..core.atlas import Atlas
from ..core.describe import place_name
from ..core.geojson import read_feature_collection
from ..core.memo import AtlasMemo
from ..core.palette import CONTROLLER_COLOURS, OUTLINE_COLOUR
from ..core.view import BASEMAPS, DEFAULT_BASEMAP, LABELLED_KINDS, NAME_MODES
from . import assets
from .elements import AtlasScript
from .features import features, features_json, geometry, js_json
from .markup import legend_html

PROVIDERS = {"none": None, "osm": xyz.OpenStreetMap.Mapnik, "carto": xyz.CartoDB.Positron,
             "esri": xyz.Esri.WorldImagery, "topo": xyz.OpenTopoMap}
"""Basemap key (``core.view.BASEMAPS``) -> xyzservices provider; tiles are pictures the browser may fetch."""
DEFAULT_BOUNDS = ((38.75, 45.35), (40.65, 47.85))
"""South-west and north-east corners of the default view when the atlas has no geometry."""
ATTRIBUTION = ("Karabakh Conflict Atlas: every feature cites its sources (click it). Zone boundaries are "
               "approximations. Borders: Natural Earth.")
UNDER_TILES = ("atlasLand", 150)
OVER_TILES = ("atlasBorders", 450)
"""Leaflet panes (name, z-index) for the vector land under tiles (tilePane: 200) and the borders over them and
over the date layers (overlayPane: 400), under markers (600) and popups."""
TILES_FAILED = ("Map tiles could not load (offline, or refused by the provider): the atlas's own land and "
                "borders are shown instead.")
_memo = AtlasMemo()


def _static_layer(atlas: Atlas, name: str, style: dict, boundary: bool, simplify: float,
                  decimals: int | None = None) -> list[dict]:
    """The features of ``geodata/<name>.geojson`` (optional, date-independent), simplified, styled."""
    def build() -> list[dict]:
        doc = read_feature_collection(atlas.data_dir / "geodata" / f"{name}.geojson")
        feats = []
        for f in (doc or {"features": []})["features"]:
            try:
                geom = shapely.geometry.shape(f["geometry"])
            except Exception:  # noqa: BLE001 - an unreadable feature only loses a background line
                continue
            feats.append({"type": "Feature", "id": f"{name}:{len(feats)}",
                          "properties": {"_s": {**style, "interactive": False}},
                          "geometry": geometry(geom.boundary if boundary else geom, simplify, decimals)})
        return feats

    return _memo.get(atlas, ("static_layer", name, boundary), build)


def mapped_area(atlas: Atlas) -> list[dict]:
    """The outline of the mapped area (``geodata/mapped_area.geojson``) as line features; [] if absent."""
    return _static_layer(atlas, "mapped_area", {"color": OUTLINE_COLOUR, "weight": 1.2, "dashArray": "4 4",
                                                "opacity": 0.9}, boundary=True, simplify=0.001)


def countries(atlas: Atlas) -> list[dict]:
    """Land and international borders (``geodata/countries.geojson``, Natural Earth); [] if absent."""
    return _static_layer(atlas, "countries", {"color": "#8a8a8a", "weight": 1, "opacity": 1,
                                              "fillColor": "#f6f5f0", "fillOpacity": 1}, boundary=False,
                         simplify=0.005, decimals=3)


def borders(atlas: Atlas) -> list[dict]:
    """The international borders alone (``geodata/countries.geojson``'s outlines), drawn over tiles; [] if absent."""
    return _static_layer(atlas, "countries", {"color": "#6f6f6f", "weight": 1.2, "opacity": 0.9, "fill": False},
                         boundary=True, simplify=0.005, decimals=3)


def default_bounds(atlas: Atlas) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of the mapped area, else of the control zones, else a fixed box."""
    outline = mapped_area(atlas)
    if outline:
        minx, miny, maxx, maxy = shapely.total_bounds([shapely.geometry.shape(f["geometry"]) for f in outline])
    elif not atlas.layers["control_zones"].empty:
        minx, miny, maxx, maxy = atlas.layers["control_zones"].total_bounds
    else:
        (miny, minx), (maxy, maxx) = DEFAULT_BOUNDS
    return [[round(float(miny), 4), round(float(minx), 4)], [round(float(maxy), 4), round(float(maxx), 4)]]


def place_labels_json(atlas: Atlas) -> str:
    """The labelled places as features with every name form (``_n``), built once per atlas."""
    def build() -> str:
        places = atlas.places[atlas.places["kind"].isin(LABELLED_KINDS)]
        records = places.drop(columns=["geometry"]).to_dict("records")
        out = []
        for feat, record in zip(features(atlas, "places", places, "both"), records, strict=True):
            out.append({**feat, "properties": {**feat["properties"], "_n": {
                mode: place_name(record, mode) for mode in NAME_MODES}}})
        return js_json(out)

    return _memo.get(atlas, "place_labels", build)


def base_map(atlas: Atlas, basemap: str = DEFAULT_BASEMAP, asset_prefix: str = "") -> folium.Map:
    """A fresh map with only date-independent content: tiles (optional), borders, the mapped area, the legend."""
    (south, west), (north, east) = bounds = default_bounds(atlas)
    fmap = folium.Map(location=[(south + north) / 2, (west + east) / 2], zoom_start=8, tiles=None,
                      prefer_canvas=True, control_scale=True, min_zoom=5, max_zoom=17)
    assets.configure(fmap, asset_prefix)
    support = {"legend": legend_html(), "attribution": ATTRIBUTION, "colours": CONTROLLER_COLOURS}
    AtlasScript("atlas.support", js_json(support)).add_to(fmap)
    provider = PROVIDERS.get(basemap)
    if provider is not None:
        with warnings.catch_warnings():  # xyzservices warns on every use that CARTO may want an API key
            warnings.simplefilter("ignore", UserWarning)
            folium.TileLayer(provider, name=BASEMAPS[basemap], max_zoom=17).add_to(fmap)
        # Tiles are pictures the browser may fail to fetch (offline, refused): the vector land lies under them,
        # the borders over them, and the map says when tiles cannot load.
        _background(fmap, atlas, countries(atlas), pane=UNDER_TILES)
        _background(fmap, atlas, borders(atlas), pane=OVER_TILES)
        AtlasScript("atlas.watchTiles", js_json({"text": TILES_FAILED})).add_to(fmap)
    else:  # the bundled vector basemap: land and borders
        _background(fmap, atlas, countries(atlas))
    _background(fmap, atlas, mapped_area(atlas))
    AtlasScript("atlas.placeLabels", place_labels_json(atlas)).add_to(fmap)
    # not folium's fit_bounds: Leaflet animates that zoom, and the time engine's layers drawn meanwhile were
    # hit-tested at the old zoom until the animation ended (a click in the first ~300 ms missed its zone)
    AtlasScript("atlas.fit", js_json(bounds)).add_to(fmap)
    return fmap


def _background(fmap: folium.Map, atlas: Atlas, feats: list[dict], pane: tuple[str, int] | None = None) -> None:
    if feats:
        where = f'"pane":{js_json(pane[0])},"zIndex":{int(pane[1])},' if pane else ""
        spec = '{"popup":false,"interactive":false,' + where + '"features":' + features_json(atlas, feats) + "}"
        AtlasScript("atlas.background", spec).add_to(fmap)


