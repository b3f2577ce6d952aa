"""The map as one self-contained HTML page: the base map, a date's layers, every asset inlined."""

from __future__ import annotations

import html

from ..core.atlas import Atlas
from ..core.export import TITLE, version, view_state
from ..core.permalink import ViewState
from ..core.query import State
from ..core.view import MapOptions
from . import assets
from .basemap import base_map
from .elements import AtlasScript
from .layers import date_view


def map_page(atlas: Atlas, state: State, options: MapOptions, title: str, version: str, user=None) -> str:
    """One HTML file: every script, stylesheet and image inlined; tiles left out.

    It has no side panel, so each popup lists every source of its feature.
    """
    fmap = base_map(atlas, basemap="none")
    AtlasScript("atlas.drawDate", date_view(atlas, state, options, user, all_sources=True).to_json()).add_to(fmap)
    page = fmap.get_root().render()
    head = (f'<head>\n<title>{html.escape(title)}</title>\n'
            f'<meta name="dataset-version" content="{html.escape(version)}">')
    return assets.inline_assets(page.replace("<head>", head, 1))


def export_html(atlas: Atlas, view: ViewState, user=None) -> str:
    """The view as one self-contained HTML file (the HTML export)."""
    shown = user if user is not None and "events" in view.options.layers else None
    return map_page(atlas, view_state(atlas, view), view.options, f"{TITLE}: {view.day}",
                    version(atlas, view, user), shown)
