"""Exports of a view (a date, layers, filters): PNG, self-contained HTML, GeoJSON, CSV, a cite-this-view zip,
and a GIF timelapse. The app and the CLI both call these; nothing here needs a network or a browser.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urlencode

from PIL import Image

from .atlas import SOURCE_FIELDS, Atlas
from .citation import dataset_version, view_citation
from .permalink import ViewState, encode, selectable
from .query import State, state_on
from .registry import data_layers as _data_layers
from .render import BUNDLE_NOTE, DEFAULT_PICTURE, GIF_PICTURE, TITLE, Picture, render_png, state_sources
from .snapshot import events_csv, safe_cell, state_geojson
from .view import SOURCINGS, MapOptions, filter_events
from .vocab import FIELD_TITLES
from .words import plural

DEFAULT_APP_URL = "http://localhost:8501/"


def view_state(atlas: Atlas, view: ViewState) -> State:
    """The state a view shows, with its event filters applied."""
    state = state_on(atlas, view.day, view.event_window)
    state.events = filter_events(state.events, view.options)
    return state


def user_part(atlas: Atlas, view: ViewState, user):
    """``(upload, its visible events)`` for a ``UserEvents`` (or None), with the view's filters."""
    if user is None or "events" not in view.options.layers:
        return None
    return user, filter_events(user.in_window(view.day, view.event_window), view.options)


def data_layers(options: MapOptions) -> tuple[str, ...]:
    """The core layers behind the view's layer choice, in drawing order, without repeats."""
    return _data_layers(options.layers)


def events_files(atlas: Atlas, view: ViewState, user=None) -> list[str]:
    """Where the view's events came from when not from the atlas itself: ``NAME (sha256:…)`` of the file
    given with ``--events`` and of the visible upload."""
    files = [atlas.events_provenance] if atlas.events_provenance else []
    if user is not None and user_part(atlas, view, user) is not None and user.provenance:
        files.append(user.provenance)
    return files


def version(atlas: Atlas, view: ViewState, user=None) -> str:
    """The dataset version of a view: the atlas's (``dataset_version``) and every events file it shows."""
    return dataset_version(atlas.data_dir) + "".join(f" + events file {f}" for f in events_files(atlas, view, user))


def permalink(view: ViewState, app_url: str = DEFAULT_APP_URL) -> str:
    """A link that opens the app on this view. A selected uploaded event is left out: a link cannot bring
    the upload with it, so it could only open on a notice."""
    if view.selected and view.selected.partition(":")[0] not in selectable():
        view = replace(view, selected=None)
    return app_url.rstrip("/") + "/?" + urlencode(encode(view), doseq=True)


def export_png(atlas: Atlas, view: ViewState, picture: Picture = DEFAULT_PICTURE, user=None) -> bytes:
    part = user_part(atlas, view, user)
    return render_png(atlas, view_state(atlas, view), view.options, picture,
                      user_events=None if part is None else part[1])


def export_geojson(atlas: Atlas, view: ViewState, user=None) -> str:
    """Exactly what is visible: the chosen layers on the day, events filtered, each with its sources."""
    doc = state_geojson(atlas, view_state(atlas, view), data_layers(view.options), user_part(atlas, view, user))
    doc["properties"].update(title=TITLE, dataset_version=version(atlas, view, user),
                             events_files=events_files(atlas, view, user))
    return json.dumps(doc, ensure_ascii=False)


def export_csv(atlas: Atlas, view: ViewState, user=None) -> str:
    """The visible events with their joined columns and sources (formula-safe)."""
    state = view_state(atlas, view)
    events = state.events if "events" in view.options.layers else state.events.iloc[0:0]
    datasets = (f"events file {atlas.events_provenance}" if atlas.events_provenance else "atlas",
                f"uploaded {user.provenance}" if user is not None and user.provenance else "uploaded")
    return events_csv(atlas, events, user_part(atlas, view, user), datasets)


def sources_csv(sources: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SOURCE_FIELDS)
    for s in sources:
        writer.writerow([safe_cell(s.get(c)) for c in SOURCE_FIELDS])
    return out.getvalue()


def citation(atlas: Atlas, view: ViewState, app_url: str = DEFAULT_APP_URL, user=None) -> str:
    """How to cite this view (core.citation, like CITATION.cff and the dataset's README), naming any events file."""
    files = events_files(atlas, view, user)
    needs = f" (the link shows the view without the events of {', '.join(files)}: load that file too)" if files else ""
    return view_citation(view.day, version(atlas, view, user), permalink(view, app_url),
                         date.today().isoformat()) + needs


