"""What the map component needs from a folium base map, through branca's public API (no streamlit here)."""

from __future__ import annotations

import hashlib
import re

from ..core.atlas import Atlas
from ..core.memo import AtlasMemo
from .basemap import base_map

_memo = AtlasMemo()
_MAP_DIV = re.compile(r'<div class="folium-map" id="[^"]*" ?></div>')

def base_args(atlas: Atlas, basemap: str) -> dict:
    """The base map as the component draws it (rendered once per atlas and basemap).

    ``html``: the map's ``<div>``; ``style``: the page's inline CSS (folium's sizing rules); ``script``: the
    map's JavaScript; ``map``: the map's variable; ``js``/``css``: files to load first, relative to the
    component's folder (``dashboard/map/static``); ``key``: changes when any of it changes.
    """
    def build() -> dict:
        fmap = base_map(atlas, basemap)
        figure = fmap.get_root()
        figure.render()
        header = figure.header.render()
        style = "\n".join(re.findall(r"<style>(.*?)</style>", header, flags=re.DOTALL))
        html = _MAP_DIV.search(figure.html.render())
        args = {
            "html": html.group(0) if html else f'<div class="folium-map" id="{fmap.get_name()}"></div>',
            "style": style, "script": figure.script.render(), "map": fmap.get_name(),
            "js": [url for _, url in fmap.default_js], "css": [url for _, url in fmap.default_css],
            "bounds": fmap.get_bounds(),
        }
        digest = hashlib.blake2b(repr(sorted(args.items())).encode(), digest_size=12).hexdigest()
        return {**args, "key": digest}

    return _memo.get(atlas, ("base_args", basemap), build)

def default_view(atlas: Atlas) -> tuple[float, float, int]:
    """Centre and zoom the base map opens at."""
    (south, west), (north, east) = base_args(atlas, "none")["bounds"]
    return (south + north) / 2, (west + east) / 2, 8

