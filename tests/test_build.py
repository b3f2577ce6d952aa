"""Deriving the layers from tables, on a tiny grid of settlements."""

import shapely
from shapely.geometry import shape

from dashboard.core.atlas import load_atlas
from dashboard.core.build import build_all, dumps, write_layers
from dashboard.core.geodesy import area_km2
from dashboard.core.query import point_query
from tests.conftest import SOURCES, write_csv

PLACE_COLUMNS = ["place_id", "name_en", "name_az", "name_hy", "lat", "lon", "district", "area", "kind", "source_ids"]


def grid_places():
    """A 5x5 grid, 0.1 degree apart: the inner 3x3 is the mapped area (district West: x<=1, East: x>=2)."""
    rows = []
    for i in range(5):
        for j in range(5):
            inside = 1 <= i <= 3 and 1 <= j <= 3
            rows.append({"place_id": f"p{i}{j}", "name_en": f"P{i}{j}", "name_az": "", "name_hy": "",
                         "lat": f"{39.5 + 0.1 * i:.1f}", "lon": f"{46.5 + 0.1 * j:.1f}",
                         "district": "West" if j <= 1 else "East", "area": "nkao" if inside else "outside",
                         "kind": "village", "source_ids": "src-a"})
    rows.append({"place_id": "shrine", "name_en": "Shrine", "name_az": "", "name_hy": "", "lat": "39.7",
                 "lon": "46.75", "district": "East", "area": "nkao", "kind": "monastery", "source_ids": "src-a"})
    return rows


CHANGES = [
    {"change_id": "c0", "date": "1994-05-12", "date_precision": "day", "scope": "area:nkao", "controller": "ARM",
     "claim_status": "confirmed", "source_ids": "src-a"},
    {"change_id": "c1", "date": "2020-10-04", "date_precision": "day", "scope": "district:East",
     "controller": "AZ", "claim_status": "claimed", "source_ids": "src-b"},
    {"change_id": "c2", "date": "2020-10-15", "date_precision": "day", "scope": "district:East",
     "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-b"},
    {"change_id": "c3", "date": "2020-11-10", "date_precision": "day", "scope": "controller:ARM;-place:p11",
     "peacekeeping_zone": "yes", "claim_status": "confirmed", "source_ids": "src-b"},
]


def write_tables(root, changes=CHANGES):
    geo = root / "geodata"
    write_csv(geo / "sources.csv", SOURCES)
    write_csv(geo / "places.csv", grid_places(), PLACE_COLUMNS)
    write_csv(root / "events.csv", [], ["event_id", "date", "date_precision", "event_type", "location", "lat", "lon",
                                        "geo_precision", "claim_status", "summary", "source_ids"])
    write_csv(geo / "control_changes.csv", changes,
              ["change_id", "date", "date_precision", "scope", "controller", "peacekeeping_zone", "claim_status",
               "source_ids", "note"])
    write_csv(geo / "corridor_routes.csv", [
        {"waypoint_id": "w1", "route": "2020", "seq": "1", "place_id": "p20"},
        {"waypoint_id": "w2", "route": "2020", "seq": "2", "place_id": "p22"},
        {"waypoint_id": "w0", "route": "2020", "seq": "0", "place_id": "p21"},
    ])
    write_csv(geo / "corridor_status.csv", [
        {"status_id": "s1", "route": "2020", "status": "open", "valid_from": "2020-11-16",
         "valid_to": "2022-12-12", "source_ids": "src-b"},
        {"status_id": "s2", "route": "2020", "status": "blockaded", "valid_from": "2022-12-12",
         "valid_to": "2023-10-01", "source_ids": "src-b"},
    ])
    write_csv(geo / "peacekeeper_posts.csv", [
        {"post_id": "op", "name": "Observation post", "kind": "observation_post", "zone": "north", "count": "3",
         "place_id": "p22", "geo_precision": "region", "valid_from": "2020-11-12", "valid_to": "2024-06-12",
         "source_ids": "src-b"},
    ], ["post_id", "name", "kind", "zone", "count", "place_id", "geo_precision", "valid_from", "valid_to",
        "source_ids", "note"])
    write_csv(geo / "border_incidents.csv", [
        {"incident_id": "i1", "date": "2021-05-12", "date_end": "2021-05-14", "date_precision": "day",
         "incident_type": "incursion", "location": "Lake", "lat": "39.6", "lon": "46.3", "geo_precision": "exact",
         "claim_status": "disputed", "summary": "Troops advanced.", "source_ids": "src-a"},
    ])
    return root


