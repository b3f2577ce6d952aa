"""The app in Debian's Chromium (Playwright), with every non-local request blocked.

One app server (free port, own process group) for the module, started on a tiny atlas from conftest.
Nothing sleeps: every wait is on a condition (health endpoint, selectors, JS predicates).
"""

from pathlib import Path

import pytest

from tests.browser_harness import (
    CHROMIUM,
    MAP_FRAME,
    wait_idle,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]

FEATURE_IDS = "() => { const ids = []; window.map.eachLayer(l => { if (l.feature) ids.push(l.feature.id); });" \
              " return ids; }"


CANVAS_POINT_IN_WEST = """() => {
  const r = window.map.getContainer().getBoundingClientRect();
  for (let lat = 39.9; lat > 39.05; lat -= 0.1) for (let lon = 46.05; lon < 46.35; lon += 0.1) {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    const el = document.elementFromPoint(r.left + p.x, r.top + p.y);
    if (el && el.tagName === "CANVAS") return [p.x, p.y];
  }
  throw new Error("the west zone is covered everywhere");
}"""


def test_the_map_renders_with_no_network(open_app):
    page, frame, blocked, errors = open_app("?date=2020-11-12")
    assert frame.locator(".leaflet-container").count() == 1
    assert frame.get_attribute(".datetag", "data-date") == "2020-11-12"
    assert frame.inner_text(".datetag") == "12 Nov 2020"
    assert frame.locator(".atlas-legend").count() == 1
    ids = frame.evaluate(FEATURE_IDS)
    assert {"control_zones:z-west-az", "control_zones:z-east-az", "peacekeeper_posts:p1", "areas:e3"} <= set(ids)
    assert frame.evaluate("() => typeof L") == "object"  # Leaflet came from the app, not a CDN
    assert blocked == [] and errors == []


def test_markers_are_placed_with_2d_transforms(open_app):
    """A 3D transform per marker makes Chromium re-layerize the page on every step (see MapSupport)."""
    page, frame, _, _ = open_app("?date=2020-11-12")
    transforms = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-marker-icon')].map(el => el.style.transform)")
    assert transforms and all(t.startswith("translate(") for t in transforms)


