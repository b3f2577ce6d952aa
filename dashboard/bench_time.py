"""The browser's half of ``python -m dashboard bench --browser``: the time engine and its control, measured.

Every figure is taken in the page (``performance.now`` on the page's clock): the key press by a capturing
``keydown`` listener, the new date by a MutationObserver on the date tag (set after every layer of the date
is swapped in), and the frame after it by ``requestAnimationFrame`` then ``setTimeout(0)`` (when Leaflet's
canvas has been painted). The harness (app server, Chromium, offline contexts) is imported by name from
the browser harness module.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from .bench_browser import harness

STEPS = 40
SYNC_STEPS = 8
PLAY_SECONDS = 3.0
PROBES = """
() => {
  if (window.__time) return;
  const T = window.__time = {keys: [], seen: {}, frame: {}, samples: [], sampling: false};
  const now = () => performance.timeOrigin + performance.now();
  document.addEventListener('keydown', () => T.keys.push(now()), true);
  const tag = document.querySelector('.datetag');
  new MutationObserver(() => {
    const day = tag.dataset.date;
    if (day in T.seen) return;
    T.seen[day] = now();
    requestAnimationFrame(() => setTimeout(() => { T.frame[day] = now(); }, 0));
  }).observe(tag, {attributes: true, childList: true, characterData: true, subtree: true});
  T.sample = () => {  // the date on screen at each frame, while sampling
    if (!T.sampling) return;
    T.samples.push([now(), tag.dataset.date]);
    requestAnimationFrame(T.sample);
  };
}
"""


def _stats(values: list[float]) -> dict:
    from .bench import percentiles

    return percentiles(values) if values else {"p50": None, "p95": None, "n": 0}


def _next(day: str, days: int = 1) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def step_frames(frame, keyboard, steps: int = STEPS, timeout: float = 30_000) -> list[float]:
    """Press ArrowRight on the focused slider ``steps`` times; keydown -> the frame after the new date, in ms."""
    out = []
    for _ in range(steps):
        before = frame.evaluate("() => window.__time.keys.length")
        expected = _next(frame.evaluate("() => atlasEngine.date()"))
        keyboard.press("ArrowRight")
        frame.wait_for_function("d => d in window.__time.frame", arg=expected, timeout=timeout,
                                polling=harness().POLL_MS)
        out.append(frame.evaluate("([i, d]) => window.__time.frame[d] - window.__time.keys[i]", [before, expected]))
    return out


def _rate(samples: list[list]) -> float:
    """Distinct dates per second over the frames in which the date changed."""
    changes = [t for (t, d), (_, prev) in zip(samples[1:], samples[:-1], strict=False) if d != prev]
    if len(changes) < 2:
        return 0.0
    return round((len(changes) - 1) / (changes[-1] - changes[0]) * 1000, 1)


DRAG = """([start, end, per]) => new Promise(done => {
  const s = document.querySelector('.tc-slider'), T = window.__time;
  atlasEngine.setDate(start);
  let v = +s.value;
  const last = (() => { atlasEngine.setDate(end); const e = +s.value; atlasEngine.setDate(start); return e; })();
  T.samples = []; T.sampling = true; T.sample();
  const move = () => {  // one pointer event per frame, as Chromium delivers a drag (mousemove is frame-aligned)
    v = Math.min(v + per, last);
    s.value = String(v);
    s.dispatchEvent(new Event('input', {bubbles: true}));
    if (v < last) requestAnimationFrame(move);
    else requestAnimationFrame(() => { T.sampling = false; done(T.samples); });
  };
  requestAnimationFrame(move);
})"""


def drag_fps(frame, start: str = "2021-01-01", days: int = 365, per_frame: int = 3) -> tuple[float, int]:
    """Drag across ``days`` days with one input event per frame, ``per_frame`` slider positions each.

    Playwright's mouse moves arrive slower than a hand's (each is a round trip to the browser: about 20 per
    second here), so the drag is driven in the page: the slider's value moved and its ``input`` event fired
    once per animation frame, the path a real drag takes. Returns dates drawn per second and how many.
    """
    samples = frame.evaluate(DRAG, [start, _next(start, days), per_frame])
    return _rate(samples), len({d for _, d in samples})


def mouse_drag_fps(page, frame, start: str = "2021-01-01", days: int = 365) -> tuple[float, int]:
    """Drag the slider's thumb with Playwright's mouse across ``days`` days; dates drawn per second, and how many."""
    frame.evaluate("d => atlasEngine.setDate(d)", start)
    box = frame.locator(".tc-slider").bounding_box()
    top = frame.evaluate("() => +document.querySelector('.tc-slider').max")
    thumb = 8  # half of Chromium's range thumb: the value's line runs between the thumb's centres

    def x_of(day: str) -> float:
        at = frame.evaluate("d => { atlasEngine.setDate(d); return +document.querySelector('.tc-slider').value; }",
                            day)
        return box["x"] + thumb + at / top * (box["width"] - 2 * thumb)

    y = box["y"] + box["height"] / 2
    x0, x1 = x_of(start), x_of(_next(start, days))
    frame.evaluate("d => atlasEngine.setDate(d)", start)
    page.mouse.move(x0, y)
    page.mouse.down()
    frame.evaluate("() => { window.__time.samples = []; window.__time.sampling = true; window.__time.sample(); }")
    page.mouse.move(x1, y, steps=max(60, int((x1 - x0) * 4)))
    page.mouse.up()
    samples = frame.evaluate("() => { window.__time.sampling = false; return window.__time.samples; }")
    return _rate(samples), len({d for _, d in samples})


def play_fps(frame, speed: str = "60", seconds: float = PLAY_SECONDS) -> float:
    """Play by day at ``speed`` steps per second for ``seconds``; dates drawn per second."""
    frame.evaluate("() => atlasEngine.setDate('2020-09-27')")
    frame.select_option(".tc-field-step select", "1")
    frame.select_option(".tc-field-speed select", speed)
    frame.evaluate("() => { window.__time.samples = []; window.__time.sampling = true; window.__time.sample(); }")
    frame.click(".tc-play")
    deadline = time.monotonic() + seconds
    frame.wait_for_function("t => Date.now() >= t", arg=time.time() * 1000 + seconds * 1000,
                            timeout=seconds * 1000 + 30_000, polling=100)
    assert time.monotonic() >= deadline - 0.5
    frame.click(".tc-play")
    samples = frame.evaluate("() => { window.__time.sampling = false; return window.__time.samples; }")
    return _rate(samples)


def _received(page) -> list[int]:
    sizes: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: sizes.append(len(f))))
    return sizes


def panel_sync(page, frame, sizes: list[int], steps: int = SYNC_STEPS) -> tuple[list[float], list[float]]:
    """Step once and wait until the app's counts show the date: ms from the key press, and KB received."""
    times, kbs = [], []
    for _ in range(steps):
        harness().wait_idle(page)
        expected = _next(frame.evaluate("() => atlasEngine.date()"))
        text = f"to {expected}) match the date"
        page.evaluate("""t => { window.__sync = null; const seen = () => document.body.innerText.includes(t);
          new MutationObserver((_, obs) => { if (!window.__sync && seen()) {
            window.__sync = performance.timeOrigin + performance.now(); obs.disconnect(); } })
            .observe(document.body, {childList: true, subtree: true, characterData: true}); }""", text)
        before_keys, before_bytes = frame.evaluate("() => window.__time.keys.length"), len(sizes)
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => window.__sync", timeout=60_000, polling=harness().POLL_MS)
        harness().wait_idle(page)
        t_key = frame.evaluate("i => window.__time.keys[i]", before_keys)
        times.append(page.evaluate("() => window.__sync") - t_key)
        kbs.append(sum(sizes[before_bytes:]) / 1024)
    return times, kbs


