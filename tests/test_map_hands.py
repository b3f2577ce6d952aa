"""The map package on issue 17's points: the export's popups, the peacekeeping outline, imprecise events, tiles."""

import json
import re

from dashboard.core.atlas import load_atlas
from dashboard.core.permalink import ViewState
from dashboard.core.query import not_shown, state_on
from dashboard.core.registry import describe, find_feature, parse_ref
from dashboard.core.timemodel import EventWindow
from dashboard.map.layers import date_view
from dashboard.map.page import export_html

from .conftest import EAST, EVENTS, SOURCES, WEST, default_layers, make_atlas, zone

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


def drawn(view) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for layer in json.loads(view.to_json())["layers"]:
        out.setdefault(layer["name"], []).extend(layer["features"])
    return out


def test_region_level_events_at_one_place_are_one_marker_with_a_count_and_one_ring(tmp_path):
    region = [{**EVENTS[0], "event_id": f"r{i}", "geo_precision": "region", "location": f"Front sector {i}",
               "date": f"2020-10-0{i + 1}"} for i in range(5)]
    district = [{**EVENTS[0], "event_id": f"d{i}", "geo_precision": "district", "location": "Alpha district"}
                for i in range(2)]
    atlas = load_atlas(make_atlas(tmp_path / "a", events=[*EVENTS, *region, *district]))
    layers = drawn(date_view(atlas, state_on(atlas, "2020-10-10", EventWindow())))
    assert [f["id"] for f in layers["events"]] == ["events:e1"]  # only the settlement-level event is a dot at West
    areas = {f["properties"]["geo_precision"]: f for f in layers["areas"]}
    assert set(areas) == {"district", "region"}
    region_marker = areas["region"]["properties"]
    assert region_marker["_s"]["label"] == "5"
    assert region_marker["_p"]["t"] == "5 events somewhere in the region around West / Arevmutk (region-level)"
    assert [i["id"] for i in region_marker["_items"]] == [f"events:r{i}" for i in range(5)]  # each reachable
    assert areas["district"]["properties"]["_p"]["t"] == "2 events somewhere in Alpha district (district-level)"
    # The rendering check: one ring per point and precision, none filled, so nothing piles up into a disc.
    rings = layers["halos"]
    keys = [(tuple(f["geometry"]["coordinates"]), f["properties"]["_s"]["radius"]) for f in rings]
    assert len(keys) == len(set(keys)) == 3  # settlement, district and region rings at West
    assert not any(f["properties"]["_s"].get("fill") or f["properties"]["_s"].get("fillOpacity") for f in rings)


def test_the_side_panel_says_what_an_imprecise_location_means(atlas):
    record = find_feature(atlas, "events", "e3")  # region-level, "Outside"
    facts = dict(describe(atlas, "events", record).facts)
    assert facts["Location precision"] == ("region: somewhere in Outside; the map marks the area at its "
                                           "coordinates, not the place it happened")
    assert dict(describe(atlas, "events", find_feature(atlas, "events", "e1")).facts)["Location precision"] == \
        "settlement: in or near West (within about 3 km)"  # its location as the row gives it


def test_the_real_atlas_draws_no_pile_of_halos_over_khankendi():
    atlas = load_atlas()
    layers = drawn(date_view(atlas, state_on(atlas, "2023-12-31", EventWindow())))
    keys = [(tuple(f["geometry"]["coordinates"]), f["properties"]["_s"]["radius"]) for f in layers["halos"]]
    assert len(keys) == len(set(keys)) and not any(f["properties"]["_s"].get("fill") for f in layers["halos"])
    at_khankendi = [f for f in layers["areas"] if f["geometry"]["coordinates"] == [46.7528, 39.8177]]
    precisions = [f["properties"]["geo_precision"] for f in at_khankendi]
    assert sorted(precisions) == sorted(set(precisions)) and "region" in precisions  # one marker per precision
    region = next(f for f in at_khankendi if f["properties"]["geo_precision"] == "region")
    assert int(region["properties"]["_s"]["label"]) >= 20  # one marker, counting them


def test_a_tile_basemap_keeps_the_vector_land_under_and_the_borders_over_the_tiles(tmp_path):
    from shapely.geometry import box as square
    from shapely.geometry import mapping

    from dashboard.map.component import base_args

    root = make_atlas(tmp_path / "a")
    (root / "geodata" / "countries.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(square(44, 38, 49, 41))}]}))
    atlas = load_atlas(root)
    tiles = base_args(atlas, "osm")["script"]
    assert '"pane":"atlasLand","zIndex":150' in tiles and '"pane":"atlasBorders","zIndex":450' in tiles
    assert "atlas.watchTiles(" in tiles and "Map tiles could not load" in tiles
    vector = base_args(atlas, "none")["script"]
    assert "atlas.watchTiles(" not in vector and "atlasBorders" not in vector and "countries:0" in vector
