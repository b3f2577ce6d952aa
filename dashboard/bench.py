"""``python -m dashboard bench``: measured speed of the things users feel, printed, never asserted.

- ``cold_load_ms``: read, validate and index the atlas, and join the events (first call in a process).
- ``scrub_step_ms`` {p50, p95}: server work of one date step (the browser draws the map from the history it
  holds): the state on the day and the map component's small per-run arguments, over every day of the range
  (``--every N`` samples every Nth day).
- ``scrub_step_ms_100k``: the same with ``--events`` synthetic events added (fixed seed) to the bundled ones.
- ``payload_kb`` {p50, p95}: size of those arguments as JSON (the base map and the history are sent only when the
  browser's frame does not hold them).
- ``snapshot_png_ms`` / ``snapshot_html_ms``: exports of one view, warm.
- ``read_hostile_wide`` / ``read_valid_200k``: peak memory (MB, the child process's ``ru_maxrss``) and seconds
  of the app's upload path on a 77 KB file with a 3,000-column header over 30,000 one-field lines, and on
  200,000 valid events just under the 50 MB limit, each in a fresh process (``bench_reading``; skip with
  ``--no-reading``); ``read_acled_100k``: 100,000 rows in ACLED's export layout through the upload path;
  ``read_import_acled_100k``: the same file through ``import-acled``.
- ``history_ms`` / ``history_kb``: building the history the browser's time engine holds (every version of every
  dated feature, sent once per atlas, layer set and filter set).
- With ``--browser`` (Debian's Chromium, the app on a free port, every non-local request aborted), from
  ``bench_time``: ``browser_step_frame_ms`` (key press on the map's date slider -> the start of the frame after
  the new layers were drawn), ``browser_drag_fps`` (distinct dates drawn per second while the slider is dragged
  across a year), ``browser_play_fps`` (dates per second playing by day at the top speed),
  ``browser_step_frame_ms_100k`` (the step in the one-page atlas with 100,000 synthetic events),
  ``panel_sync_ms`` (key press -> the app's counts show the date), ``page_once_kb``, ``step_message_kb`` and
  ``site_kb`` / ``site_kb_100k`` (the one-page atlas).
- ``load_*`` (``--load``): 20 Chromium sessions scrub against one server (``bench_load``): key presses handled,
  the server's memory per session, and the errors seen (any error: exit status 1).

Every p50/p95 is one definition (``bench_stats``; the output's ``percentiles`` line names it). ``--browser`` and
``--load`` use the tests' browser harness and so run from a source checkout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .bench_stats import METHOD, percentiles
from .core.atlas import Atlas, default_data_dir, load_atlas
from .core.layers import CRS
from .core.permalink import ViewState
from .core.query import joined_events, state_on
from .core.timemodel import EventIndex
from .core.vocab import EVENT_TYPES, GEO_PRECISIONS

SEED = 20201110
SYNTHETIC_SOURCE = {"source_id": "bench-synthetic", "outlet": "Benchmark", "title": "Synthetic event (benchmark only)",
                    "published": "2026-11-21", "url": "https://example.org/synthetic"}


def with_synthetic_events(atlas: Atlas, n: int) -> Atlas:
    """A copy of the atlas with ``n`` synthetic events (fixed seed) spread over the area and the war years."""
    rng = np.random.default_rng(SEED)
    first, last = date(2020, 9, 27).toordinal(), date(2024, 6, 12).toordinal()
    days = np.sort(rng.integers(first, last + 1, n))
    (minx, miny, maxx, maxy) = (45.9, 38.9, 47.4, 40.5)
    frame = pd.DataFrame({
        "event_id": [f"syn-{i:06d}" for i in range(n)],
        "date": [date.fromordinal(int(d)).isoformat() for d in days],
        "date_end": None, "date_precision": "day",
        "event_type": rng.choice(EVENT_TYPES, n), "location": "Synthetic", "place_id": None,
        "lat": rng.uniform(miny, maxy, n), "lon": rng.uniform(minx, maxx, n),
        "geo_precision": rng.choice(GEO_PRECISIONS, n), "claim_status": rng.choice(["confirmed", "claimed"], n),
        "actor1": None, "actor2": None, "summary": "Synthetic benchmark event.", "fatalities": None,
        "fatalities_note": None, "tags": None, "group_id": None, "source_ids": [["bench-synthetic"]] * n, "_line": 0,
    })
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=CRS)
    events = pd.concat([atlas.events, events], ignore_index=True)
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    sources = {**atlas.sources, "bench-synthetic": SYNTHETIC_SOURCE}
    return Atlas(atlas.data_dir, sources, atlas.places, events, atlas.layers, atlas.report,
                 EventIndex(events["date"].tolist(), events["date_end"].tolist()))


@contextlib.contextmanager
def component_calls(name: str):
    """Catch the keyword arguments of every call of the Streamlit component ``name`` (it is not run).

    The arguments are caught where any component is called, streamlit's public ``CustomComponent``, so the
    bench times the app's own call path, whichever function of ``ui.mapcomponent`` makes the call.
    """
    from streamlit.components.v1.custom_component import CustomComponent

    sent: list[dict] = []
    real = CustomComponent.__call__

    def catch(component, *args, **kwargs):
        if component.name != name:
            return real(component, *args, **kwargs)
        sent.append(kwargs)
        return None

    CustomComponent.__call__ = catch
    try:
        yield sent
    finally:
        CustomComponent.__call__ = real


def scrub(atlas: Atlas, days: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds and payload KB of the server's part of a date step, per day (the browser holds the map)."""
    from .bench_browser import quiet_bare_mode
    from .map.component import base_args
    from .map.history import history_json, history_key

    quiet_bare_mode()  # the map component is declared and called (caught) outside an app run
    from .ui import mapcomponent

    with component_calls(mapcomponent.FRAME_TITLE) as sent:  # the iframe is titled with the component's name
        times, sizes = [], []
        for n, day in enumerate(days):
            view = ViewState(day)
            start = time.perf_counter()
            state_on(atlas, day, view.event_window)
            history = history_json(atlas, view.options)
            has = {"base": base_args(atlas, view.basemap)["key"], "history": history_key(history)}
            mapcomponent.time_map(atlas, view.basemap, history, day=day, day_seq=n, window=view.event_window,
                                  key="bench", height=680, has=has)
            times.append((time.perf_counter() - start) * 1000)
            sizes.append(len(json.dumps(sent.pop()).encode("utf-8")) / 1024)
    return times, sizes