def export_zip(atlas: Atlas, view: ViewState, app_url: str = DEFAULT_APP_URL,
               progress: Callable[[float, str], None] | None = None, user=None) -> bytes:
    """The cite-this-view bundle: PNG, GeoJSON, CSV, the sources used, and a README with a citation."""
    progress = progress or (lambda *_: None)
    state = view_state(atlas, view)
    progress(0.1, "drawing the picture")
    part = user_part(atlas, view, user)
    png = render_png(atlas, state, view.options, bundle_note=BUNDLE_NOTE, user_events=None if part is None else part[1])
    progress(0.6, "collecting data and sources")
    geojson = export_geojson(atlas, view, user)
    events = export_csv(atlas, view, user)
    sources = state_sources(atlas, state, view.options)
    if part is not None:
        used = [s for ids in part[1]["source_ids"] for s in ids]
        sources += [s for s in part[0].resolve_sources(used) if s not in sources]
    readme = "\n".join([
        f"# {TITLE}: the situation on {view.day}",
        "",
        "## How to cite",
        "",
        citation(atlas, view, app_url, user),
        "",
        "## What is in this bundle",
        "",
        "- `map.png`: the map with legend, date, scale, north arrow and sources",
        "- `view.geojson`: every feature visible on the day (chosen layers and filters), each with its sources",
        "- `events.csv`: the visible events with controller, corridor and nearest-post columns and their sources",
        f"- `sources.csv`: the {plural(len(sources), 'source')} behind what the view shows",
        "",
        "## The view",
        "",
        f"- date: {view.day}",
        f"- layers: {', '.join(view.options.layers) or 'none'}",
        f"- event window: {view.window}",
        f"- event types: {', '.join(view.event_types) if view.event_types is not None else 'all'}",
        f"- claim statuses: {', '.join(view.claims) if view.claims is not None else 'all'}",
        f"- actors: {', '.join(view.actors) if view.actors is not None else 'all'}",
        f"- sources: {SOURCINGS.get(view.sourcing, 'all events').lower()}",
        *field_filter_lines(view.options),
        f"- dataset version: {version(atlas, view, user)}",
        f"- permalink: {permalink(view, app_url)}",
        *[f"- events file: {f}: the permalink cannot bring it; open the app and load this file to see its events"
          for f in events_files(atlas, view, user)],
        "",
        "Control zones are approximations derived from dated, sourced control changes; see the project's",
        "docs/METHODOLOGY.md for how they are built and how accurate they are.",
        "",
    ])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("map.png", png)
        zf.writestr("view.geojson", geojson)
        zf.writestr("events.csv", events)
        zf.writestr("sources.csv", sources_csv(sources))
        zf.writestr("README.md", readme)
    progress(1.0, "done")
    return buffer.getvalue()


def field_filter_lines(options: MapOptions) -> list[str]:
    """The source-data filters in use, one README line each (none when unused: most views have no such field)."""
    return [f"- {FIELD_TITLES[name]}: {'; '.join(values)} (events without the field are left out)"
            for name, values in options.field_choices().items()]


def step_days(start: str, end: str, step: int) -> list[str]:
    """Every ``step`` days from start to end (both included when they fall on a step)."""
    if step < 1:
        raise ValueError("step must be at least 1 day")
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    if last < first:
        raise ValueError(f"end {end} is before start {start}")
    days, d = [], first
    while d <= last:
        days.append(d.isoformat())
        d += timedelta(days=step)
    return days


def timelapse_gif(atlas: Atlas, view: ViewState, start: str, end: str, step: int = 7,
                  picture: Picture = GIF_PICTURE, frame_ms: int = 700,
                  progress: Callable[[int, int, str], None] | None = None) -> bytes:
    """A GIF with one frame per step day, in the view's styling, the date stamped on each frame."""
    days = step_days(start, end, step)
    frames = []
    for i, day in enumerate(days, 1):
        frame_view = replace(view, day=day)
        png = render_png(atlas, view_state(atlas, frame_view), frame_view.options, picture)
        frames.append(Image.open(io.BytesIO(png)).convert("P", palette=Image.Palette.ADAPTIVE, colors=128))
        if progress:
            progress(i, len(days), day)
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=frame_ms, loop=0,
                   optimize=False)
    return buffer.getvalue()
