"""Load: 20 concurrent sessions scrub dates for a fixed time against one app server, with zero errors.

Bounded: 20 browser sessions, a fixed scrubbing period, a bounded number of key presses per session. Prints
the figures (key presses handled, server memory per session) so they can be quoted; asserts only behaviour:
no error anywhere, every session ends on the date its presses lead to, the server stays healthy.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.bench_browser import CHROMIUM, AppServer, launch, map_frame, offline_context, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]

SESSIONS = 20
SCRUB_SECONDS = 30
MAX_PRESSES = 40  # per session: keeps the run bounded on a slow machine
START = "2020-10-01"


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def test_twenty_sessions_scrub_without_errors(capsys):
    import time

    from playwright.sync_api import sync_playwright

    with AppServer() as server, sync_playwright() as pw:
        browser = launch(pw)
        try:
            baseline = rss_kb(server.proc.pid)
            sessions, errors, blocked = [], [], []
            for i in range(SESSIONS):
                context = offline_context(browser, server.url, blocked, viewport={"width": 1200, "height": 900})
                page = context.new_page()
                page.on("pageerror", lambda exc, i=i: errors.append(f"session {i}: {exc}"))
                page.goto(f"{server.url}/?date={START}")
                sessions.append({"page": page, "frame": map_frame(page), "presses": 0})
                wait_idle(page)
                if i == 0:  # the first session also loads and caches the atlas: measure sessions after it
                    first = rss_kb(server.proc.pid)
            opened = rss_kb(server.proc.pid)
            deadline = time.monotonic() + SCRUB_SECONDS
            while time.monotonic() < deadline and any(s["presses"] < MAX_PRESSES for s in sessions):
                for s in sessions:  # round robin: every session keeps the server busy
                    if s["presses"] < MAX_PRESSES:
                        s["frame"].locator(".tc-slider").focus()  # the map's own date control
                        s["page"].keyboard.press("ArrowRight")
                        s["presses"] += 1
            for s in sessions:
                wait_idle(s["page"], timeout=120_000)
                expected = (date.fromisoformat(START) + timedelta(days=s["presses"])).isoformat()
                s["frame"].wait_for_function(
                    "d => document.querySelector('.datetag') && "
                    "document.querySelector('.datetag').getAttribute('data-date') === d", arg=expected,
                    timeout=120_000)
                s["page"].wait_for_url(f"**date={expected}**", timeout=120_000)  # the app followed the map
                assert s["page"].locator('[data-testid="stException"]').count() == 0
            after = rss_kb(server.proc.pid)
            server.wait_healthy(10)
        finally:
            browser.close()
    log = server.log()
    presses = sum(s["presses"] for s in sessions)
    with capsys.disabled():
        print(f"\nload: {SESSIONS} sessions, {presses} key presses in {SCRUB_SECONDS} s; server RSS "
              f"{baseline // 1024} MB idle, {first // 1024} MB with one session (atlas loaded), "
              f"{opened // 1024} MB with {SESSIONS} open, {after // 1024} MB after scrubbing: "
              f"{(after - first) / (SESSIONS - 1) / 1024:.1f} MB per further session")
    assert errors == []
    assert blocked == []
    assert "Traceback" not in log
