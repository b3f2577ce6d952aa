"""The map in a person's hands (issue 17): clicks land where aimed, the page scrolls, the legend leaves room,
stacked markers are each reachable, every drawn layer is clickable, tiles that cannot load are announced.

Chromium at the issue's window sizes, every non-local request blocked, on conftest's tiny atlas.
"""

from pathlib import Path

import pytest

from dashboard.bench_browser import CHROMIUM, MAP_FRAME, map_frame, offline_context, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

PAGE_SCROLL = """() => Math.max(0, ...[document.scrollingElement, ...document.querySelectorAll(
  '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')].filter(Boolean).map(e => e.scrollTop))"""


@pytest.fixture
def open_at(browser, server):
    """``open_at(query, viewport) -> (page, frame, blocked)``: the app at a window size, network off."""
    contexts = []

    def go(query: str = "", viewport=DESKTOP):
        blocked: list[str] = []
        context = offline_context(browser, server.url, blocked, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/{query}")
        frame = map_frame(page)
        page.wait_for_url("**view=**")  # the map has settled on its first view (it reports it once still)
        wait_idle(page)
        return page, frame, blocked

    yield go
    for context in contexts:
        context.close()


def frame_box(page) -> dict:
    return page.locator(MAP_FRAME).bounding_box()


WEST_ZONE_POINT = """() => {
  // A point of the west zone, in the map's container, with nothing but the zone's canvas under it.
  const r = window.map.getContainer().getBoundingClientRect();
  for (let lat = 39.95; lat > 39.05; lat -= 0.05) for (let lon = 46.05; lon < 46.95; lon += 0.05) {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    const el = document.elementFromPoint(r.left + p.x, r.top + p.y);
    if (el && el.tagName === "CANVAS") return {x: p.x, y: p.y, lat: lat, lng: lon};
  }
  throw new Error("the west zone is covered everywhere");
}"""


def test_the_first_click_lands_where_aimed_and_does_not_scroll_the_page(open_at):
    page, frame, _ = open_at("?date=2020-11-12&layers=zones")
    box = frame_box(page)
    assert box["y"] + box["height"] > DESKTOP["height"]  # the map does not fit the window (the case)
    target = frame.evaluate(WEST_ZONE_POINT)
    assert box["y"] + target["y"] < DESKTOP["height"] - 20  # aimed at a visible point
    frame.evaluate("() => { window.__clicks = []; document.addEventListener('click', "
                   "e => window.__clicks.push(window.map.mouseEventToContainerPoint(e)), true); }")
    before = page.evaluate(PAGE_SCROLL)
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])  # a real first click, in page pixels

    popup = frame.locator(".atlas-popup")
    popup.wait_for()
    assert popup.locator(".pp-title").inner_text() == "Azerbaijani forces"
    assert page.evaluate(PAGE_SCROLL) == before
    landed = frame.evaluate("() => window.__clicks[0]")  # where the click met the map, in its own pixels
    assert abs(landed["x"] - target["x"]) <= 1 and abs(landed["y"] - target["y"]) <= 1


def test_the_wheel_over_the_map_scrolls_the_page_and_ctrl_wheel_zooms(open_at):
    page, frame, _ = open_at("?date=2020-11-12")
    zoom = frame.evaluate("() => window.map.getZoom()")
    box = frame_box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 200)
    before = page.evaluate(PAGE_SCROLL)
    page.mouse.wheel(0, 400)
    page.wait_for_function(f"() => ({PAGE_SCROLL})() > {before}")
    assert frame.evaluate("() => window.map.getZoom()") == zoom
    assert frame.locator(".atlas-hint").is_visible()  # says how to zoom

    box = frame_box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 100)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -200)
    page.keyboard.up("Control")
    frame.wait_for_function(f"() => window.map.getZoom() > {zoom}")


LEGEND_AND_SCALE = """() => {
  const map = window.map.getContainer().getBoundingClientRect();
  const legend = document.querySelector('.atlas-legend').getBoundingClientRect();
  const scale = document.querySelector('.leaflet-control-scale').getBoundingClientRect();
  const w = Math.max(0, Math.min(map.right, legend.right) - Math.max(map.left, legend.left));
  const h = Math.max(0, Math.min(map.bottom, legend.bottom) - Math.max(map.top, legend.top));
  const overlap = !(legend.right <= scale.left || scale.right <= legend.left || legend.bottom <= scale.top
                    || scale.bottom <= legend.top);
  const atScale = document.elementFromPoint(scale.left + 3, scale.top + scale.height / 2);
  return {covered: w * h / (map.width * map.height), overlap: overlap, scale: scale.width * scale.height,
          scaleOnTop: !!(atScale && atScale.closest('.leaflet-control-scale'))};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_legend_starts_compact_opens_on_a_click_and_leaves_the_map_and_the_scale_visible(open_at, viewport):
    page, frame, _ = open_at("?date=2020-11-12", viewport)
    legend = frame.locator(".atlas-legend")
    assert not legend.locator("details").evaluate("d => d.open")  # compact at first
    closed = frame.evaluate(LEGEND_AND_SCALE)
    legend.locator("summary").click()
    frame.wait_for_function("() => document.querySelector('.atlas-legend details').open")
    assert legend.get_by_text("Azerbaijani forces").is_visible()
    opened = frame.evaluate(LEGEND_AND_SCALE)
    for state in (closed, opened):
        assert state["covered"] <= 0.25  # the legend's box leaves at least 75 % of the map visible
        assert state["scale"] > 0 and not state["overlap"] and state["scaleOnTop"]