def history_cost(atlas: Atlas) -> tuple[float, float]:
    """Milliseconds to build the default view's history (first time) and its size in KB."""
    from .map.history import history_json

    start = time.perf_counter()
    text = history_json(atlas, ViewState("2020-11-10").options)
    return round((time.perf_counter() - start) * 1000), round(len(text.encode("utf-8")) / 1024)


def every_day(atlas: Atlas, every: int) -> list[str]:
    first, last = date.fromisoformat(atlas.first_day), date.fromisoformat(atlas.last_day)
    return [(first + timedelta(days=i)).isoformat() for i in range(0, (last - first).days + 1, every)]


def run(data_dir: Path, events: int, every: int, browser: bool, progress, reading: bool = True,
        load: bool = False) -> dict:
    out: dict = {"machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
                 "percentiles": METHOD}
    start = time.perf_counter()
    atlas = load_atlas(data_dir)
    joined_events(atlas)
    out["cold_load_ms"] = round((time.perf_counter() - start) * 1000, 1)
    out["history_ms"], out["history_kb"] = history_cost(atlas)
    days = every_day(atlas, every)
    progress(f"scrubbing {len(days)} days ({atlas.first_day} to {atlas.last_day}, every {every})")
    scrub(atlas, days[:5])  # warm the per-feature caches, as a running app has
    times, sizes = scrub(atlas, days)
    out["scrub_step_ms"] = percentiles(times)
    out["payload_kb"] = percentiles(sizes)
    big = None
    if events:
        scale, big = _scale(atlas, events, days, progress)
        out |= scale
    out |= _exports(atlas, progress)
    if reading:
        out |= _reading(progress)
    app_data = None if data_dir == default_data_dir() else data_dir
    if browser:
        from . import bench_time

        progress("browser: the app's map (Chromium)")
        out.update(bench_time.app_figures(app_data, progress))
        if big is not None:
            progress(f"browser: the one-page atlas with {events:,} synthetic events")
            out.update(bench_time.site_figures(big, "100k" if events == 100_000 else str(events)))
        out.update(bench_time.site_figures(atlas, ""))
    if load:
        from . import bench_load

        progress(f"load: {bench_load.SESSIONS} sessions in Chromium")
        result = bench_load.run(app_data)
        out["load_sessions"] = {k: result[k] for k in ("sessions", "key_presses", "scrub_s")}
        out["load_server_rss_mb"] = result["server_rss_mb"]
        out["load_errors"] = result["errors"]
    return out


