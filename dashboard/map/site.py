"""The whole atlas as one offline page: the base map, every dated feature, the time engine and its controls.

``python -m dashboard export-site --out DIR`` writes ``DIR/index.html``: one file, every script, stylesheet
and image inline, no tiles, so it works from ``file://`` and from any static host. It opens at the date in
its address (``#date=YYYY-MM-DD``), else at the date it was exported for.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..core import registry
from ..core.atlas import Atlas
from ..core.export import TITLE, dataset_version
from ..core.permalink import window_spec
from ..core.timemodel import EventWindow
from ..core.view import LAYER_TITLES, NAME_MODES, MapOptions
from . import assets
from .basemap import base_map
from .elements import AtlasScript
from .features import js_json
from .history import history_json

DEFAULT_DAY = "2020-11-10"
"""The date the page opens at unless told (the app's default: the trilateral statement)."""
DEFAULT_WINDOW_DAYS = 30
WINDOWS = (("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"), ("365", "Last 365 days"),
           ("all", "All up to the date"))
"""The event windows the page offers (the app's default first: the last 30 days)."""
DEFAULT_OPTIONS = MapOptions()
_TOGGLE_LAYER = {"peacekeeping": "peacekeeping", "places": "places"}


def _toggles(options: MapOptions) -> list[list[str]]:
    """``[toggle key, title, engine layer name]`` for each toggle the page shows."""
    out = []
    for key in options.layers:
        layer = _TOGGLE_LAYER.get(key) or next(
            (spec.key for spec in registry.LAYERS.values() if spec.view_key == key), None)
        if layer:
            out.append([key, LAYER_TITLES[key], layer])
    return out


def site_html(atlas: Atlas, day: str, options: MapOptions = DEFAULT_OPTIONS, window: EventWindow | None = None,
              user=None) -> str:
    """The page's HTML: every feature of every date for ``options`` (all layers, no filter by default)."""
    window = window or EventWindow(last_days=DEFAULT_WINDOW_DAYS)
    spec = window_spec(window)  # last-N, since-YYYY-MM-DD or all
    chosen = spec.removeprefix("last-")
    offered = [list(w) for w in WINDOWS]
    if chosen not in dict(WINDOWS):
        label = f"Since {window.since}" if window.since else f"Last {chosen} days"
        offered.insert(0, [chosen, label])
    fmap = base_map(atlas, basemap="none")
    head = js_json({"day": day, "window": chosen, "windows": offered, "toggles": _toggles(options),
                    "names": [[k, v] for k, v in NAME_MODES.items()]})
    history = history_json(atlas, options, user, all_sources=True)  # no side panel here: every source in popups
    AtlasScript("atlas.site", head[:-1] + ',"history":' + history + "}").add_to(fmap)
    assets.configure(fmap)
    fmap.default_js = fmap.default_js + [("atlas_site", "atlas/site.js")]
    fmap.default_css = fmap.default_css + [("atlas_site_css", "atlas/site.css")]
    page = fmap.get_root().render()
    title = f"{TITLE}: the whole atlas"
    meta = (f'<head>\n<title>{html.escape(title)}</title>\n<meta name="viewport" '
            f'content="width=device-width, initial-scale=1">\n'
            f'<meta name="dataset-version" content="{html.escape(dataset_version(atlas.data_dir))}">')
    return assets.inline_assets(page.replace("<head>", meta, 1))


def export_site(atlas: Atlas, out: Path, day: str, options: MapOptions = DEFAULT_OPTIONS,
                window: EventWindow | None = None, user=None) -> Path:
    """Write ``out/index.html`` (``out`` is created if needed); return its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(site_html(atlas, day, options, window, user), encoding="utf-8")
    return path
