"""``python -m dashboard bench``: measured speed of the things users feel, printed, never asserted.

- ``cold_load_ms``: read, validate and index the atlas, and join the events (first call in a process).
- ``scrub_step_ms`` {p50, p95}: server work of one slider step: the state on the day, the date layers and the
  map component's arguments as the app sends them (``ui.mapcomponent``: the base map rendered once, the date
  layers' script per step), over every day of the range (``--every N`` samples every Nth day).
- ``scrub_step_ms_100k``: the same with ``--events`` synthetic events added (fixed seed) to the bundled ones.
- ``payload_kb`` {p50, p95}: size of those arguments as JSON, the map's part of a step's message (the
  date-free base map's script, about 60 KB, rides along on every step: the component's arguments are sent whole).
- ``snapshot_png_ms`` / ``snapshot_html_ms``: exports of one view, warm.
- ``read_hostile_wide`` / ``read_valid_200k``: peak memory (MB, the child process's ``ru_maxrss``) and seconds
  of the app's upload path on a 77 KB file with a 3,000-column header over 30,000 one-field lines, and on
  200,000 valid events just under the 50 MB limit, each in a fresh process (``bench_reading``; skip with
  ``--no-reading``); ``read_acled_100k``: 100,000 rows in ACLED's export layout through the upload path;
  ``read_import_acled_100k``: the same file through ``import-acled``.
- ``browser_scrub_ms`` {p50, p95} (``--browser``): key press to updated layers in Debian's Chromium;
  ``browser_scrub_to_frame_ms``: to the start of the frame after that (when the canvas is redrawn).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .core.atlas import Atlas, default_data_dir, load_atlas
from .core.layers import CRS
from .core.permalink import ViewState
from .core.query import joined_events, state_on
from .core.timemodel import EventIndex
from .core.vocab import EVENT_TYPES, GEO_PRECISIONS

SEED = 20201110
SYNTHETIC_SOURCE = {"source_id": "bench-synthetic", "outlet": "Benchmark", "title": "Synthetic event (benchmark only)",
                    "published": "2026-11-21", "url": "https://example.org/synthetic"}


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50": round(pick(0.5), 2), "p95": round(pick(0.95), 2), "n": len(ordered)}


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
        "fatalities_note": None, "tags": None, "source_ids": [["bench-synthetic"]] * n, "_line": 0,
    })
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=CRS)
    events = pd.concat([atlas.events, events], ignore_index=True)
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    sources = {**atlas.sources, "bench-synthetic": SYNTHETIC_SOURCE}
    return Atlas(atlas.data_dir, sources, atlas.places, events, atlas.layers, atlas.report,
                 EventIndex(events["date"].tolist(), events["date_end"].tolist()))


def scrub(atlas: Atlas, days: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds and payload KB of one server-side slider step, per day."""
    import logging

    # The component is declared and called outside an app run (its arguments are caught here): streamlit
    # would warn that there is no ScriptRunContext, as expected.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    import streamlit_folium

    from .core import mapview
    from .ui import mapcomponent

    sent: list[dict] = []
    real, streamlit_folium._component_func = streamlit_folium._component_func, lambda **kw: sent.append(kw)
    try:
        times, sizes = [], []
        for day in days:
            view = ViewState(day)
            start = time.perf_counter()
            state = state_on(atlas, day, view.event_window)
            groups = mapview.date_layers(atlas, state, view.options)
            mapcomponent.atlas_map(atlas, view.basemap, groups, key="bench", height=680,
                                   returned_objects=["last_object_clicked_popup", "center", "zoom"])
            times.append((time.perf_counter() - start) * 1000)
            args = {k: v for k, v in sent.pop().items() if k != "on_change"}
            sizes.append(len(json.dumps(args).encode("utf-8")) / 1024)
    finally:
        streamlit_folium._component_func = real
    return times, sizes


def every_day(atlas: Atlas, every: int) -> list[str]:
    first, last = date.fromisoformat(atlas.first_day), date.fromisoformat(atlas.last_day)
    return [(first + timedelta(days=i)).isoformat() for i in range(0, (last - first).days + 1, every)]


def run(data_dir: Path, events: int, every: int, browser: bool, progress, reading: bool = True) -> dict:
    out: dict = {"machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}"}
    start = time.perf_counter()
    atlas = load_atlas(data_dir)
    joined_events(atlas)
    out["cold_load_ms"] = round((time.perf_counter() - start) * 1000, 1)
    days = every_day(atlas, every)
    progress(f"scrubbing {len(days)} days ({atlas.first_day} to {atlas.last_day}, every {every})")
    scrub(atlas, days[:5])  # warm the per-feature caches, as a running app has
    times, sizes = scrub(atlas, days)
    out["scrub_step_ms"] = percentiles(times)
    out["payload_kb"] = percentiles(sizes)
    if events:
        progress(f"adding {events:,} synthetic events")
        big = with_synthetic_events(atlas, events)
        start = time.perf_counter()
        joined_events(big)
        out["join_100k_ms" if events == 100_000 else f"join_{events}_ms"] = round((time.perf_counter() - start) * 1000)
        scrub(big, days[:5])
        times, sizes = scrub(big, days)
        key = "scrub_step_ms_100k" if events == 100_000 else f"scrub_step_ms_{events}"
        out[key] = percentiles(times)
        out[key.replace("scrub_step_ms", "payload_kb")] = percentiles(sizes)
    from .core import export

    view = ViewState("2020-11-10", window="last-30")
    progress("timing exports")
    export.export_png(atlas, view)  # warm: fonts, caches
    start = time.perf_counter()
    export.export_png(atlas, view)
    out["snapshot_png_ms"] = round((time.perf_counter() - start) * 1000)
    export.export_html(atlas, view)
    start = time.perf_counter()
    export.export_html(atlas, view)
    out["snapshot_html_ms"] = round((time.perf_counter() - start) * 1000)
    if reading:
        from . import bench_reading

        for case, figures in bench_reading.run(progress).items():
            out[f"read_{case}"] = {k: v for k, v in figures.items() if k in (
                "peak_rss_mb", "baseline_mb", "seconds", "cpu_seconds", "file_kb", "error")}
    if browser:
        from . import bench_browser

        progress("browser scrub (Chromium)")
        result = bench_browser.run(steps=25, data_dir=None if data_dir == default_data_dir() else data_dir,
                                   start_day=None, zoom=9)
        out["browser_scrub_ms"] = {k: result[k] for k in ("p50", "p95") if k in result} | {
            "n": result.get("steps", 25)}
        out["browser_scrub_to_frame_ms"] = {"p50": result["frame_p50"], "p95": result["frame_p95"],
                                            "n": result.get("steps", 25)}
    return out


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
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-reading", action="store_true", help="skip the file-reading measures")
    args = parser.parse_args(argv)
    result = run(args.data or default_data_dir(), args.events, max(1, args.every), args.browser,
                 progress=lambda msg: print(msg, file=sys.stderr), reading=not args.no_reading)
    if args.json:
        print(json.dumps(result))
    else:
        width = max(len(k) for k in result)
        for key, value in result.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
