"""The comparison of two dates as a PNG: changed land coloured by direction, the rest faded; matplotlib only.

Drawn with ``render``'s helpers and palette, so it reads like the atlas's other pictures: the same colours
(the side the land went to), the same hatching of claimed or disputed control, scale bar and north arrow.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib.pyplot as plt
from matplotlib.patches import Patch

from . import render
from .atlas import Atlas
from .diff import AREA_METHOD, Comparison
from .palette import CONTROLLER_COLOURS
from .render import DEFAULT_PICTURE, TITLE, Picture
from .source_labels import date_label
from .timemodel import visible_mask
from .vocab import CONTROLLER_LABELS, CONTROLLERS
from .words import plural

FADED_ALPHA = 0.12
CHANGED_ALPHA = 0.8
MAX_LINES = 16


def direction_label(controller: str) -> str:
    """How the legend and the app name the land that went to ``controller``."""
    return f"To {CONTROLLER_LABELS[controller]}"


def _draw(ax, atlas: Atlas, comparison: Comparison) -> None:
    render.draw_background(ax, atlas)
    zones = atlas.layers["control_zones"]
    if len(zones):  # the territory on B, faded: the changed land is drawn over it
        now = zones[visible_mask(zones, comparison.day_to)]
        render.fill(ax, now.geometry, 3, facecolor=[CONTROLLER_COLOURS.get(c, "#999") for c in now["controller"]],
                     alpha=FADED_ALPHA, edgecolor="#bbb", linewidth=0.3)
    for area in comparison.areas:
        colour = CONTROLLER_COLOURS[area.to_controller]
        render.fill(ax, [area.geometry], 4, facecolor=colour, alpha=CHANGED_ALPHA, edgecolor="#222", linewidth=0.6)
        if area.claim_status != "confirmed":
            render.fill(ax, [area.geometry], 5, facecolor="none", edgecolor="#111", hatch="///", linewidth=0)


def side_text(comparison: Comparison) -> str:
    km2 = comparison.km2
    lines = [f"Gained by {CONTROLLER_LABELS[c]}: {km2[c]:,.0f} km²" for c in CONTROLLERS]
    lines.append(f"Settlements that changed hands: {len(comparison.settlements)}")
    changed = [d for d in comparison.differences if d["changed"] and not d["key"].startswith("held_")]
    lines += [f"{d['what']}: {d['from']} → {d['to']}" for d in changed]
    lines.append("")
    lines.append(f"Control changes between the dates ({len(comparison.changes)}):")
    shown = comparison.changes[:MAX_LINES]
    for c in shown:
        who = CONTROLLER_LABELS.get(c.controller, "peacekeeping zone") if c.controller else "peacekeeping zone"
        moved = f", {plural(c.settlements_changed, 'settlement')}" \
            if c.settlements_changed else ""
        lines.append(f"• {c.date} → {who} ({c.claim_status}{moved}; change {c.change_id})")
    if len(comparison.changes) > len(shown):
        lines.append(f"… and {len(comparison.changes) - len(shown)} more (see the JSON or CSV export)")
    sources = comparison.sources()
    lines.append("")
    lines.append(f"Sources ({len(sources)}):")
    lines += [f"• {s['outlet']}: {s['title']}" + (f" ({date_label(s)})" if date_label(s) else "")
              for s in sources[:MAX_LINES]]
    if len(sources) > MAX_LINES:
        lines.append(f"… and {len(sources) - MAX_LINES} more (in the JSON export)")
    return "\n".join(textwrap.shorten(line, 78, placeholder="…") if line else line for line in lines)


def render_comparison_png(atlas: Atlas, comparison: Comparison, picture: Picture = DEFAULT_PICTURE) -> bytes:
    """The comparison map as PNG bytes, with a legend titled with both dates."""
    a, b = comparison.day_from, comparison.day_to
    fig = plt.figure(figsize=picture.inches, dpi=100)
    try:
        ax = fig.add_axes((0.01, 0.07, 0.62, 0.84))
        side = fig.add_axes((0.65, 0.07, 0.34, 0.84))
        side.axis("off")
        _draw(ax, atlas, comparison)
        render.frame_map(ax)
        fig.text(0.01, 0.965, f"{TITLE} — what changed hands between {render.long_date(a)} and "
                 f"{render.long_date(b)}", fontsize=16, fontweight="bold", va="center")
        fig.text(0.01, 0.93, AREA_METHOD.split(" (")[0] + ".", fontsize=9, color="#333", va="center")
        handles = [Patch(facecolor=CONTROLLER_COLOURS[c], alpha=CHANGED_ALPHA, edgecolor="#222",
                         label=direction_label(c)) for c in CONTROLLERS]
        handles.append(Patch(facecolor="white", edgecolor="#111", hatch="///", label="Change rests on a claim"))
        handles.append(Patch(facecolor="#999", alpha=FADED_ALPHA * 3, edgecolor="#bbb",
                             label=f"Unchanged (held on {b})"))
        legend = side.legend(handles=handles, loc="upper left", fontsize=9, frameon=True,
                             title=f"Changes from {a} to {b}", title_fontsize=10, borderaxespad=0)
        legend.get_frame().set_edgecolor("#bbb")
        side.text(0, 0.0, side_text(comparison), fontsize=7, va="bottom", ha="left", transform=side.transAxes,
                  family="DejaVu Sans")
        fig.text(0.01, 0.03, render.ATTRIBUTION, fontsize=8, color="#444", va="center")
        buffer = io.BytesIO()
        # The dates go in the file too (a PNG text chunk), so a copy keeps saying what it compares.
        fig.savefig(buffer, format="png", dpi=100,
                    metadata={"Title": f"{TITLE}: changes from {a} to {b}", "Software": TITLE})
        return buffer.getvalue()
    finally:
        plt.close(fig)