def _received(page) -> list[bytes]:
    """Every websocket message the page receives from now on (Streamlit's deltas, binary)."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(
        f if isinstance(f, bytes) else f.encode())))
    return frames


def test_a_step_in_the_map_swaps_the_zones_in_place_and_the_app_follows_without_resending_the_map(browser, server):
    from tests.browser_harness import map_frame, offline_context

    context = offline_context(browser, server.url, [], viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    frames = _received(page)
    page.goto(f"{server.url}/?date=2020-11-09")
    frame = map_frame(page)
    wait_idle(page)
    frame.evaluate("() => window.map.setZoom(10)")
    frame.wait_for_function("() => window.map.getZoom() === 10")
    page.wait_for_url("**view=**")  # the new view reaches the app (permalink), without a remount
    wait_idle(page)
    assert any(b"keyDates" in f for f in frames)  # the history came once, with the first runs
    page.locator(MAP_FRAME).evaluate("el => { el.dataset.probe = 'kept'; }")
    frame.evaluate("() => { window.__probe = 'same document'; }")
    assert "control_zones:z-west-arm" in frame.evaluate(FEATURE_IDS)
    sent_before = len(frames)

    frame.locator(".tc-slider").focus()
    page.keyboard.press("ArrowRight")
    frame.wait_for_function("() => document.querySelector('.datetag').dataset.date === '2020-11-10'")
    ids = frame.evaluate(FEATURE_IDS)
    assert "control_zones:z-west-az" in ids and "control_zones:z-west-arm" not in ids
    assert frame.get_attribute(".tc-slider", "aria-valuetext") == "10 November 2020"

    page.wait_for_url("**date=2020-11-10**")  # the pause sent the date to the app: link, counts, panels follow
    page.get_by_text("(2020-10-12 to 2020-11-10) match the date and filters").wait_for()
    wait_idle(page)
    assert frame.evaluate("() => window.__probe") == "same document"  # the iframe was not reloaded
    assert page.locator(MAP_FRAME).evaluate("el => el.dataset.probe") == "kept"  # nor replaced
    assert frame.evaluate("() => window.map.getZoom()") == 10
    assert frame.locator(".datetag").count() == 1
    after = frames[sent_before:]
    assert after and not any(b"keyDates" in f or b"leaflet.js" in f for f in after)  # no history, no base map
    assert frame.evaluate("() => atlasEngine.date()") == "2020-11-10"  # the app's answer did not move the map
    context.close()


def test_a_key_date_chosen_in_the_app_moves_the_map_in_place(open_app):
    page, frame, _, errors = open_app("?date=2020-11-09")
    frame.evaluate("() => { window.__probe = 'same document'; }")
    page.get_by_role("combobox", name="Jump to a key date").click()
    page.get_by_role("option", name="2022-12-12: Blockade of the Lachin corridor begins").click()
    frame.wait_for_function("() => document.querySelector('.datetag').dataset.date === '2022-12-12'")
    page.wait_for_url("**date=2022-12-12**")
    assert frame.evaluate("() => window.__probe") == "same document"
    assert frame.get_attribute(".tc-slider", "aria-valuetext") == "12 December 2022"
    assert errors == []


def test_clicking_a_zone_opens_its_popup_and_lists_its_sources_in_the_side_panel(open_app):
    page, frame, blocked, _ = open_app("?date=2020-11-12&layers=zones")
    x, y = frame.evaluate(CANVAS_POINT_IN_WEST)  # a point of the west zone with nothing drawn over it
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})

    popup = frame.locator(".atlas-popup")
    popup.wait_for()
    assert popup.locator(".pp-title").inner_text() == "Azerbaijani forces"
    link = popup.locator("a", has_text="Report B")
    assert link.get_attribute("href") == "https://example.org/b"
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener noreferrer"

    side = page.locator(".atlas-side")
    side.wait_for()
    assert side.locator(".side-title").inner_text() == "Azerbaijani forces"
    assert side.get_by_text("Sources (1)").count() == 1
    side_link = side.locator('a[href="https://example.org/b"]')
    assert side_link.inner_text() == "Report B" and side_link.get_attribute("target") == "_blank"
    page.wait_for_url("**sel=control_zones%3Az-west-az**")
    assert frame.locator(".atlas-popup").count() == 1  # the rerun kept the map, and the popup open
    assert blocked == []


def test_a_permalink_restores_the_date_and_the_layers(open_app):
    page, frame, _, _ = open_app("?date=2021-05-12&layers=zones,incidents")
    assert frame.get_attribute(".tc-slider", "aria-valuetext") == "12 May 2021"
    assert frame.get_attribute(".datetag", "data-date") == "2021-05-12"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_label("Border incidents", exact=True).is_checked()
    assert not sidebar.get_by_label("Events", exact=True).is_checked()
    assert not sidebar.get_by_label("Peacekeeper posts", exact=True).is_checked()
    ids = frame.evaluate(FEATURE_IDS)
    assert "border_incidents:i1" in ids and "control_zones:z-west-az" in ids
    assert not [i for i in ids if i.startswith(("events:", "peacekeeper_posts:"))]


def test_a_layer_toggle_brings_a_new_history_and_the_map_keeps_its_date_and_zoom(open_app):
    page, frame, _, errors = open_app("?date=2020-11-12")
    frame.evaluate("() => window.map.setZoom(9)")
    frame.wait_for_function("() => window.map.getZoom() === 9")
    frame.evaluate("() => { window.__probe = 'same document'; }")
    frame.locator(".tc-slider").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**date=2020-11-13**")
    wait_idle(page)
    assert "events" in frame.evaluate("() => atlasEngine.visibleIds()")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_test_id("stCheckbox").filter(has=page.get_by_text("Events", exact=True)).click()
    frame.wait_for_function("() => !('events' in atlasEngine.visibleIds())")
    assert frame.evaluate("() => atlasEngine.date()") == "2020-11-13"
    assert frame.evaluate("() => window.map.getZoom()") == 9 and frame.evaluate("() => window.__probe")
    ids = frame.evaluate(FEATURE_IDS)
    assert not [i for i in ids if i.startswith("events:")] and "control_zones:z-west-az" in ids
    assert errors == []


def test_a_reloaded_map_frame_asks_for_the_map_again_and_shows_the_apps_date(open_app):
    """A frame that lost what it held (reloaded, remounted) says so, and Python sends the base map and history."""
    page, frame, _, errors = open_app("?date=2021-05-12")
    frame.evaluate("() => { window.__before = true; setTimeout(() => location.reload(), 0); }")
    frame.wait_for_function("() => !window.__before && window.atlasEngine && atlasEngine.date() === '2021-05-12'"
                            " && document.querySelector('.datetag')")
    assert "control_zones:z-west-az" in frame.evaluate(FEATURE_IDS)
    assert frame.get_attribute(".tc-slider", "aria-valuetext") == "12 May 2021"
    assert errors == []
