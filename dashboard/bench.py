"""``python -m dashboard bench``: measured speed of the things users feel, printed, never asserted.

- ``cold_load_ms``: read, validate and index the atlas, and join the events (first call in a process).
- ``history_ms`` / ``history_kb``: build the history of every dated feature (``map.history``), sent to the
  browser once per layer and filter set; ``_100k``: the same with ``--events`` synthetic events.
- ``scrub_step_ms`` {p50, p95}: server work when the date reaches the app (the browser changes the date
  itself): the state on the day and the map component's arguments, over every day of the range (``--every N``
  samples every Nth day); ``payload_kb``: those arguments as JSON (the date, the window and two keys).
- ``scrub_step_ms_100k``: the same with ``--events`` synthetic events added (fixed seed) to the bundled ones.
- ``snapshot_png_ms`` / ``snapshot_html_ms``: exports of one view, warm.

With ``--browser`` (Debian's Chromium, the app on a free port, every non-local request aborted), from
``bench_time``: ``browser_step_frame_ms`` (key press on the map's date slider -> the start of the frame after
the new layers were drawn), ``browser_drag_fps`` (distinct dates drawn per second while the slider is dragged
across a year, one input event per frame; ``browser_mouse_drag_fps``: with Playwright's mouse),
``browser_play_fps`` (dates drawn per second playing by day at the top speed),
``browser_step_frame_ms_100k`` (the step in the one-page atlas with 100,000 synthetic events),
``panel_sync_ms`` (key press -> the app's counts show the date: the 250 ms pause, the run, the render),
``page_once_kb`` (everything the app's websocket brings on opening), ``step_message_kb`` (what a date brings
afterwards) and ``site_kb`` / ``site_kb_100k`` (the one-page atlas).
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
        "fatalities_note": None, "tags": None, "group_id": None, "source_ids": [["bench-synthetic"]] * n, "_line": 0,
    })
    events = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=CRS)
    events = pd.concat([atlas.events, events], ignore_index=True)
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    sources = {**atlas.sources, "bench-synthetic": SYNTHETIC_SOURCE}
    return Atlas(atlas.data_dir, sources, atlas.places, events, atlas.layers, atlas.report,
                 EventIndex(events["date"].tolist(), events["date_end"].tolist()))


def scrub(atlas: Atlas, days: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds and payload KB of the server's part of a date step, per day (the browser holds the map)."""
    from .map.component import base_args
    from .map.history import history_json, history_key
    from .ui import mapcomponent

    sent: list[dict] = []
    real, mapcomponent._component = mapcomponent._component, lambda **kw: sent.append(kw)  # noqa: SLF001
    try:
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
    finally:
        mapcomponent._component = real  # noqa: SLF001
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


def run(data_dir: Path, events: int, every: int, browser: bool, progress) -> dict:
    out: dict = {"machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}"}
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
    if events:
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
    from .core import export

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
    if browser:
        from . import bench_time

        progress("browser: the app's map (Chromium)")
        out.update(bench_time.app_figures(None if data_dir == default_data_dir() else data_dir, progress))
        if events:
            progress(f"browser: the one-page atlas with {events:,} synthetic events")
            out.update(bench_time.site_figures(big, "100k" if events == 100_000 else str(events)))
        out.update(bench_time.site_figures(atlas, ""))
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
    args = parser.parse_args(argv)
    result = run(args.data or default_data_dir(), args.events, max(1, args.every), args.browser,
                 progress=lambda msg: print(msg, file=sys.stderr))
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
