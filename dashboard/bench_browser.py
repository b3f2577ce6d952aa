"""Browser benchmark of date scrubbing (the browser part of ``python -m dashboard bench``).

    .venv/bin/python -m dashboard.bench_browser [--steps 30] [--data DIR] [--date 2020-10-01]

Starts the app on a free port (its own process group, killed at the end), opens it in Debian's Chromium
through Playwright with every non-local request blocked, focuses the date slider and presses ArrowRight
``--steps`` times. Each step is timed in the browser, from the keydown in the page to the moment the map's
``.datetag`` (added after every other date layer) shows the new date; it then waits until the app is idle
before the next key. Prints p50/p95/mean/max in milliseconds, whether the map iframe and the zoom set
before the first step survived every step, and the time to a drawn map for a first and a second page load.

The app server, Chromium and the waits come from the tests' harness, ``tests/browser_harness.py``: the
browser bench runs from a source checkout (the shipped package has no tests).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import logging
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from .bench_stats import METHOD, percentiles

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "tests" / "browser_harness.py"


class BrowserBenchUnavailable(RuntimeError):
    """The browser bench cannot run here (not a source checkout, or Playwright is not installed)."""


def quiet_bare_mode() -> None:
    """Silence streamlit's "missing ScriptRunContext" warning: the bench uses the app's modules outside an app run."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())


@functools.cache
def harness():
    """``tests/browser_harness.py`` of this checkout, imported under the name the tests use."""
    if not HARNESS.is_file():
        raise BrowserBenchUnavailable(
            f"the browser bench needs the tests' browser harness, {HARNESS.relative_to(REPO)}, from a source "
            f"checkout of the atlas (none under {REPO}: an installed package ships no tests). Run it from a "
            "clone: git clone <the atlas repository> && cd <clone> && make bench")
    if importlib.util.find_spec("playwright") is None:
        raise BrowserBenchUnavailable("the browser bench needs Playwright, a development requirement: "
                                      "make .venv/.dev (or pip install -r requirements-dev.txt)")
    if str(REPO) not in sys.path:  # run from elsewhere: find tests/ as pytest does, from the checkout's root
        sys.path.insert(0, str(REPO))
    quiet_bare_mode()  # the harness names the map's iframe after the app's component, declared on import
    module = importlib.import_module("tests.browser_harness")
    if Path(module.__file__).resolve() != HARNESS:
        raise BrowserBenchUnavailable(f"'tests.browser_harness' resolves to {module.__file__}, not to {HARNESS}")
    return module


INSTALL_PROBES = """
() => {
  // In the map iframe: remember when the date tag first shows each date.
  if (window.__atlasProbe) return;
  // And when the next frame after that starts (Leaflet redraws its canvas in that frame): the time to pixels.
  window.__atlasProbe = {seen: {}, frame: {}};
  const check = () => {
    const tag = document.querySelector('.datetag');
    const day = tag && tag.getAttribute('data-date');
    if (day && !(day in window.__atlasProbe.seen)) {
      window.__atlasProbe.seen[day] = performance.timeOrigin + performance.now();
      requestAnimationFrame(() => setTimeout(() => {
        window.__atlasProbe.frame[day] = performance.timeOrigin + performance.now(); }, 0));
    }
  };
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
  check();
}
"""
INSTALL_KEY_PROBE = """
() => {
  window.__atlasKeys = [];
  document.addEventListener('keydown', e => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft')
      window.__atlasKeys.push(performance.timeOrigin + performance.now());
  }, true);
}
"""


class Step(NamedTuple):
    day: str  # the date stepped to
    ms: float  # keydown -> the date tag showed it
    key_time: float  # the keydown, in the page's clock (ms since the epoch)


def step_latency(page, frame, key: str = "ArrowRight", timeout: float = 30_000) -> Step:
    """Press ``key`` on the focused slider and time it (``frame_latency`` adds the frame after)."""
    h = harness()
    day = h.shown_day(frame)
    expected = (date.fromisoformat(day) + timedelta(days=1 if key == "ArrowRight" else -1)).isoformat()
    before = page.evaluate("() => window.__atlasKeys.length")
    page.keyboard.press(key)
    frame.wait_for_function("d => window.__atlasProbe && (d in window.__atlasProbe.seen)", arg=expected,
                            timeout=timeout, polling=h.POLL_MS)
    t_key = page.evaluate("i => window.__atlasKeys[i]", before)
    t_tag = frame.evaluate("d => window.__atlasProbe.seen[d]", expected)
    return Step(expected, t_tag - t_key, t_key)


