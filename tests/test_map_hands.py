"""The map package on issue 17's points: the export's popups, the peacekeeping outline, imprecise events, tiles."""

import json
import re

from dashboard.core.atlas import load_atlas
from dashboard.core.permalink import ViewState
from dashboard.core.query import state_on
from dashboard.map.layers import date_view
from dashboard.map.page import export_html

from .conftest import EAST, SOURCES, WEST, make_atlas, zone

MANY = [{"source_id": f"src-{i}", "outlet": f"Outlet {i}", "title": f"Zone report {i}", "published": "2020-11-10",
         "url": f"https://example.org/{i}"} for i in range(9)]


def many_sourced_atlas(root):
    zones = [zone("z-west-az", WEST, "AZ", "1994-05-12", sources=[s["source_id"] for s in MANY]),
             zone("z-east-az", EAST, "AZ", "1994-05-12")]
    return load_atlas(make_atlas(root, sources=[*SOURCES, *MANY], layers={"control_zones": zones}))


def test_the_html_export_lists_every_source_and_points_to_no_side_panel(tmp_path):
    atlas = many_sourced_atlas(tmp_path / "a")
    page = export_html(atlas, ViewState("2020-11-12", layers=("zones",)))
    assert set(re.findall(r'"m":(\d+)', page)) == {"0"}  # no popup says "+ N more in the side panel"
    for source in MANY:
        assert json.dumps(source["title"]) in page  # all nine, not five and "+ 4 more in the side panel"


def test_the_app_keeps_five_sources_per_popup(tmp_path):
    atlas = many_sourced_atlas(tmp_path / "a")
    view = json.loads(date_view(atlas, state_on(atlas, "2020-11-12")).to_json())
    [zones] = [layer for layer in view["layers"] if layer["name"] == "control_zones"]
    popup = next(f for f in zones["features"] if f["id"] == "control_zones:z-west-az")["properties"]["_p"]
    assert len(popup["s"]) == 5 and popup["m"] == 4
