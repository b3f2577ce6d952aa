"""Browser benchmark of date scrubbing, and the helpers the browser tests share.

    .venv/bin/python -m dashboard.bench_browser [--steps 30] [--data DIR] [--date 2020-10-01]

Starts the app on a free port (its own process group, killed at the end), opens it in Debian's Chromium
through Playwright with every non-local request blocked, focuses the date slider and presses ArrowRight
``--steps`` times. Each step is timed in the browser, from the keydown in the page to the moment the map's
``.datetag`` (added after every other date layer) shows the new date; it then waits until the app is idle
before the next key. Prints p50/p95/mean/max in milliseconds, whether the map iframe and the zoom set
before the first step survived every step, and the time to a drawn map for a first and a second page load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
MAP_FRAME = 'iframe[title="dashboard.ui.mapcomponent.atlas_map"]'


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """``streamlit run dashboard/app.py`` on a free port, in its own process group."""

    def __init__(self, data_dir: Path | None = None, log_path: Path | None = None, plain: bool = False):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.log_path = log_path or Path(tempfile.mkstemp(prefix="atlas-app-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None
        self.plain = plain  # only what Streamlit needs to listen here: the rest from .streamlit/config.toml

    def start(self, timeout: float = 60.0) -> AppServer:
        cmd = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
               "--server.port", str(self.port), "--server.address", "127.0.0.1", "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
               "--global.developmentMode", "false"]
        if self.plain:
            cmd = cmd[:4] + ["dashboard/app.py", "--server.port", str(self.port), "--server.address", "127.0.0.1",
                             "--server.headless", "true"]
        if self.data_dir is not None:
            cmd += ["--", "--data", str(self.data_dir)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        self.wait_healthy(timeout)
        return self

    def wait_healthy(self, timeout: float) -> None:
        """Poll /_stcore/health until it answers ok; fail early if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            try:  # waits (up to 0.2 s) on the process itself: returns at once if it died
                code = self.proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                continue
            raise RuntimeError(f"the app exited with {code}:\n{self.log()}")
        raise TimeoutError(f"the app did not become healthy in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def offline_context(browser, base_url: str, blocked: list[str] | None = None, **kwargs):
    """A browser context in which every request that is not to ``base_url`` (or data:/blob:) is aborted."""
    context = browser.new_context(**kwargs)

    def route(r):
        url = r.request.url
        if url.startswith((base_url, "data:", "blob:")):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context


def map_frame(page, timeout: float = 60_000):
    """The map component's iframe's Frame, once Leaflet has drawn the map and its date tag in it."""
    handle = page.wait_for_selector(MAP_FRAME, state="attached", timeout=timeout)
    frame = handle.content_frame()
    frame.wait_for_selector(".leaflet-container .datetag", timeout=timeout)
    return frame


POLL_MS = 20
"""Waits poll on a timer, not on every animation frame (Playwright's default): a ``requestAnimationFrame``
loop makes Chromium draw a frame every 16 ms while it runs, which a user's page does not, and on two cores
that drawing slowed the very step being timed. The times themselves come from in-page probes, not polls."""


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit reports no script running (its status widget says nothing)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               || !/running/i.test(document.querySelector('[data-testid="stStatusWidget"]').innerText)""",
        timeout=timeout, polling=POLL_MS)


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


def slider_thumb(page):
    return page.locator('[data-testid="stSlider"] input[type="range"]').first


def shown_day(frame) -> str:
    """The date the map's layers are drawn for (the date tag's ``data-date``)."""
    return frame.get_attribute(".datetag", "data-date")


class Step(NamedTuple):
    day: str  # the date stepped to
    ms: float  # keydown -> the date tag showed it
    key_time: float  # the keydown, in the page's clock (ms since the epoch)


def step_latency(page, frame, key: str = "ArrowRight", timeout: float = 30_000) -> Step:
    """Press ``key`` on the focused slider and time it (``frame_latency`` adds the frame after)."""
    day = shown_day(frame)
    expected = (date.fromisoformat(day) + timedelta(days=1 if key == "ArrowRight" else -1)).isoformat()
    before = page.evaluate("() => window.__atlasKeys.length")
    page.keyboard.press(key)
    frame.wait_for_function("d => window.__atlasProbe && (d in window.__atlasProbe.seen)", arg=expected,
                            timeout=timeout, polling=POLL_MS)
    t_key = page.evaluate("i => window.__atlasKeys[i]", before)
    t_tag = frame.evaluate("d => window.__atlasProbe.seen[d]", expected)
    return Step(expected, t_tag - t_key, t_key)


def frame_latency(frame, step: Step, timeout: float = 30_000) -> float:
    """Keydown -> the start of the frame after the date tag showed the step's date, in ms."""
    frame.wait_for_function("d => d in window.__atlasProbe.frame", arg=step.day, timeout=timeout,
                            polling=POLL_MS)
    return frame.evaluate("d => window.__atlasProbe.frame[d]", step.day) - step.key_time


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run(steps: int, data_dir: Path | None, start_day: str | None, zoom: int) -> dict:
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with AppServer(data_dir) as server, sync_playwright() as pw:
        browser = launch(pw)
        try:
            context = offline_context(browser, server.url, blocked, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            query = f"?date={start_day}" if start_day else ""
            t0 = time.perf_counter()
            page.goto(server.url + "/" + query)
            frame = map_frame(page)
            first_load = time.perf_counter() - t0
            wait_idle(page)
            frame.evaluate("z => { window.map.setZoom(z); }", zoom)
            frame.wait_for_function("z => window.map.getZoom() === z", arg=zoom)
            wait_idle(page)
            frame.evaluate("() => { window.__atlasFrameToken = Math.random(); }")
            token = frame.evaluate("() => window.__atlasFrameToken")
            frame.evaluate(INSTALL_PROBES)
            page.evaluate(INSTALL_KEY_PROBE)
            slider_thumb(page).focus()
            latencies, to_frame = [], []
            for _ in range(steps):
                step = step_latency(page, frame)
                latencies.append(step.ms)
                to_frame.append(frame_latency(frame, step))
                wait_idle(page)
            kept_frame = frame.evaluate("() => window.__atlasFrameToken") == token
            kept_zoom = frame.evaluate("() => window.map.getZoom()") == zoom
            second = context.new_page()  # the same view again, now that the server is warm
            t0 = time.perf_counter()
            second.goto(server.url + "/" + query)
            map_frame(second)
            warm_load = time.perf_counter() - t0
        finally:
            browser.close()
    return {"steps": steps, "p50": round(percentile(latencies, 0.5)), "p95": round(percentile(latencies, 0.95)),
            "frame_p50": round(percentile(to_frame, 0.5)), "frame_p95": round(percentile(to_frame, 0.95)),
            "first_load_s": first_load, "warm_load_s": warm_load, "latencies_ms": latencies,
            "iframe_kept": kept_frame,
            "zoom_kept": kept_zoom, "blocked_requests": sorted(set(blocked))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="slider steps to time (default 30)")
    parser.add_argument("--data", type=Path, default=None, help="atlas folder (default: the repository's)")
    parser.add_argument("--date", default="2020-10-01", help="start date (default 2020-10-01)")
    parser.add_argument("--zoom", type=int, default=9, help="zoom set before the first step (default 9)")
    args = parser.parse_args(argv)
    result = run(args.steps, args.data, args.date, args.zoom)
    lat = result["latencies_ms"]
    print(f"first load (fresh server): {result['first_load_s']:.2f} s; "
          f"second load (warm server): {result['warm_load_s']:.2f} s")
    print(f"slider key -> layers updated over {len(lat)} steps: p50 {percentile(lat, .5):.0f} ms, "
          f"p95 {percentile(lat, .95):.0f} ms, mean {statistics.mean(lat):.0f} ms, min {min(lat):.0f} ms, "
          f"max {max(lat):.0f} ms")
    print(f"slider key -> next frame drawn: p50 {result['frame_p50']} ms, p95 {result['frame_p95']} ms")
    print(f"map iframe kept: {result['iframe_kept']}; zoom kept: {result['zoom_kept']}")
    if result["blocked_requests"]:
        print("blocked non-local requests: " + ", ".join(result["blocked_requests"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
