"""The map in a person's hands (issue 17): clicks land where aimed, the page scrolls, the legend leaves room,
stacked markers are each reachable, every drawn layer is clickable, tiles that cannot load are announced.

Chromium at the issue's window sizes, every non-local request blocked, on conftest's tiny atlas.
"""

from pathlib import Path

import pytest
from shapely.geometry import box, mapping

from tests.browser_harness import CHROMIUM, MAP_FRAME, AppServer, map_frame, offline_context, wait_idle

from .conftest import EVENTS, PLACES, default_layers, make_atlas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

PAGE_SCROLL = """() => Math.max(0, ...[document.scrollingElement, ...document.querySelectorAll(
  '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main')].filter(Boolean).map(e => e.scrollTop))"""


# conftest's atlas, plus: the east zone in the peacekeeping zone, a capture at the border incident's point on its
# day, three region-level events placed at West, and a city and a town whose labels would overprint West's.
CROWDED_PLACES = [
    *PLACES,
    {"place_id": "big", "name_en": "Big City / Mets Kaghak", "name_az": "Böyük", "name_hy": "Mets", "lat": "39.505",
     "lon": "46.47", "district": "Alpha", "area": "nkao", "kind": "city", "source_ids": "src-a"},
    {"place_id": "near", "name_en": "Near Town", "name_az": "Yaxın", "name_hy": "Mot", "lat": "39.495",
     "lon": "46.52", "district": "Alpha", "area": "nkao", "kind": "town", "source_ids": "src-a"},
]
CROWDED_EVENTS = [
    *EVENTS,
    {**EVENTS[0], "event_id": "cap", "date": "2021-05-12", "event_type": "capture", "location": "Border post",
     "place_id": "", "lat": "40.1", "lon": "45.9", "summary": "Capture claimed."},
    *({**EVENTS[0], "event_id": f"reg{i}", "date": f"2020-10-0{i + 2}", "geo_precision": "region",
       "location": f"Front sector {i}", "summary": f"Region-wide report {i}."} for i in range(3)),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    layers = default_layers()
    layers["control_zones"][2]["properties"].update(peacekeeping_zone=True, peacekeeping_stage="deployed")
    layers["countries"] = [{"type": "Feature", "properties": {"name": "Test land"},  # the vector basemap's land
                            "geometry": mapping(box(44.0, 38.0, 49.0, 41.5))}]
    atlas = make_atlas(tmp_path_factory.mktemp("hands") / "atlas", places=CROWDED_PLACES, events=CROWDED_EVENTS,
                       layers=layers)
    with AppServer(atlas) as app:
        yield app


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
  // A point of the west zone with nothing but the zone's canvas under it: in the map's own pixels (x, y) and in
  // the frame's (fx, fy: the date control sits above the map).
  const r = window.map.getContainer().getBoundingClientRect();
  for (let lat = 39.95; lat > 39.05; lat -= 0.05) for (let lon = 46.05; lon < 46.95; lon += 0.05) {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    const el = document.elementFromPoint(r.left + p.x, r.top + p.y);
    if (el && el.tagName === "CANVAS") return {x: p.x, y: p.y, fx: r.left + p.x, fy: r.top + p.y, lat: lat, lng: lon};
  }
  throw new Error("the west zone is covered everywhere");
}"""


def test_the_first_click_lands_where_aimed_and_does_not_scroll_the_page(open_at):
    page, frame, _ = open_at("?date=2020-11-12&layers=zones")
    box = frame_box(page)
    assert box["y"] + box["height"] > DESKTOP["height"]  # the map does not fit the window (the case)
    target = frame.evaluate(WEST_ZONE_POINT)
    assert box["y"] + target["fy"] < DESKTOP["height"] - 20  # aimed at a visible point
    frame.evaluate("() => { window.__clicks = []; document.addEventListener('click', "
                   "e => window.__clicks.push(window.map.mouseEventToContainerPoint(e)), true); }")
    before = page.evaluate(PAGE_SCROLL)
    page.mouse.click(box["x"] + target["fx"], box["y"] + target["fy"])  # a real first click, in page pixels

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
    top = frame.evaluate("() => window.map.getContainer().getBoundingClientRect().top")  # under the date control
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + top + 100)
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


def click_latlng(page, frame, lat, lng):
    """A real click at a point of the map, in page pixels."""
    box = frame_box(page)
    p = frame.evaluate("ll => { const p = window.map.latLngToContainerPoint(ll), "
                       "r = window.map.getContainer().getBoundingClientRect(); "
                       "return {x: r.left + p.x, y: r.top + p.y}; }", [lat, lng])  # the date control is above
    page.mouse.click(box["x"] + p["x"], box["y"] + p["y"])


def test_two_stacked_markers_are_both_reachable(open_at):
    page, frame, _ = open_at("?date=2021-05-12&layers=incidents,events&view=40.1,45.9,10")
    titles = set()
    for choice in ("Capture: Border post", "Border incident: incursion"):
        frame.evaluate("() => window.map.closePopup()")
        # a closed popup fades out for 200 ms before it leaves the page: wait until none is left
        frame.wait_for_function("() => !document.querySelector('.leaflet-popup')")
        click_latlng(page, frame, 40.1, 45.9)
        chooser = frame.locator(".atlas-chooser")
        chooser.wait_for()
        options = chooser.locator(".pp-choice")
        assert options.count() == 2
        options.filter(has_text=choice).click()
        popup = frame.locator(".atlas-popup:not(.atlas-chooser)")
        popup.wait_for()
        titles.add(popup.locator(".pp-title").inner_text())
    assert titles == {"Capture: Border post", "Border incident: incursion"}


def test_region_level_events_are_one_marker_that_lists_them(open_at):
    page, frame, _ = open_at("?date=2020-10-10&layers=events&window=all&view=39.5,46.5,9")
    marker = frame.locator(".event-area")
    assert marker.count() == 1 and marker.inner_text() == "3"
    marker.click()
    chooser = frame.locator(".atlas-chooser")
    chooser.wait_for()
    assert "3 events somewhere in the region around West / Arevmutk" in chooser.locator(".pp-title").inner_text()
    assert chooser.locator(".pp-choice").count() == 4  # the area's three, and the event drawn at its point
    assert chooser.locator(".pp-choice", has_text="Shelling: West").count() == 1
    assert "Also at this point" in chooser.inner_text()
    chooser.locator(".pp-choice", has_text="Front sector 1").click()
    popup = frame.locator(".atlas-popup:not(.atlas-chooser)")
    popup.wait_for()
    assert "somewhere in Front sector 1" in popup.inner_text()
    page.locator(".atlas-side").get_by_text("Shelling: Front sector 1").wait_for()  # the side panel follows
    rings = frame.evaluate("""() => { const out = []; window.map.eachLayer(l => {
      if (l instanceof L.Circle) out.push([l.getLatLng().lat, l.getRadius(), l.options.fill]); }); return out; }""")
    assert len(rings) == len({(lat, r) for lat, r, _ in rings}) and not any(fill for _, _, fill in rings)


LABEL_BOXES = """() => [...document.querySelectorAll('.place-label')].filter(el => el.style.visibility !== 'hidden')
  .map(el => { const r = el.getBoundingClientRect(); return [el.textContent, r.left, r.top, r.right, r.bottom]; })"""


def overlapping(boxes):
    return [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]]


def test_place_labels_do_not_overprint_and_the_city_keeps_its_name(open_at):
    page, frame, _ = open_at("?date=2020-11-12&layers=zones,places&view=39.5,46.5,8")
    frame.wait_for_function("() => window.map.getZoom() === 8")  # the link's view, not the first fit's
    boxes = frame.evaluate(LABEL_BOXES)
    assert overlapping(boxes) == [] and "Big City / Mets Kaghak" in [b[0] for b in boxes]
    assert len(boxes) < 3  # some gave way at this zoom
    frame.evaluate("() => window.map.setZoom(13, {animate: false})")
    frame.wait_for_function(f"() => ({LABEL_BOXES})().length === 3")
    assert overlapping(frame.evaluate(LABEL_BOXES)) == []


def test_the_peacekeeping_zone_outline_opens_its_popup_with_sources(open_at):
    page, frame, _ = open_at("?date=2020-11-12&layers=peacekeeping&view=39.2,47.5,9")
    click_latlng(page, frame, 39.0, 47.5)  # on the east zone's southern edge
    popup = frame.locator(".atlas-popup")
    popup.wait_for()
    assert popup.locator(".pp-title").inner_text() == "Russian peacekeeping zone"
    assert popup.locator('a[href="https://example.org/a"]').count() == 1
    side = page.locator(".atlas-side")
    side.get_by_text("Russian peacekeeping zone").wait_for()
    assert "Not on the map" not in page.locator(".atlas-panel").inner_text()


def test_tiles_that_cannot_load_are_announced_and_the_borders_stay_on_top(open_at):
    page, frame, blocked = open_at("?date=2020-11-12&basemap=osm")
    notice = frame.locator(".atlas-notice")
    notice.wait_for()  # every tile request is blocked here, as offline
    assert "Map tiles could not load" in notice.inner_text()
    assert any("tile.openstreetmap.org" in url for url in blocked)
    panes = frame.evaluate("""() => ['tilePane', 'atlasLand', 'atlasBorders', 'overlayPane'].map(n => {
      const pane = window.map.getPane(n);
      return pane ? [+getComputedStyle(pane).zIndex, pane.querySelectorAll('canvas, path').length] : null; })""")
    (tiles, _), (land, land_drawn), (borders, borders_drawn), (overlay, _) = panes
    assert land < tiles < overlay < borders  # land under the tiles, borders over them and the zones
    assert land_drawn and borders_drawn
