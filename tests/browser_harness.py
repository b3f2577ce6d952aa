"""The browser harness shared by the browser tests and ``python -m dashboard bench``: an app server on a free
port, Debian's Chromium through Playwright with every non-local request blocked, and the waits on the page.

It lives with the tests, not in the shipped package; the bench imports it from a source checkout
(``dashboard.bench_browser.harness``). Nothing here sleeps: every wait polls a condition.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from dashboard.ui.mapcomponent import FRAME_TITLE

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
MAP_FRAME = f'iframe[title="{FRAME_TITLE}"]'
"""The map component's iframe (tests and the bench use this constant; the title is the component's own)."""

POLL_MS = 20
"""Waits poll on a timer, not on every animation frame (Playwright's default): a ``requestAnimationFrame``
loop makes Chromium draw a frame every 16 ms while it runs, which a user's page does not, and on two cores
that drawing slowed the very step being timed. The times themselves come from in-page probes, not polls."""


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
    """Debian's Chromium, headless (Playwright's own browser download is not reachable)."""
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
    """The map iframe's Frame, once Leaflet has drawn the map and its date tag in it."""
    handle = page.wait_for_selector(MAP_FRAME, state="attached", timeout=timeout)
    frame = handle.content_frame()
    frame.wait_for_selector(".leaflet-container .datetag", timeout=timeout)
    return frame


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit reports no script running (its status widget says nothing)."""
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
               || !/running/i.test(document.querySelector('[data-testid="stStatusWidget"]').innerText)""",
        timeout=timeout, polling=POLL_MS)


def date_slider(frame):
    """The map's date slider (in the map's frame): focus it, then press arrow keys."""
    return frame.locator(".tc-slider")


def shown_day(frame) -> str:
    """The date the map's layers are drawn for (the date tag's ``data-date``)."""
    return frame.get_attribute(".datetag", "data-date")


def wait_shown_day(frame, day: str, timeout: float = 30_000) -> None:
    """Wait until the map's date tag shows ``day``."""
    frame.wait_for_function(
        "d => document.querySelector('.datetag') && document.querySelector('.datetag').dataset.date === d",
        arg=day, timeout=timeout, polling=POLL_MS)
