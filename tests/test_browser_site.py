"""The one-page atlas (``python -m dashboard export-site``) and its date control, in Chromium from ``file://``.

Every request that is not ``file:``/``data:`` is aborted. The page runs the same engine (engine.js) and date
control (control.js) as the app's map component.
"""

from pathlib import Path

import pytest

from dashboard.cli import main as cli
from dashboard.core import changes
from dashboard.core.atlas import default_data_dir, load_atlas
from dashboard.core.timemodel import EventWindow
from dashboard.map.site import export_site
from tests.browser_harness import CHROMIUM

from .conftest import make_atlas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]

MAX_SITE_BYTES = 5 * 1024 * 1024
TAG_DATE = "() => document.querySelector('.datetag').dataset.date"
CANVAS_POINT_IN_WEST = """() => {
  const r = window.map.getContainer().getBoundingClientRect();
  for (let lat = 39.9; lat > 39.05; lat -= 0.1) for (let lon = 46.05; lon < 46.35; lon += 0.1) {
    const p = window.map.latLngToContainerPoint([lat, lon]);
    const el = document.elementFromPoint(r.left + p.x, r.top + p.y);
    if (el && el.tagName === "CANVAS") return [r.left + p.x, r.top + p.y];
  }
  throw new Error("the west zone is covered everywhere");
}"""


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return make_atlas(tmp_path_factory.mktemp("site") / "atlas")


