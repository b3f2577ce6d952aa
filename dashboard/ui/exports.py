"""Export panel: the view as PNG, HTML, GeoJSON, CSV or a cite-this-view zip, from the same code as the CLI."""

from __future__ import annotations

import streamlit as st

from ..core import export
from ..core.atlas import Atlas
from ..core.permalink import ViewState
from ..map.page import export_html
from ..map.site import site_html
from . import labels as L

READY = "_export_ready"  # (format, view) -> bytes prepared for download

FORMATS = {  # key -> (label, file extension, mime type)
    "png": ("PNG picture", "png", "image/png"),
    "html": ("Interactive HTML (one file, offline)", "html", "text/html"),
    "site": ("The whole atlas, every date (one offline HTML page)", "html", "text/html"),
    "geojson": ("GeoJSON of what is visible", "geojson", "application/geo+json"),
    "csv": ("CSV of the visible events", "csv", "text/csv"),
    "zip": ("Cite this view (zip: PNG, data, sources, citation)", "zip", "application/zip"),
    "dataset": ("Whole dataset (zip: GeoPackage, CSV, GeoJSON, datapackage.json)", "zip", "application/zip"),
}


def _make(atlas: Atlas, view: ViewState, fmt: str, progress, user) -> bytes:
    if fmt == "png":
        return export.export_png(atlas, view, user=user)
    if fmt == "html":
        return export_html(atlas, view, user=user).encode("utf-8")
    if fmt == "site":  # every date, opening at this one: what `python -m dashboard export-site` writes
        return site_html(atlas, view.day, view.options, view.event_window, user).encode("utf-8")
    if fmt == "geojson":
        return export.export_geojson(atlas, view, user=user).encode("utf-8")
    if fmt == "csv":
        return export.export_csv(atlas, view, user=user).encode("utf-8")
    if fmt == "dataset":  # the whole atlas, not the view: what `python -m dashboard export-dataset` writes
        from ..core.dataset_files import dataset_zip

        steps = iter(range(1, 100))
        return dataset_zip(atlas, lambda what: progress(min(next(steps) / 12, 1.0), what))
    return export.export_zip(atlas, view, app_url(), progress=progress, user=user)


def app_url() -> str:
    """The address the browser used, for the permalink in a citation (falls back to the local default)."""
    try:
        host = st.context.headers.get("host")
    except Exception:  # no request context (tests, bare mode)
        host = None
    return f"http://{host}/" if host else export.DEFAULT_APP_URL


def _file_name(fmt: str, day: str, ext: str) -> str:
    if fmt == "site":
        return f"karabakh-atlas-every-date-{day}.{ext}"
    return f"karabakh-atlas-dataset.{ext}" if fmt == "dataset" else f"karabakh-atlas-{day}.{ext}"


def panel(atlas: Atlas, view: ViewState, user=None) -> None:
    """Choose a format, prepare it (with progress for the slow ones), then download it."""
    st.subheader(L.EXPORT_HEADER)
    fmt = st.selectbox(L.EXPORT_FORMAT.label, list(FORMATS), key=L.EXPORT_FORMAT.key,
                       format_func=lambda k: FORMATS[k][0], help=L.EXPORT_FORMAT.help)
    ready = st.session_state.setdefault(READY, {})
    key = (fmt, view, id(user))
    if st.button(L.EXPORT_PREPARE.label, key=L.EXPORT_PREPARE.key, help=L.EXPORT_PREPARE.help, width="stretch"):
        with st.status(f"Preparing {FORMATS[fmt][0]} for {view.day}…", expanded=False) as status:
            bar = st.progress(0.0)

            def progress(fraction: float, what: str) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=what)

            ready.clear()  # keep one prepared file, not one per view visited
            ready[key] = _make(atlas, view, fmt, progress, user)
            status.update(label=f"{FORMATS[fmt][0]} ready", state="complete")
    if key in ready:
        _, ext, mime = FORMATS[fmt]
        st.download_button(L.EXPORT_DOWNLOAD.label, ready[key], file_name=_file_name(fmt, view.day, ext),
                           mime=mime, key=L.EXPORT_DOWNLOAD.key, width="stretch")
    else:
        st.caption("Exports show exactly this view: date, layers, event window and filters.")
