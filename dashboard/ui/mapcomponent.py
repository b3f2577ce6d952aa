"""The map component: streamlit-folium's frontend, fed a base map rendered once per atlas and basemap.

``st_folium`` renders the whole base map to JavaScript on every call and hashes it (a regex pass over
60 KB of script) to name the component; with the date layers that was 25-45 ms of a slider step on the
server, and the step's map message leaves only when it is done. The base map is date-free by design
(``core.mapview.base_map``), so its strings are rendered once and kept with the atlas; only the date
layers are rendered per step. The arguments sent are exactly ``st_folium``'s (streamlit-folium is pinned
in requirements.txt: a new version may change them, and tests/test_app.py reads them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import folium
import streamlit as st
import streamlit_folium as sf

from ..core import mapview
from ..core.atlas import Atlas


def _links(fmap: folium.Map) -> tuple[list[str], list[str]]:
    """The CSS and JS files the map's elements declare (what ``st_folium`` collects by walking it)."""
    css, js = [], []

    def walk(element) -> None:  # depth first, parents before children: the order scripts must load in
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    return list(dict.fromkeys(css)), list(dict.fromkeys(js))


def base_args(atlas: Atlas, basemap: str, key: str) -> dict:
    """The component arguments of the base map (rendered on first use, then cached with the atlas)."""
    # The asset URLs are part of the key: the app may switch between vendored files and CDNs.
    cache_key = ("map_component_base", basemap, key, tuple(map(tuple, folium.Map.default_js)),
                 tuple(map(tuple, folium.Map.default_css)))
    cache = atlas._cache
    if cache_key not in cache:
        fmap = mapview.base_map(atlas, basemap)
        fmap.get_root().render()
        fmap.render()
        html, header = sf._get_html(fmap), sf._get_header(fmap)  # before _get_map_string, which renames
        script = sf._get_map_string(fmap)
        css_links, js_links = _links(fmap)
        (south, west), (north, east) = fmap.get_bounds()
        cache[cache_key] = {
            "script": script, "header": header, "html": html, "id": sf.get_full_id(fmap),
            "key": sf.generate_js_hash(script, key, False), "css_links": css_links, "js_links": js_links,
            "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
            "zoom": fmap.options.get("zoom"),
        }
    return cache[cache_key]


_TOKEN = re.compile(r"ATLASFEATURES[0-9]+X")


def groups_js(groups: list[folium.FeatureGroup]) -> str:
    """The date layers as the script streamlit-folium's frontend swaps in (``feature_group``).

    streamlit-folium post-processes the rendered script with regexes and ``dedent``; run over the
    features' JSON (most of the text) that took ~7 ms a step. The JSON is set aside behind tokens those
    passes leave alone (no ``_``, no lower case, inside one line) and put back after.
    """
    features: dict[str, str] = {}
    layers = [child for group in groups for child in group._children.values()
              if isinstance(child, mapview.AtlasLayer)]
    for layer in layers:
        token = f"ATLASFEATURES{len(features)}X"
        features[token], layer.features_js = layer.features_js, token
    scratch = folium.Map(tiles=None)  # their parent while they render; never drawn
    try:
        text = "".join(sf._get_feature_group_string(group, scratch, idx) for idx, group in enumerate(groups))
    finally:  # the layers are the caller's: give them their features back
        for layer, js in zip(layers, features.values(), strict=True):
            layer.features_js = js
    return _TOKEN.sub(lambda match: features[match.group()], text)


def atlas_map(atlas: Atlas, basemap: str, groups: list[folium.FeatureGroup], *, key: str, height: int,
              returned_objects: Iterable[str], center=None, zoom=None) -> dict | None:
    """Draw the map (``st_folium`` with ``use_container_width=True``); return what the browser reported."""
    base = base_args(atlas, basemap, key)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None, "bounds": base["bounds"], "zoom": base["zoom"],
                "last_circle_radius": None, "last_circle_polygon": None, "selected_layers": None,
                "selected_tags": None, "last_geocoder_result": None}
    returned = list(returned_objects)
    return sf._component_func(
        script=base["script"], header=base["header"], html=base["html"], id=base["id"], key=base["key"],
        height=height, width=None, returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned}, zoom=zoom, center=center,
        feature_group=groups_js(groups), return_on_hover=False, layer_control=None, pixelated=False,
        css_links=base["css_links"], js_links=base["js_links"], on_change=lambda: _copy_value(key, base["key"]),
        wrap_longitude=False)


def _copy_value(key: str, component_key: str) -> None:
    st.session_state[key] = st.session_state.get(component_key, {})