@pytest.fixture(scope="module")
def tiny_site(tiny_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site-out")
    assert cli(["export-site", "--data", str(tiny_dir), "--out", str(out), "--date", "2020-11-12"]) == 0
    return out / "index.html"


def shown(page) -> str:
    return page.evaluate(TAG_DATE)


def test_export_site_writes_one_page_that_works_offline_at_its_date(tiny_site, offline_file_page):
    assert [p.name for p in tiny_site.parent.iterdir()] == ["index.html"]
    page, blocked = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    assert shown(page) == "2020-11-12" and page.inner_text(".datetag") == "12 Nov 2020"
    assert page.locator(".atlas-legend").count() == 1
    ids = page.evaluate("() => atlasEngine.visibleIds()")
    assert ids["control_zones"] == ["z-west-az", "z-east-az"] and ids["peacekeeper_posts"] == ["p1"]
    assert page.evaluate("() => typeof L") == "object" and blocked == []


def test_the_page_opens_at_the_date_in_its_address_and_keeps_the_address_on_the_date(tiny_site, offline_file_page):
    page, blocked = offline_file_page(tiny_site)
    page.goto(tiny_site.as_uri() + "#date=2021-05-12")
    page.wait_for_function("() => window.atlasEngine")
    assert shown(page) == "2021-05-12"
    assert page.evaluate("() => atlasEngine.visibleIds()")["border_incidents"] == ["i1"]
    page.evaluate("() => { location.hash = '#date=2020-11-09'; }")  # a link followed in the same page
    page.wait_for_function(TAG_DATE + " === '2020-11-09'")
    page.focus(".tc-slider")
    page.keyboard.press("End")
    page.wait_for_function("() => location.hash === '#date=2024-06-12'")
    assert blocked == []


def test_popups_carry_their_sources_and_names_and_toggles_switch_in_the_page(tiny_site, offline_file_page):
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    assert page.locator(".atlas-settings").get_attribute("open") is not None  # open on a wide screen
    x, y = page.evaluate(CANVAS_POINT_IN_WEST)
    page.mouse.click(x, y)
    popup = page.locator(".atlas-popup")
    popup.wait_for()
    assert popup.locator(".pp-title").inner_text() == "Azerbaijani forces"
    link = popup.locator("a", has_text="Report B")
    assert link.get_attribute("href") == "https://example.org/b" and link.get_attribute("rel") == "noopener noreferrer"
    labels = "() => [...document.querySelectorAll('.place-label')].map(e => e.textContent)"
    assert "West / Arevmutk" in page.evaluate(labels)
    page.get_by_label("Azerbaijani", exact=True).check()
    assert "Qərb" in page.evaluate(labels) and "West / Arevmutk" not in page.evaluate(labels)
    page.get_by_label("Control zones", exact=True).uncheck()
    assert page.evaluate("() => atlasEngine.visibleIds()")["control_zones"] == []
    ids = page.evaluate("() => { const ids = []; map.eachLayer(l => { if (l.feature) ids.push(l.feature.id); });"
                        " return ids; }")
    assert not [i for i in ids if i.startswith("control_zones:")] and "peacekeeper_posts:p1" in ids
    page.get_by_label("Place names", exact=True).uncheck()
    assert page.locator(".place-label").count() == 0


def test_the_event_window_counts_an_event_on_each_of_its_days(tiny_dir, offline_file_page, tmp_path):
    atlas = load_atlas(tiny_dir)
    page, _ = offline_file_page(export_site(atlas, tmp_path, "2020-11-16", window=EventWindow(since="2020-11-02")))
    page.wait_for_function("() => window.atlasEngine")
    assert sorted(page.evaluate("() => atlasEngine.visibleIds()")["events"]) == ["e2", "e3"]  # e3 runs 1-3 Nov
    page.select_option(".atlas-settings select", "all")
    assert sorted(page.evaluate("() => atlasEngine.visibleIds()")["events"]) == ["e1", "e2", "e3"]
    page.select_option(".atlas-settings select", "7")
    assert page.evaluate("() => atlasEngine.visibleIds()")["events"] == ["e2"]


@pytest.mark.parametrize(("key", "day", "announced"), [
    ("ArrowRight", "2020-11-13", "13 November 2020"), ("ArrowLeft", "2020-11-11", "11 November 2020"),
    ("PageUp", "2020-12-12", "12 December 2020"), ("PageDown", "2020-10-12", "12 October 2020"),
    ("Home", "1994-05-12", "12 May 1994"), ("End", "2024-06-12", "12 June 2024"),
])
def test_the_keyboard_moves_the_date_and_the_slider_announces_it(tiny_site, offline_file_page, key, day, announced):
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    page.focus(".tc-slider")
    page.keyboard.press(key)
    assert shown(page) == day and page.evaluate("() => atlasEngine.date()") == day
    assert page.get_attribute(".tc-slider", "aria-valuetext") == announced
    assert page.inner_text(".tc-date") == announced


def test_the_control_is_reached_by_tab_and_shows_its_focus(tiny_site, offline_file_page):
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('tc-slider')"):
            break
    else:
        pytest.fail("Tab never reached the date slider")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert style[0] != "none" and style[1] >= 2
    assert page.get_attribute(".tc-slider", "aria-label") == "Date"


def test_previous_and_next_change_buttons_step_through_the_change_days(tiny_dir, tiny_site, offline_file_page):
    days = changes.change_days(load_atlas(tiny_dir))
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    page.click(".tc-next")
    assert shown(page) == days[days.index("2020-11-12") + 1]
    page.click(".tc-prev")
    page.click(".tc-prev")
    assert shown(page) == days[days.index("2020-11-12") - 1]
    page.focus(".tc-slider")
    page.keyboard.press("End")
    assert page.is_disabled(".tc-next") and not page.is_disabled(".tc-prev")


def test_play_by_change_visits_each_change_day_and_stops_at_the_end(tiny_dir, tiny_site, offline_file_page):
    days = changes.change_days(load_atlas(tiny_dir))
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    page.evaluate("""() => { window.__days = []; window.__pressed = [];
      atlasEngine.onDate((d, source) => { if (source !== 'play') return; window.__days.push(d);
        window.__pressed.push(document.querySelector('.tc-play').getAttribute('aria-pressed')); }); }""")
    page.select_option(".tc-settings select >> nth=0", "change")
    page.select_option(".tc-settings select >> nth=1", "60")
    page.click(".tc-play")
    page.wait_for_function("() => document.querySelector('.tc-play').getAttribute('aria-pressed') === 'false'")
    assert page.evaluate("() => window.__days") == [d for d in days if d > "2020-11-12"]
    assert set(page.evaluate("() => window.__pressed")) == {"true"} and shown(page) == days[-1] == "2024-06-12"


def test_play_by_day_draws_every_day_until_paused(tiny_site, offline_file_page):
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    page.evaluate("() => { window.__days = [];"
                  " atlasEngine.onDate((d, s) => { if (s === 'play') window.__days.push(d); }); }")
    page.click(".tc-play")
    page.wait_for_function("() => window.__days.length >= 12")
    page.click(".tc-play")
    visited = page.evaluate("() => window.__days")
    expected = [f"2020-11-{d:02d}" for d in range(13, 31)] + [f"2020-12-{d:02d}" for d in range(1, 32)]
    assert visited == expected[:len(visited)]
    assert page.get_attribute(".tc-play", "aria-pressed") == "false"


def test_a_phone_can_tap_the_date_and_the_control_fits_its_width(offline_file_page, tiny_site):
    first, _ = offline_file_page(tiny_site)
    context = first.context.browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page = context.new_page()
    page.goto(tiny_site.as_uri())
    page.wait_for_function("() => window.atlasEngine")
    box = page.locator(".tc-slider").bounding_box()
    assert box["height"] >= 32 and box["width"] >= 300  # a full-width touch target of its own row
    page.touchscreen.tap(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)
    page.wait_for_function(TAG_DATE + " !== '2020-11-12'")
    day = page.evaluate("() => atlasEngine.dateNumber()")
    assert page.get_attribute(".tc-slider", "aria-valuetext") == page.evaluate("n => atlas.days.longText(n)", day)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    bar = page.locator(".atlas-timebar").bounding_box()
    assert bar["x"] >= 0 and bar["x"] + bar["width"] <= 390 and bar["y"] + bar["height"] <= 844
    context.close()


def test_the_bundled_atlas_fits_in_five_megabytes(tmp_path):
    path = export_site(load_atlas(default_data_dir()), tmp_path, "2020-11-10")
    assert path.stat().st_size <= MAX_SITE_BYTES


CELLS = """() => { const out = []; map.eachLayer(l => { if (l.feature && /^(user_)?cells:/.test(l.feature.id))
  out.push([l.feature.id, l.feature.geometry.coordinates, l.feature.properties._p.t, l.feature.properties._p.f,
            l.feature.properties._s.fillColor, l.feature.properties._s.radius]); }); return out; }"""


@pytest.mark.parametrize("compact", [False, True], ids=["features", "columns"])
def test_above_the_marker_threshold_the_browser_counts_events_by_cell_as_the_server_did(
        tiny_dir, offline_file_page, tmp_path, monkeypatch, compact):
    from dashboard.core.query import state_on
    from dashboard.map import history
    from dashboard.map.layers import aggregate_events

    monkeypatch.setattr(history, "MAX_EVENT_MARKERS", 2)
    if compact:
        monkeypatch.setattr(history, "COMPACT_EVENTS", 2)
    atlas = load_atlas(tiny_dir)  # a fresh atlas: the history is built with the thresholds above
    page, _ = offline_file_page(export_site(atlas, tmp_path, "2020-11-16", window=EventWindow()))
    page.wait_for_function("() => window.atlasEngine")
    want = aggregate_events(state_on(atlas, "2020-11-16", EventWindow()).events)
    got = sorted(page.evaluate(CELLS))
    assert got == sorted([f["id"], f["geometry"]["coordinates"], f["properties"]["_p"]["t"],
                          f["properties"]["_p"]["f"], f["properties"]["_s"]["fillColor"],
                          f["properties"]["_s"]["radius"]] for f in want)
    assert len(got) == 3 and page.evaluate("() => atlasEngine.visibleIds().events.length") == 3
    page.select_option(".atlas-settings select", "7")  # one event: drawn as itself again, with its popup
    ids = page.evaluate("() => { const ids = []; map.eachLayer(l => { if (l.feature) ids.push(l.feature.id); });"
                        " return ids; }")
    assert "events:e2" in ids and not page.evaluate(CELLS)
    popup = page.evaluate("() => { let p; map.eachLayer(l => { if (l.feature && l.feature.id === 'events:e2')"
                          " p = l.feature.properties._p; }); return p; }")
    if compact:
        assert popup["t"] == "Deployment" and ["Date", "2020-11-15"] in popup["f"]
        assert any(k == "Sources" and "side panel" in v for k, v in popup["f"])
    else:
        assert popup["t"] == "Deployment: East" and [s[0] for s in popup["s"]] == ["Report <b>A</b>", "Report B"]


def test_every_change_day_is_a_slider_position_and_quiet_years_take_few(tiny_dir, tiny_site, offline_file_page):
    page, _ = offline_file_page(tiny_site)
    page.wait_for_function("() => window.atlasEngine")
    days = page.evaluate("""() => { const s = document.querySelector('.tc-slider'), out = [];
      for (let v = 0; v <= +s.max; v++) { s.value = String(v); s.dispatchEvent(new Event('input'));
        out.push(atlasEngine.date()); } return out; }""")
    assert days == sorted(set(days)) and days[0] == "1994-05-12" and days[-1] == "2024-06-12"
    assert set(changes.change_days(load_atlas(tiny_dir))) <= set(days)
    assert sum(d < "2020-11-10" for d in days) <= 40  # 26 quiet years: a few positions, not a third of the track
    assert {f"2020-11-{d}" for d in range(10, 31)} <= set(days)  # after a change, every day has its own
