"""The map package on issue 17's points: the export's popups, the peacekeeping outline, imprecise events, tiles."""

import json
import re

from dashboard.core.atlas import load_atlas
from dashboard.core.permalink import ViewState
from dashboard.core.query import not_shown, state_on
from dashboard.core.registry import describe, find_feature, parse_ref
from dashboard.map.layers import date_view
from dashboard.map.page import export_html

from .conftest import EAST, SOURCES, WEST, default_layers, make_atlas, zone

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


def test_the_peacekeeping_outline_is_clickable_and_cites_the_zones_sources(tmp_path):
    zones = default_layers()["control_zones"]
    zones[1]["properties"].update(peacekeeping_zone=True, peacekeeping_stage="deployed")  # z-west-az, src-b
    atlas = load_atlas(make_atlas(tmp_path / "a", layers={"control_zones": zones}))
    view = json.loads(date_view(atlas, state_on(atlas, "2020-11-12")).to_json())
    [layer] = [layer for layer in view["layers"] if layer["name"] == "peacekeeping"]
    assert layer["popup"] and layer["interactive"] and layer["features"][0]["properties"]["_s"].get(
        "interactive", True)
    [outline] = layer["features"]
    assert outline["id"] == "peacekeeping:z-west-az"
    popup = outline["properties"]["_p"]
    assert popup["t"] == "Russian peacekeeping zone" and ["Stage", "deployed"] in popup["f"]
    assert [s[0] for s in popup["s"]] == ["Report B"]


    assert parse_ref("ref peacekeeping:z-west-az") == ("peacekeeping", "z-west-az")  # the side panel finds it
    record = find_feature(atlas, "peacekeeping", "z-west-az")
    assert describe(atlas, "peacekeeping", record).sources[0]["source_id"] == "src-b"
    assert not_shown("peacekeeping", record, "2020-11-12") is None
    assert find_feature(atlas, "peacekeeping", "z-east-az") is None  # not a peacekeeping zone