def frame_latency(frame, step: Step, timeout: float = 30_000) -> float:
    """Keydown -> the start of the frame after the date tag showed the step's date, in ms."""
    frame.wait_for_function("d => d in window.__atlasProbe.frame", arg=step.day, timeout=timeout,
                            polling=harness().POLL_MS)
    return frame.evaluate("d => window.__atlasProbe.frame[d]", step.day) - step.key_time


def run(steps: int, data_dir: Path | None, start_day: str | None, zoom: int) -> dict:
    """Time ``steps`` slider steps in Chromium; p50/p95 (``bench_stats``) of the latencies, in whole ms."""
    from playwright.sync_api import sync_playwright

    h = harness()
    blocked: list[str] = []
    with h.AppServer(data_dir) as server, sync_playwright() as pw:
        browser = h.launch(pw)
        try:
            context = h.offline_context(browser, server.url, blocked, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            query = f"?date={start_day}" if start_day else ""
            t0 = time.perf_counter()
            page.goto(server.url + "/" + query)
            frame = h.map_frame(page)
            first_load = time.perf_counter() - t0
            h.wait_idle(page)
            frame.evaluate("z => { window.map.setZoom(z); }", zoom)
            frame.wait_for_function("z => window.map.getZoom() === z", arg=zoom)
            h.wait_idle(page)
            frame.evaluate("() => { window.__atlasFrameToken = Math.random(); }")
            token = frame.evaluate("() => window.__atlasFrameToken")
            frame.evaluate(INSTALL_PROBES)
            page.evaluate(INSTALL_KEY_PROBE)
            h.slider_thumb(page).focus()
            latencies, to_frame = [], []
            for _ in range(steps):
                step = step_latency(page, frame)
                latencies.append(step.ms)
                to_frame.append(frame_latency(frame, step))
                h.wait_idle(page)
            kept_frame = frame.evaluate("() => window.__atlasFrameToken") == token
            kept_zoom = frame.evaluate("() => window.map.getZoom()") == zoom
            second = context.new_page()  # the same view again, now that the server is warm
            t0 = time.perf_counter()
            second.goto(server.url + "/" + query)
            h.map_frame(second)
            warm_load = time.perf_counter() - t0
        finally:
            browser.close()
    return {"steps": steps, "to_layers_ms": percentiles(latencies, 0), "to_frame_ms": percentiles(to_frame, 0),
            "first_load_s": first_load, "warm_load_s": warm_load, "latencies_ms": latencies,
            "iframe_kept": kept_frame, "zoom_kept": kept_zoom, "blocked_requests": sorted(set(blocked))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="slider steps to time (default 30)")
    parser.add_argument("--data", type=Path, default=None, help="atlas folder (default: the repository's)")
    parser.add_argument("--date", default="2020-10-01", help="start date (default 2020-10-01)")
    parser.add_argument("--zoom", type=int, default=9, help="zoom set before the first step (default 9)")
    args = parser.parse_args(argv)
    try:
        result = run(args.steps, args.data, args.date, args.zoom)
    except BrowserBenchUnavailable as exc:
        print(f"bench_browser: {exc}", file=sys.stderr)
        return 2
    lat, layers, frame = result["latencies_ms"], result["to_layers_ms"], result["to_frame_ms"]
    print(f"first load (fresh server): {result['first_load_s']:.2f} s; "
          f"second load (warm server): {result['warm_load_s']:.2f} s")
    print(f"slider key -> layers updated over {len(lat)} steps: p50 {layers['p50']} ms, p95 {layers['p95']} ms, "
          f"mean {statistics.mean(lat):.0f} ms, min {min(lat):.0f} ms, max {max(lat):.0f} ms")
    print(f"slider key -> next frame drawn: p50 {frame['p50']} ms, p95 {frame['p95']} ms")
    print(f"p50/p95: {METHOD}")
    print(f"map iframe kept: {result['iframe_kept']}; zoom kept: {result['zoom_kept']}")
    if result["blocked_requests"]:
        print("blocked non-local requests: " + ", ".join(result["blocked_requests"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