def _scale(atlas: Atlas, events: int, days: list[str], progress) -> tuple[dict, Atlas]:
    """The scrub again with ``events`` synthetic events added, the join of them all and their history."""
    out = {}
    progress(f"adding {events:,} synthetic events")
    big = with_synthetic_events(atlas, events)
    start = time.perf_counter()
    joined_events(big)
    out["join_100k_ms" if events == 100_000 else f"join_{events}_ms"] = round((time.perf_counter() - start) * 1000)
    suffix = "100k" if events == 100_000 else str(events)
    out[f"history_ms_{suffix}"], out[f"history_kb_{suffix}"] = history_cost(big)
    scrub(big, days[:5])
    times, sizes = scrub(big, days)
    key = "scrub_step_ms_100k" if events == 100_000 else f"scrub_step_ms_{events}"
    out[key] = percentiles(times)
    out[key.replace("scrub_step_ms", "payload_kb")] = percentiles(sizes)
    return out, big


def _exports(atlas: Atlas, progress) -> dict:
    """PNG and HTML export of one view, each timed warm."""
    from .core import export

    out = {}
    view = ViewState("2020-11-10", window="last-30")
    progress("timing exports")
    export.export_png(atlas, view)  # warm: fonts, caches
    start = time.perf_counter()
    export.export_png(atlas, view)
    out["snapshot_png_ms"] = round((time.perf_counter() - start) * 1000)
    from .map.page import export_html

    export_html(atlas, view)
    start = time.perf_counter()
    export_html(atlas, view)
    out["snapshot_html_ms"] = round((time.perf_counter() - start) * 1000)
    return out


def _reading(progress) -> dict:
    """Peak memory and time of reading the hostile wide file and a 200,000-row file (``bench_reading``)."""
    from . import bench_reading

    return {f"read_{case}": {k: v for k, v in figures.items() if k in (
        "peak_rss_mb", "baseline_mb", "seconds", "cpu_seconds", "file_kb", "error")}
        for case, figures in bench_reading.run(progress).items()}


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=None, metavar="DIR")
    parser.add_argument("--events", type=int, default=100_000, metavar="N",
                        help="synthetic events for the scale run (default 100000; 0 to skip)")
    parser.add_argument("--every", type=int, default=1, metavar="N", help="time every Nth day (default 1)")
    parser.add_argument("--browser", action="store_true", help="also time scrubbing in Chromium")
    parser.add_argument("--load", action="store_true",
                        help="also run 20 Chromium sessions against one server (exit 1 on any error)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-reading", action="store_true", help="skip the file-reading measures")
    args = parser.parse_args(argv)
    if args.browser or args.load:  # before minutes of other timings: the browser parts need a checkout
        from .bench_browser import BrowserBenchUnavailable, harness

        try:
            harness()
        except BrowserBenchUnavailable as exc:
            print(f"bench: {exc}", file=sys.stderr)
            return 2
    result = run(args.data or default_data_dir(), args.events, max(1, args.every), args.browser,
                 progress=lambda msg: print(msg, file=sys.stderr), reading=not args.no_reading, load=args.load)
    if args.json:
        print(json.dumps(result))
    else:
        _print(result)
    for error in result.get("load_errors", []):
        print(f"load: {error}", file=sys.stderr)
    return 1 if result.get("load_errors") else 0


def _print(result: dict) -> None:
    width = max(len(k) for k in result)
    for key, value in result.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = len(value)
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    sys.exit(main())
