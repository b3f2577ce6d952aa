"""HTML made from data, every text escaped: links to sources, source lists, the legend."""

from __future__ import annotations

import html
from collections.abc import Mapping

from ..core.palette import LEGEND_SECTIONS, LegendRow, legend
from ..core.source_labels import date_label, remarks_label
from ..core.tables import safe_url


def esc(value) -> str:
    """HTML-escaped text of a value (None -> empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def link(url, text) -> str:
    """An escaped link that opens in a new tab, or escaped text when the URL is not http(s)."""
    target = safe_url(url)
    if target is None:
        return esc(text)
    return f'<a href="{esc(target)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


def source_item_html(source: Mapping) -> str:
    """One source as ``Title — Outlet, date`` with the title linked."""
    title = source.get("title") or source.get("url") or source.get("source_id")
    meta = ", ".join(esc(v) for v in (source.get("outlet"), date_label(source)) if v)
    kind = remarks_label(source)
    meta += f" ({esc(kind)})" if kind else ""
    return f"{link(source.get('url'), title)}" + (f" — {meta}" if meta else "")


def sources_html(sources: list[Mapping], limit: int | None = None) -> str:
    """An ordered list of sources; with ``limit``, the rest are counted, not listed."""
    if not sources:
        return '<p class="pp-nosrc">No source resolved.</p>'
    shown = sources if limit is None else sources[:limit]
    items = "".join(f"<li>{source_item_html(s)}</li>" for s in shown)
    more = len(sources) - len(shown)
    extra = f'<p class="pp-more">+ {more} more in the side panel</p>' if more > 0 else ""
    return f'<ol class="pp-sources">{items}</ol>{extra}'


def _mark(row: LegendRow) -> str:
    if row.mark == "glyph":
        return f'<span class="lg-glyph" style="color:{esc(row.colour)}">{esc(row.glyph)}</span>'
    border = "dashed" if row.dash else "solid"
    if row.mark == "line":
        return f'<span class="lg lg-line" style="border-top-color:{esc(row.colour)};border-top-style:{border}"></span>'
    if row.mark == "outline":
        style = f"border:{'1px dotted' if row.dash == '2 6' else '2px dashed'} {row.colour};background:none"
    elif row.mark == "halo":
        style = f"background:{row.colour}11;border:1px dashed {row.edge}"
    elif row.hatched:
        style = (f"border:2px dashed {row.edge};"
                 f"background:repeating-linear-gradient(-45deg,{row.colour} 0 2px,#fff 2px 5px)")
    elif row.hollow:
        style = f"background:#fff;border:2px {border} {row.edge}"
    elif row.mark == "dot":
        style = f"background:{row.colour};border-color:{row.edge}"
    else:
        style = f"background:{row.colour}59;border-color:{row.edge}"
    cls = "lg lg-dot" if row.mark in ("dot", "halo") else "lg"
    return f'<span class="{cls}" style="{esc(style)}"></span>'


def legend_html() -> str:
    """The legend's HTML (static text, escaped): a box in the map's corner, closed until its summary is clicked."""
    sections = legend()

    def block(key: str) -> str:
        rows = "".join(f"<li{f' title={chr(34)}{esc(r.hint)}{chr(34)}' if r.hint else ''}>{_mark(r)}{esc(r.label)}</li>"
                       for r in sections.get(key, []))
        return f'<div class="h">{esc(LEGEND_SECTIONS[key])}</div><ul>{rows}</ul>'

    return ('<details><summary>Legend</summary><div class="lg-grid"><div>' + block("control")
            + block("corridor") + "</div><div>" + block("points") + block("events") + "</div></div></details>")