def app_figures(data_dir: Path | None, progress=lambda msg: None) -> dict:
    """The app's map in Chromium: step, drag, play, panel sync and bytes."""
    from playwright.sync_api import sync_playwright

    out: dict = {}
    with harness().AppServer(data_dir) as server, sync_playwright() as pw:
        browser = harness().launch(pw)
        try:
            context = harness().offline_context(browser, server.url, [], viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            sizes = _received(page)
            page.goto(f"{server.url}/?date=2020-10-01")
            frame = harness().map_frame(page)
            harness().wait_idle(page)
            frame.wait_for_function("() => window.atlasEngine")
            harness().wait_idle(page)
            out["page_once_kb"] = round(sum(sizes) / 1024)
            frame.evaluate(PROBES)
            frame.locator(".tc-slider").focus()
            progress("  step")
            out["browser_step_frame_ms"] = _stats(step_frames(frame, page.keyboard))
            harness().wait_idle(page)
            progress("  panel sync")
            times, kbs = panel_sync(page, frame, sizes)
            out["panel_sync_ms"] = _stats(times)
            out["step_message_kb"] = _stats(kbs)
            progress("  drag")
            out["browser_drag_fps"], out["browser_drag_dates"] = drag_fps(frame)
            out["browser_mouse_drag_fps"], out["browser_mouse_drag_dates"] = mouse_drag_fps(page, frame)
            harness().wait_idle(page)
            progress("  play")
            out["browser_play_fps"] = play_fps(frame)
        finally:
            browser.close()
    return out


def site_figures(atlas, suffix: str = "") -> dict:
    """The one-page atlas (file://): its size and the step figure (``suffix``: e.g. "100k" for a big atlas)."""
    from playwright.sync_api import sync_playwright

    from .map.site import export_site

    tail = f"_{suffix}" if suffix else ""
    with tempfile.TemporaryDirectory(prefix="atlas-site-") as tmp, sync_playwright() as pw:
        path = export_site(atlas, Path(tmp), "2020-10-01")
        out = {f"site_kb{tail}": round(path.stat().st_size / 1024)}
        browser = harness().launch(pw)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            start = time.perf_counter()
            page.goto(path.as_uri(), timeout=120_000)
            page.wait_for_function("() => window.atlasEngine", timeout=120_000)
            out[f"site_open_ms{tail}"] = round((time.perf_counter() - start) * 1000)
            page.evaluate(PROBES)
            page.focus(".tc-slider")
            out[f"browser_step_frame_ms{tail}" if suffix else "site_step_frame_ms"] = _stats(
                step_frames(page, page.keyboard))
        finally:
            browser.close()
    return out
