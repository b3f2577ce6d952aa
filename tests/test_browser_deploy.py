"""Streamlit's conventions: a plain ``streamlit run dashboard/app.py`` (no Makefile flags) serves the vendored map
offline from .streamlit/config.toml, and on a 390x844 phone the sidebar starts collapsed and the map fits.

Same harness as test_browser.py: free port, own process group, every non-local request blocked, no sleeps.
"""

from pathlib import Path

import pytest

from tests.browser_harness import CHROMIUM, MAP_FRAME, AppServer

from .conftest import SOURCES, make_atlas
from .fixtures_browser import app_opener
from .test_browser import CANVAS_POINT_IN_WEST

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1400, "height": 1000}}
# A real source title's length (the 2020 ceasefire statement's), so that a popup is as wide as it gets.
LONG_TITLE = ("Statement by President of the Republic of Azerbaijan, Prime Minister of the Republic of Armenia "
              "and President of the Russian Federation")
SIDEBAR = """() => { const r = document.querySelector('[data-testid="stSidebar"]').getBoundingClientRect();
  return r.width > 0 && r.right > 0; }"""
BOX = "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    sources = [SOURCES[0], {**SOURCES[1], "title": LONG_TITLE}]
    atlas = make_atlas(tmp_path_factory.mktemp("plain") / "atlas", sources=sources)
    with AppServer(atlas, plain=True) as app:
        yield app


@pytest.fixture
def open_plain(browser, plain_server):
    with app_opener(browser, plain_server) as go:
        yield lambda query, device: go(query, **device)


def test_plain_streamlit_run_serves_the_vendored_map_offline(open_plain, plain_server):
    page, frame, blocked, errors = open_plain("?date=2020-11-12", DESKTOP)
    assert frame.evaluate("() => typeof L") == "object"
    scripts = frame.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert all(s.startswith(f"{plain_server.url}/") for s in scripts)
    assert any(s.endswith("/vendor/leaflet/1.9.3/leaflet.js") for s in scripts)  # the component's own copy
    assert frame.locator(".atlas-legend").count() == 1
    assert page.evaluate(SIDEBAR)  # a wide screen starts with the sidebar open
    assert blocked == [] and errors == []


def test_on_a_phone_the_sidebar_is_collapsed_and_the_map_comes_first(open_plain):
    page, frame, blocked, errors = open_plain("?date=2020-11-12", PHONE)
    assert not page.evaluate(SIDEBAR)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    left, top, right, _ = page.locator(MAP_FRAME).evaluate(BOX)
    assert 0 <= left and right <= 390 and top < 844  # the map starts on the first screen
    slider = frame.locator(".tc-slider").evaluate(BOX)  # the date control: the map's own, above the map
    map_top = frame.locator(".leaflet-container").evaluate(BOX)[1]
    assert 0 <= left + slider[0] and left + slider[2] <= 390 and top + slider[3] < 844 and slider[3] <= map_top
    side = page.locator(".atlas-side, .side-empty").first
    side.wait_for()
    assert side.evaluate(BOX)[1] > top  # the side panel comes after the map
    width, height = frame.evaluate("() => [window.innerWidth, window.innerHeight]")
    legend = frame.locator(".atlas-legend").evaluate(BOX)
    assert 0 <= legend[0] and legend[2] <= width and 0 <= legend[1] and legend[3] <= height
    assert blocked == [] and errors == []


def test_on_a_phone_a_popup_fits_the_map(open_plain):
    page, frame, _, _ = open_plain("?date=2020-11-12&layers=zones", PHONE)
    x, y = frame.evaluate(CANVAS_POINT_IN_WEST)
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})
    frame.locator(".atlas-popup").wait_for()
    assert frame.locator(".atlas-popup a", has_text=LONG_TITLE[:40]).count() == 1
    width = frame.evaluate("() => window.innerWidth")
    fits = "w => { const r = document.querySelector('.leaflet-popup').getBoundingClientRect(); " \
           "return r.left >= 0 && r.right <= w; }"
    frame.wait_for_function(fits, arg=width)  # once the map has panned to show it (autoPan, animated)
    frame.wait_for_function("() => document.querySelector('.leaflet-popup').getBoundingClientRect().top >= "
                            "document.querySelector('.datetag').getBoundingClientRect().bottom")  # title not hidden
    frame.wait_for_function("() => document.querySelector('.leaflet-popup').getBoundingClientRect().bottom <= "
                            "window.map.getContainer().getBoundingClientRect().bottom")  # nor its end
    left, _, right, _ = frame.locator(".leaflet-popup").evaluate(BOX)
    assert 0 <= left and right <= width and right - left <= width - 40

    # a popup longer than the map (a crowded point's list) scrolls inside, within the map
    frame.evaluate("""() => atlas.openFeature(window.map, {properties: {_p: {t: "Forty facts", s: [], m: 0,
        f: Array.from({length: 40}, (_, i) => ["Fact " + i, "a value"])}}}, window.map.getCenter())""")
    frame.wait_for_function("() => document.querySelector('.leaflet-popup-scrolled')")
    frame.wait_for_function("() => document.querySelector('.leaflet-popup').getBoundingClientRect().bottom <= "
                            "window.map.getContainer().getBoundingClientRect().bottom")
