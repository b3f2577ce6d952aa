"""Compare mode in Debian's Chromium (Playwright): the changed areas are drawn, clickable, and sourced.

Same harness as tests/test_browser.py (free port, every non-local request blocked, waits on conditions),
on a tiny atlas whose control changes table matches its zones.
"""

from pathlib import Path

import pytest

from tests.browser_harness import CHROMIUM, AppServer
from tests.conftest import make_atlas, write_csv
from tests.test_browser import CANVAS_POINT_IN_WEST, FEATURE_IDS
from tests.test_diff import CHANGE_COLUMNS, CHANGES, ZONES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # replaces fixtures_browser.server: this atlas has a control changes table
    root = make_atlas(tmp_path_factory.mktemp("browser-compare") / "atlas", layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    with AppServer(root) as app:
        yield app


def test_compare_mode_shows_the_changed_areas_and_their_sources(open_app):
    page, frame, blocked, errors = open_app("?compare=2020-10-31..2020-11-20")
    frame.wait_for_function(f"() => ({FEATURE_IDS})().includes('compare:arm-to-az-1')")
    assert frame.inner_text(".datetag") == "2020-10-31 → 2020-11-20"
    panel = page.locator(".cmp-panel")
    panel.wait_for()
    assert "Gained by Azerbaijani forces" in panel.inner_text()
    assert panel.locator('a[href="https://example.org/b"]').first.inner_text() == "Report B"
    assert "Changes from 2020-10-31 to 2020-11-20" in page.locator(".cmp-legend").inner_text()

    x, y = frame.evaluate(CANVAS_POINT_IN_WEST)  # a point of the changed area with nothing drawn over it
    frame.locator(".leaflet-container").click(position={"x": x, "y": y})
    popup = frame.locator(".atlas-popup")
    popup.wait_for()
    assert popup.locator(".pp-title").inner_text() == "To Azerbaijani forces"
    assert popup.locator('a[href="https://example.org/a"]').inner_text() == "Report <b>A</b>"  # text, not HTML

    area = page.locator(".cmp-area")
    area.wait_for()
    assert area.get_attribute("data-area") == "arm-to-az-1"
    assert area.locator(".cmp-settlements li").all_inner_texts() == ["West / Arevmutk (Qərb): 2020-11-01 (confirmed)"]
    assert area.locator('a[href="https://example.org/a"]').count() == 1
    page.wait_for_url("**compare=2020-10-31..2020-11-20**")
    assert blocked == [] and errors == []
