"""Static pictures of the map on a day (PNG frames), drawn with matplotlib: no browser, no tiles, no network.

The styling follows the interactive map (``core.palette``): the same colours, the same hatching of claimed
zones, hollow markers for claimed events. A picture carries what a citation needs: title, date stamp,
legend, scale bar, north arrow, attribution and the sources (or a pointer to the bundle's list).
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless: never open a window, never need a display

import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from . import registry  # noqa: E402
from .atlas import Atlas  # noqa: E402
from .describe import place_name  # noqa: E402
from .geojson import read_feature_collection  # noqa: E402
from .palette import CONTROLLER_COLOURS, CORRIDOR_STYLES, EVENT_COLOURS, PEACEKEEPING_COLOUR, legend  # noqa: E402
from .query import State  # noqa: E402
from .registry import data_layers  # noqa: E402
from .source_labels import date_label  # noqa: E402
from .view import LABELLED_KINDS, MapOptions, filter_events, peacekeeping_zones, winding_down  # noqa: E402

TITLE = "Karabakh Conflict Atlas"
EXTENT = (45.35, 38.75, 47.85, 40.65)  # lon/lat box of the default view
ATTRIBUTION = ("Zones are approximations derived from dated, sourced control changes (see docs/METHODOLOGY.md). "
               "Borders: Natural Earth. No map tiles.")
MAX_SOURCE_LINES = 14


@dataclass(frozen=True)
class Picture:
    """Size of a picture in pixels (at 100 dpi)."""

    width: int = 1600
    height: int = 1000

    @property
    def inches(self) -> tuple[float, float]:
        return self.width / 100, self.height / 100


def read_frame(path: Path) -> gpd.GeoDataFrame | None:
    doc = read_feature_collection(path)
    return None if doc is None else gpd.GeoDataFrame.from_features(doc["features"], crs="EPSG:4326")


def _polygon_path(geom) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes included (even-odd fill)."""
    vertices, codes = [], []
    for poly in shapely.get_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            vertices.append(xy)
            codes.append(np.r_[MplPath.MOVETO, np.full(len(xy) - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    if not vertices:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def fill(ax, geoms, zorder: int, **style) -> None:
    """Draw polygons straight into the axes (geopandas' plot redraws the figure on every call)."""
    paths = [_polygon_path(g) for g in geoms if g is not None and not g.is_empty]
    if paths:
        ax.add_collection(PathCollection(paths, zorder=zorder, **style))


def lines(ax, geoms, zorder: int, **style) -> None:
    segments = []
    for geom in geoms:
        for part in shapely.get_parts(geom):
            if part.geom_type in ("Polygon",):
                segments.extend(np.asarray(r.coords) for r in [part.exterior, *part.interiors])
            elif part.geom_type == "LineString":
                segments.append(np.asarray(part.coords))
    if segments:
        ax.add_collection(LineCollection(segments, zorder=zorder, **style))


def dash_style(pattern: str | None):
    if not pattern:
        return "solid"
    return (0, tuple(float(x) for x in pattern.split()))


def state_sources(atlas: Atlas, state: State, options: MapOptions) -> list[dict]:
    """Every source behind what the picture shows, in order of first use."""
    ids: list[str] = []
    frames = visible_frames(atlas, state, options)
    for frame in frames.values():
        for value in frame.get("source_ids", []):
            ids.extend(value)
    return atlas.resolve_sources(ids)


def visible_frames(atlas: Atlas, state: State, options: MapOptions) -> dict[str, gpd.GeoDataFrame]:
    """The frames the picture draws, after the layer choice and the event filters."""
    frames = {**state.layers, "events": filter_events(state.events, options)}
    return {key: frames[key] for key in data_layers(options.layers) if key in frames}


def frame_map(ax) -> None:
    """The map's extent, true proportions at its mid latitude, a frame, a scale bar and a north arrow."""
    x0, y0, x1, y1 = EXTENT
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    mid = (y0 + y1) / 2
    ax.set_aspect(1 / math.cos(math.radians(mid)))
    ax.set_axis_off()
    ax.add_patch(Rectangle((0, 0), 1, 1, facecolor="none", edgecolor="#888", linewidth=0.8,
                           transform=ax.transAxes, zorder=50))
    scale_bar(ax, mid)
    north_arrow(ax)


def scale_bar(ax, lat: float) -> None:
    km_per_degree = 111.32 * math.cos(math.radians(lat))
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length_km = 25
    length = length_km / km_per_degree
    x, y = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    ax.plot([x, x + length], [y, y], color="#111", linewidth=3, solid_capstyle="butt", zorder=30)
    ax.plot([x, x + length / 2], [y, y], color="#fff", linewidth=1.2, solid_capstyle="butt", zorder=31)
    ax.text(x + length / 2, y + 0.012 * (y1 - y0), f"{length_km} km", ha="center", va="bottom", fontsize=9,
            zorder=31)


def north_arrow(ax) -> None:
    ax.annotate("N", xy=(0.965, 0.95), xytext=(0.965, 0.86), xycoords="axes fraction", ha="center",
                va="center", fontsize=12, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "#111", "lw": 1.5}, zorder=30)


_MARKERS = {"▲": "^", "◆": "D"}


def legend_handles(options: MapOptions) -> list:
    """The legend rows of the chosen layers (``palette.legend``: the same rows as the map's legend)."""
    handles = []
    for section, rows in legend(options.layers).items():
        for row in rows:
            label = f"Lachin corridor: {row.label}" if section == "corridor" else row.label
            if row.mark in ("fill", "outline"):
                handles.append(Patch(facecolor="none" if row.mark == "outline" or row.hatched else row.colour,
                                     alpha=None if row.mark == "outline" else 0.55, edgecolor=row.edge,
                                     linestyle=dash_style(row.dash), hatch="///" if row.hatched else None,
                                     linewidth=2 if row.mark == "outline" else 1, label=label))
            elif row.mark == "line":
                handles.append(Line2D([], [], color=row.colour, linewidth=3, linestyle=dash_style(row.dash),
                                      label=label))
            elif row.mark == "glyph":
                handles.append(Line2D([], [], marker=_MARKERS.get(row.glyph, "^"), linestyle="none",
                                      color=row.colour, label=label))
            elif row.mark in ("dot", "halo"):
                handles.append(Line2D([], [], marker="o", linestyle="none", label=label,
                                      markerfacecolor="white" if row.hollow or row.mark == "halo" else row.colour,
                                      markeredgecolor=row.edge))
    return handles


def _draw_zones(ax, frame, zorder: int) -> None:
    confirmed = (frame["claim_status"].fillna("confirmed") == "confirmed").to_numpy()
    colours = [CONTROLLER_COLOURS.get(c, "#999") for c in frame["controller"]]
    fill(ax, frame.geometry[confirmed], zorder, facecolor=[c for c, ok in zip(colours, confirmed, strict=True) if ok],
          edgecolor="white", linewidth=0.4, alpha=0.55)
    fill(ax, frame.geometry[~confirmed], zorder,
          facecolor=[c for c, ok in zip(colours, confirmed, strict=True) if not ok], alpha=0.3, linewidth=0)
    fill(ax, frame.geometry[~confirmed], zorder + 1, facecolor="none", edgecolor="#333", hatch="///", linewidth=0)


def _draw_corridor(ax, frame, zorder: int) -> None:
    for _, c in frame.iterrows():
        colour, dash = CORRIDOR_STYLES.get(c["status"], ("#000", None))
        if c["kind"] == "zone":
            fill(ax, [c.geometry], zorder, facecolor=colour, alpha=0.15, edgecolor=colour, linewidth=1)
        else:
            lines(ax, [c.geometry], zorder + 1, colors=colour, linewidths=3, linestyles=dash_style(dash))


def _draw_posts(ax, frame, zorder: int) -> None:
    ax.scatter(frame.geometry.x, frame.geometry.y, marker="^", s=50, color="#222", edgecolor="white",
               linewidth=0.6, zorder=zorder)
    for (x, y), n in frame.groupby([frame.geometry.x, frame.geometry.y]).size().items():
        if n > 1:
            ax.text(x + 0.015, y - 0.02, f"{n} posts", fontsize=7, color="#222", zorder=zorder)


def _draw_incidents(ax, frame, zorder: int) -> None:
    ax.scatter(frame.geometry.x, frame.geometry.y, marker="D", s=40, facecolor="none", edgecolor="#222222",
               linewidth=1.5, zorder=zorder)


def _draw_events(ax, frame, zorder: int) -> None:
    colours = [EVENT_COLOURS.get(t, "#7F7F7F") for t in frame["event_type"]]
    confirmed = (frame["claim_status"] == "confirmed").to_numpy()
    face = [c if ok else "white" for c, ok in zip(colours, confirmed, strict=True)]
    edge = ["#222" if ok else c for c, ok in zip(colours, confirmed, strict=True)]
    ax.scatter(frame["lon"], frame["lat"], s=28, c=face, edgecolors=edge, linewidths=1.2, zorder=zorder)


def _draw_any(ax, frame, zorder: int, style) -> None:
    """A layer with no drawer of its own: its registry style's colours, by geometry type."""
    for (_, row), geom in zip(frame.iterrows(), frame.geometry, strict=True):
        look = style(row.to_dict()) if style else {}
        colour = look.get("fillColor") or look.get("color") or "#555555"
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            fill(ax, [geom], zorder, facecolor=colour, alpha=0.35, edgecolor=look.get("color", colour), linewidth=1)
        elif geom.geom_type in ("LineString", "MultiLineString"):
            lines(ax, [geom], zorder, colors=look.get("color", colour), linewidths=2)
        else:
            ax.scatter([geom.x], [geom.y], s=30, color=colour, edgecolor="#222", zorder=zorder)


DRAWERS = {"control_zones": _draw_zones, "lachin_corridor": _draw_corridor, "peacekeeper_posts": _draw_posts,
           "border_incidents": _draw_incidents, "events": _draw_events}
"""How the PNG draws each layer (any other registered layer: ``_draw_any`` from its registry style)."""


def draw_background(ax, atlas: Atlas) -> None:
    geodata = atlas.data_dir / "geodata"
    countries = read_frame(geodata / "countries.geojson")
    if countries is not None:
        fill(ax, countries.geometry, 1, facecolor="#f4f4f1", edgecolor="#8a8a8a", linewidth=0.8)
    outline = read_frame(geodata / "mapped_area.geojson")
    if outline is not None:
        lines(ax, outline.geometry, 2, colors="#555", linewidths=0.8, linestyles=(0, (4, 3)))


def _draw_places(ax, atlas: Atlas, names: str, zorder: int) -> None:
    places = atlas.places[atlas.places["kind"].isin(LABELLED_KINDS)]
    x0, y0, x1, y1 = EXTENT
    inside = places[places["lon"].between(x0, x1) & places["lat"].between(y0, y1)]
    ax.scatter(inside["lon"], inside["lat"], s=5, color="#333", zorder=zorder)
    for _, p in inside.iterrows():
        ax.text(p["lon"] + 0.012, p["lat"] + 0.006, place_name(p.to_dict(), names), fontsize=7,
                color="#222", zorder=zorder, clip_on=True)


def _draw_map(ax, atlas: Atlas, state: State, options: MapOptions) -> None:
    """The layers in registry order over the background; the peacekeeping outline over the zones."""
    layers = set(options.layers)
    draw_background(ax, atlas)
    frames = {**state.layers, "events": filter_events(state.events, options)}
    zorder = 3
    for spec in registry.LAYERS.values():
        frame = frames.get(spec.key)
        if frame is not None and spec.view_key in layers and len(frame):
            DRAWERS.get(spec.key, lambda a, f, z, s=spec.style: _draw_any(a, f, z, s))(ax, frame, zorder)
        if spec.key == "control_zones" and "peacekeeping" in layers:
            pk = peacekeeping_zones(frames["control_zones"])
            if len(pk):
                thin = winding_down(pk)
                lines(ax, [pk.union_all().boundary], zorder + 2, colors=PEACEKEEPING_COLOUR,
                       linewidths=1.2 if thin else 2, linestyles=":" if thin else "--")
        if spec.key == "lachin_corridor" and "places" in layers:  # labels over areas and roads, under points
            _draw_places(ax, atlas, options.names, zorder + 2)
        zorder += 3


DEFAULT_OPTIONS = MapOptions()
DEFAULT_PICTURE = Picture()
GIF_PICTURE = Picture(1200, 800)


LEGEND_WIDTH = 60
LONE_NOTE = "full list: this view's CSV or GeoJSON export, or its cite-this-view bundle"
BUNDLE_NOTE = "full list: sources.csv beside this picture"


def events_line(state: State, options: MapOptions) -> str | None:
    """What the picture says of its events: the window shown, or nothing when the events layer is off."""
    if "events" not in options.layers:
        return None
    first, last = state.window
    return f"Events shown: {first if first > '0001-01-01' else 'all'} to {last}"


def picture_legend(options: MapOptions, user_events: int = 0) -> list:
    """The PNG legend's handles (the map's legend rows, and the user's events), labels wrapped to the column."""
    handles = legend_handles(options)
    if user_events:
        handles.append(Line2D([], [], marker="o", linestyle="none", markerfacecolor="#bbb", markeredgecolor="#000",
                              markeredgewidth=2.2, label=f"Your events ({user_events})"))
    for handle in handles:  # the legend's column is ~60 characters wide: a longer label ran off the picture
        handle.set_label(textwrap.fill(handle.get_label(), LEGEND_WIDTH))
    return handles


def render_png(atlas: Atlas, state: State, options: MapOptions = DEFAULT_OPTIONS, picture: Picture = DEFAULT_PICTURE,
               bundle_note: str = LONE_NOTE, user_events=None) -> bytes:
    """The map on ``state.day`` as PNG bytes, with everything a citation needs."""
    fig = plt.figure(figsize=picture.inches, dpi=100)
    try:
        ax = fig.add_axes((0.01, 0.07, 0.66, 0.84))
        side = fig.add_axes((0.69, 0.07, 0.30, 0.84))
        side.axis("off")
        _draw_map(ax, atlas, state, options)
        if user_events is not None and len(user_events):
            colours = [EVENT_COLOURS.get(t, "#7F7F7F") for t in user_events["event_type"]]
            ax.scatter(user_events["lon"], user_events["lat"], s=40, c=colours, edgecolors="#000", linewidths=2.2,
                       zorder=12)
        frame_map(ax)
        day = state.day
        fig.text(0.01, 0.965, f"{TITLE} — the situation on {long_date(day)}", fontsize=17, fontweight="bold",
                 va="center")
        line = events_line(state, options)
        if line:
            fig.text(0.01, 0.93, line, fontsize=10, color="#333", va="center")
        ax.text(0.5, 0.975, day, transform=ax.transAxes, ha="center", va="top", fontsize=14, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "alpha": 0.9, "edgecolor": "#999"},
                zorder=40)
        handles = picture_legend(options, 0 if user_events is None else len(user_events))
        legend = side.legend(handles=handles, loc="upper left", fontsize=8, frameon=True, title="Legend",
                             title_fontsize=9, borderaxespad=0)
        legend.get_frame().set_edgecolor("#bbb")
        sources = state_sources(atlas, state, options)
        lines = [f"• {s['outlet']}: {s['title']} ({date_label(s)})" for s in sources[:MAX_SOURCE_LINES]]
        wrapped = [textwrap.shorten(line, 70, placeholder="…") for line in lines]
        more = len(sources) - len(lines)
        if more > 0:
            wrapped.append(f"… and {more} more ({bundle_note})")
        side.text(0, 0.0, f"Sources ({len(sources)})\n" + "\n".join(wrapped), fontsize=7, va="bottom",
                  ha="left", transform=side.transAxes, family="DejaVu Sans")
        fig.text(0.01, 0.03, ATTRIBUTION, fontsize=8, color="#444", va="center")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def long_date(day: str) -> str:
    from datetime import date

    d = date.fromisoformat(day)
    return f"{d.day} {d.strftime('%B %Y')}"
