"""Load (``python -m dashboard bench --load``): 20 browser sessions scrub dates against one app server.

Bounded: ``SESSIONS`` sessions in one Chromium, a fixed scrubbing period, at most ``MAX_PRESSES`` key presses
per session, pressed round robin so every session keeps the server busy. Reports the key presses handled and
the server's memory (RSS) idle, with one session (the atlas loaded), with every session open and after the
scrubbing. Behaviour is checked, not timed: an error in a page, a session that does not end on the date its
presses lead to, an exception shown by the app, a non-local request, a traceback in the server's log or an
unhealthy server is listed under ``errors``, and the bench exits 1.

This ran as a test until issue 11; on the project's 2-core machine it took ~6 minutes of ``make test``, most
of it opening the 20 sessions. CI runs it through the bench (``.ci/run``); the suite keeps a two-session
run of the same code (tests/test_bench_load.py) for the behaviour.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from .bench_browser import harness

SESSIONS = 20
SCRUB_SECONDS = 30.0
MAX_PRESSES = 40  # per session: keeps the run bounded on a slow machine
START = "2020-10-01"
SETTLE_MS = 120_000  # how long a session may take to catch up with its presses once the scrubbing stops


def rss_kb(pid: int) -> int:
    """Resident memory of a process, in KB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def _open(browser, server, n: int, errors: list[str], blocked: list[str]) -> tuple[list[dict], int]:
    """Open ``n`` sessions on ``START``; also the server's RSS once the first one (which loads the atlas) is up."""
    h = harness()
    sessions, first = [], 0
    for i in range(n):
        context = h.offline_context(browser, server.url, blocked, viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.on("pageerror", lambda exc, i=i: errors.append(f"session {i}: page error: {exc}"))
        page.goto(f"{server.url}/?date={START}")
        sessions.append({"context": context, "page": page, "frame": h.map_frame(page), "presses": 0})
        h.wait_idle(page)
        if i == 0:
            first = rss_kb(server.proc.pid)
    return sessions, first


def _scrub(sessions: list[dict], seconds: float, max_presses: int, clock) -> None:
    """Press ArrowRight in each session in turn until the time is up or each has pressed ``max_presses``."""
    deadline = clock() + seconds
    while clock() < deadline and any(s["presses"] < max_presses for s in sessions):
        for s in sessions:
            if s["presses"] < max_presses:
                s["frame"].locator(".tc-slider").focus()  # the map's own date control
                s["page"].keyboard.press("ArrowRight")
                s["presses"] += 1


def _settle(sessions: list[dict], errors: list[str]) -> None:
    """Wait for each session to show the date its presses lead to; list the ones that do not, or show an error."""
    from playwright.sync_api import Error as PlaywrightError

    h = harness()
    for i, s in enumerate(sessions):
        expected = (date.fromisoformat(START) + timedelta(days=s["presses"])).isoformat()
        try:
            h.wait_idle(s["page"], timeout=SETTLE_MS)
            h.wait_shown_day(s["frame"], expected, timeout=SETTLE_MS)
            s["page"].wait_for_url(f"**date={expected}**", timeout=SETTLE_MS)  # the app followed the map
        except PlaywrightError as exc:
            shown = h.shown_day(s["frame"])
            errors.append(f"session {i}: shows {shown}, not {expected} after {s['presses']} presses "
                          f"({type(exc).__name__})")
        if s["page"].locator('[data-testid="stException"]').count():
            errors.append(f"session {i}: the app shows an exception")


def run_sessions(browser, server, sessions: int = SESSIONS, scrub_seconds: float = SCRUB_SECONDS,
                 max_presses: int = MAX_PRESSES) -> dict:
    """Run the load against a started ``AppServer`` in a launched Chromium; figures and ``errors``."""
    import time

    errors: list[str] = []
    blocked: list[str] = []
    idle = rss_kb(server.proc.pid)
    opened, first = _open(browser, server, sessions, errors, blocked)
    all_open = rss_kb(server.proc.pid)
    _scrub(opened, scrub_seconds, max_presses, time.monotonic)
    _settle(opened, errors)
    after = rss_kb(server.proc.pid)
    for s in opened:
        s["context"].close()
    try:
        server.wait_healthy(10)
    except (RuntimeError, TimeoutError) as exc:
        errors.append(f"server: {exc}")
    errors += [f"blocked non-local request: {url}" for url in sorted(set(blocked))]
    if "Traceback" in server.log():
        errors.append("server: a traceback in the log:\n" + server.log())
    further = (after - first) / max(1, sessions - 1) / 1024
    return {"sessions": sessions, "key_presses": sum(s["presses"] for s in opened), "scrub_s": scrub_seconds,
            "presses_per_session": [s["presses"] for s in opened],
            "server_rss_mb": {"idle": idle // 1024, "one_session": first // 1024, "all_open": all_open // 1024,
                              "after_scrub": after // 1024, "per_further_session": round(further, 1)},
            "errors": errors}


def run(data_dir: Path | None = None, sessions: int = SESSIONS, scrub_seconds: float = SCRUB_SECONDS,
        max_presses: int = MAX_PRESSES) -> dict:
    """Start the app (on ``data_dir``, default the repository's atlas) and Chromium, and run the load."""
    from playwright.sync_api import sync_playwright

    h = harness()
    with h.AppServer(data_dir) as server, sync_playwright() as pw:
        browser = h.launch(pw)
        try:
            return run_sessions(browser, server, sessions, scrub_seconds, max_presses)
        finally:
            browser.close()