def features_on(collection, day):
    return [f for f in collection["features"]
            if f["properties"]["valid_from"] <= day and (f["properties"]["valid_to"] is None
                                                         or day < f["properties"]["valid_to"])]


def test_zones_tile_the_outline_without_overlap_on_every_change_day(tmp_path):
    layers, problems = build_all(write_tables(tmp_path))
    assert problems == []
    outline = shape(layers["mapped_area"]["features"][0]["geometry"])
    for day in ("1994-05-12", "2020-10-04", "2020-10-15", "2020-11-10"):
        zones = [shape(f["geometry"]) for f in features_on(layers["control_zones"], day)]
        union = shapely.union_all(zones)
        assert abs(union.symmetric_difference(outline).area) < 1e-8, day
        assert sum(z.area for z in zones) - union.area < 1e-8, day  # no overlap


def test_zone_history_follows_the_changes(tmp_path):
    root = write_tables(tmp_path)
    layers, _ = build_all(root)
    write_layers(root, layers)
    atlas = load_atlas(root)
    assert atlas.report.ok, [str(p) for p in atlas.report.problems]
    east = (39.7, 46.8)  # settlement p23
    assert point_query(atlas, "2020-10-03", *east)["controller"] == "ARM"
    on_claim = point_query(atlas, "2020-10-04", *east)
    assert on_claim["controller"] == "AZ" and on_claim["zone_id"] == "zone-2020-10-04-AZ-claimed"
    assert point_query(atlas, "2020-10-15", *east)["zone_id"] == "zone-2020-10-15-AZ"
    west = point_query(atlas, "2020-11-10", 39.7, 46.6)  # p21, held by ARM
    assert (west["controller"], west["peacekeeping_zone"]) == ("ARM", True)
    assert point_query(atlas, "2020-11-10", 39.6, 46.6)["peacekeeping_zone"] is False  # p11 excluded
    assert point_query(atlas, "2020-11-10", 39.0, 45.0)["controller"] is None  # outside


def test_unchanged_zones_are_carried_not_repeated(tmp_path):
    layers, _ = build_all(write_tables(tmp_path))
    ids = [f["properties"]["id"] for f in layers["control_zones"]["features"]]
    assert ids == ["zone-1994-05-12-ARM", "zone-2020-10-04-ARM", "zone-2020-10-04-AZ-claimed",
                   "zone-2020-10-15-AZ", "zone-2020-11-10-ARM", "zone-2020-11-10-ARM-pk"]
    by_id = {f["properties"]["id"]: f["properties"] for f in layers["control_zones"]["features"]}
    assert by_id["zone-2020-10-15-AZ"]["valid_to"] is None  # AZ side unchanged by the 2020-11-10 row
    assert by_id["zone-2020-10-04-ARM"]["valid_to"] == "2020-11-10"
    # the change that made this version (2020-11-10, src-b) leads; the 1994 holding's source follows
    assert by_id["zone-2020-11-10-ARM-pk"]["source_ids"] == ["src-b", "src-a"]


def test_area_is_measured_in_an_equal_area_projection(tmp_path):
    layers, _ = build_all(write_tables(tmp_path))
    import geopandas as gpd

    zones = gpd.GeoDataFrame.from_features(features_on(layers["control_zones"], "2020-10-15"), crs="EPSG:4326")
    # the inner 3x3 cells are about 8.6 km x 11.1 km each
    assert 800 < area_km2(zones.geometry).sum() < 1100


def test_corridor_posts_and_incidents(tmp_path):
    layers, _ = build_all(write_tables(tmp_path))
    corridor = layers["lachin_corridor"]["features"]
    assert [(f["properties"]["kind"], f["properties"]["status"]) for f in corridor] == [
        ("route", "open"), ("zone", "open"), ("route", "blockaded"), ("zone", "blockaded")]
    zone_geom = shape(corridor[1]["geometry"])
    assert not zone_geom.contains(shapely.Point(46.6, 39.7))  # p21's cell is excluded (seq 0)
    assert zone_geom.contains(shapely.Point(46.52, 39.7))
    posts = layers["peacekeeper_posts"]["features"]
    assert [p["properties"]["id"] for p in posts] == ["op-01", "op-02", "op-03"]
    incident = layers["border_incidents"]["features"][0]["properties"]
    assert (incident["valid_from"], incident["valid_to"]) == ("2021-05-12", "2021-05-15")


def test_build_is_deterministic_and_write_reports_changes(tmp_path):
    root = write_tables(tmp_path)
    first, _ = build_all(root)
    second, _ = build_all(root)
    assert {k: dumps(v) for k, v in first.items()} == {k: dumps(v) for k, v in second.items()}
    assert write_layers(root, first) == ["control_zones", "mapped_area", "lachin_corridor", "peacekeeper_posts",
                                         "border_incidents"]
    assert write_layers(root, second, check_only=True) == []


def test_bad_scopes_and_invalid_rows_are_reported(tmp_path):
    changes = CHANGES + [
        {"change_id": "c4", "date": "2021-01-01", "date_precision": "day", "scope": "place:atlantis",
         "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-b"},
        {"change_id": "c5", "date": "2021-01-02", "date_precision": "day", "scope": "district:Nowhere",
         "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-b"},
    ]
    _, problems = build_all(write_tables(tmp_path, changes))
    assert [str(p) for p in problems] == [
        "control_changes.csv:6: scope: unknown or non-settlement place 'atlantis'",
        "control_changes.csv:7: scope: 'district:Nowhere' matches no settlement inside the mapped area",
    ]
    bad_rows = CHANGES + [{"change_id": "c9", "date": "2021-02-30", "date_precision": "day", "scope": "all",
                           "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-b"}]
    layers, problems = build_all(write_tables(tmp_path, bad_rows))
    assert layers == {}
    assert [str(p) for p in problems] == ["control_changes.csv:6: date: '2021-02-30' is not a real date"]


def test_a_confirmation_adds_its_sources_to_the_claim(tmp_path):
    changes = [dict(c, source_ids="src-a") if c["change_id"] == "c2" else c for c in CHANGES]
    layers, _ = build_all(write_tables(tmp_path, changes))
    by_id = {f["properties"]["id"]: f["properties"] for f in layers["control_zones"]["features"]}
    assert by_id["zone-2020-10-04-AZ-claimed"]["source_ids"] == ["src-b"]
    assert by_id["zone-2020-10-15-AZ"]["source_ids"] == ["src-a", "src-b"]


def test_peacekeeping_stages_split_the_zone_s_periods_and_ride_on_it(tmp_path):
    root = write_tables(tmp_path)
    write_csv(root / "geodata" / "peacekeeping_stages.csv", [
        {"stage_id": "s-dep", "stage": "deployed", "valid_from": "2020-11-10", "valid_to": "2023-09-20",
         "summary": "Deployed.", "source_ids": "src-a"},
        {"stage_id": "s-down", "stage": "drawdown", "valid_from": "2023-09-20", "valid_to": "2024-04-17",
         "summary": "Posts closing.", "source_ids": "src-b"},
    ])
    layers, problems = build_all(root)
    assert problems == []
    pk = {f["properties"]["id"]: f for f in layers["control_zones"]["features"]
          if f["properties"]["peacekeeping_zone"]}
    assert sorted(pk) == ["zone-2020-11-10-ARM-pk", "zone-2023-09-20-ARM-pk-drawdown", "zone-2024-04-17-ARM-pk"]
    deployed, down, after = (pk[k]["properties"] for k in sorted(pk))
    assert (deployed["peacekeeping_stage"], deployed["valid_to"]) == ("deployed", "2023-09-20")
    assert (down["peacekeeping_stage"], down["peacekeeping_note"], down["valid_to"]) == (
        "drawdown", "Posts closing.", "2024-04-17")
    assert "peacekeeping_stage" not in after  # no stage in force: none claimed
    same_shape = shape(pk["zone-2020-11-10-ARM-pk"]["geometry"])
    assert same_shape.equals(shape(pk["zone-2023-09-20-ARM-pk-drawdown"]["geometry"]))
    # the non-peacekeeping zones are not split by the stages
    assert not any(f["properties"]["valid_from"] == "2023-09-20" and not f["properties"]["peacekeeping_zone"]
                   for f in layers["control_zones"]["features"])


def test_a_bad_stage_row_stops_the_build(tmp_path):
    root = write_tables(tmp_path)
    write_csv(root / "geodata" / "peacekeeping_stages.csv", [
        {"stage_id": "s1", "stage": "vanished", "valid_from": "2023-09-20", "valid_to": "2023-10-01",
         "summary": "?", "source_ids": "nope"},
        {"stage_id": "s2", "stage": "drawdown", "valid_from": "2023-09-20", "valid_to": "2023-09-01",
         "summary": "Backwards.", "source_ids": "src-a"},
    ])
    layers, problems = build_all(root)
    assert layers == {}
    fields = {p.field for p in problems if p.file == "peacekeeping_stages.csv"}
    assert {"stage", "valid_to", "source_ids"} <= fields
