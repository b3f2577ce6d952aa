"""The history the browser's time engine filters: every dated feature once, with its span of days."""

import json

from dashboard.core.view import MapOptions
from dashboard.map.history import day_number, history_json, history_key, history_layers

from .conftest import WEST, make_atlas, point_feature, zone


def layers_of(atlas, options=None) -> dict:
    return {layer.name: layer for layer in history_layers(atlas, options or MapOptions())}


def test_day_numbers_count_from_1970_and_open_ends_stay_open():
    assert [day_number(d) for d in ("1970-01-01", "1970-01-02", "2020-11-10", None)] == [0, 1, 18576, None]


def test_every_version_of_a_zone_carries_its_span_and_its_map_feature(atlas):
    zones = layers_of(atlas)["control_zones"]
    assert zones.ids == [["z-west-arm"], ["z-west-az"], ["z-east-az"]]
    assert zones.a == [day_number("1994-05-12"), day_number("2020-11-10"), day_number("1994-05-12")]
    assert zones.b == [day_number("2020-11-10"), None, None]
    feats = json.loads(zones.feats_json)
    assert [f["id"] for f in feats] == [f"control_zones:{i}" for i in ("z-west-arm", "z-west-az", "z-east-az")]
    assert all({"_s", "_p"} <= set(f["properties"]) for f in feats)
    assert not zones.windowed


def test_an_event_covers_its_last_day_and_incidents_follow_the_window(atlas):
    layers = layers_of(atlas)
    events = layers["events"]
    e3 = events.ids.index(["e3"])
    assert (events.a[e3], events.b[e3]) == (day_number("2020-11-01"), day_number("2020-11-04"))  # 1-3 Nov
    assert events.windowed and layers["border_incidents"].windowed
    assert layers["halos"].follows == "events" and len(layers["halos"].ids) == 3  # settlement and region halos


def test_posts_at_one_place_are_one_feature_standing_for_each_post(tmp_path):
    posts = [point_feature(f"p{i}", 46.6, 39.5, "2020-11-12", "2024-06-12", kind="observation_post", name="P",
                           zone="north", geo_precision="settlement") for i in range(3)]
    posts.append(point_feature("p9", 46.6, 39.5, "2021-01-01", "2024-06-12", kind="observation_post", name="P",
                               zone="north", geo_precision="settlement"))
    from dashboard.core.atlas import load_atlas

    atlas = load_atlas(make_atlas(tmp_path / "a", layers={"peacekeeper_posts": posts}))
    layer = layers_of(atlas)["peacekeeper_posts"]
    assert layer.ids == [["p0", "p1", "p2"], ["p9"]]  # another period is another stack
    assert [f["properties"]["_s"].get("count") for f in json.loads(layer.feats_json)] == [3, None]


def test_the_peacekeeping_outline_has_one_feature_per_outline_not_per_period(tmp_path):
    from dashboard.core.atlas import load_atlas

    zones = [zone("z1", WEST, "ARM", "2020-11-10", "2021-01-01", peacekeeping_zone=True),
             zone("z2", WEST, "ARM", "2021-01-01", "2023-09-20", peacekeeping_zone=True),
             zone("z3", WEST, "AZ", "2023-09-20", None)]
    atlas = load_atlas(make_atlas(tmp_path / "a", layers={"control_zones": zones}))
    pk = layers_of(atlas)["peacekeeping"]
    assert pk.ids == [["z1"], ["z2"]]
    assert pk.a == [day_number("2020-11-10"), day_number("2021-01-01")]
    assert pk.b == [day_number("2021-01-01"), day_number("2023-09-20")]


def test_layers_and_filters_make_their_own_history_with_its_own_key(atlas):
    full = history_json(atlas, MapOptions())
    assert history_json(atlas, MapOptions()) is full  # built once
    fewer = history_json(atlas, MapOptions(layers=("zones", "events"), claims=("confirmed",)))
    doc = json.loads(fewer)
    assert [layer["name"] for layer in doc["layers"]] == ["control_zones", "halos", "events"]
    assert [i for layer in doc["layers"] if layer["name"] == "events" for i in layer["ids"]] == [["e2"]]
    assert history_key(fewer) == doc["key"] != history_key(full)
    assert doc["first"] == "1994-05-12" and "2020-11-10" in doc["changes"]


def test_the_history_carries_only_the_events_the_source_data_filters_keep(atlas):
    from dashboard.core.user_events import read_user_events

    from .test_acled import GOOD, LONG_DATE, THIRD, acled_csv

    user = read_user_events(acled_csv(GOOD, LONG_DATE, THIRD).encode(), "acled.csv", atlas)

    def ids(options):
        doc = json.loads(history_json(atlas, options, user))
        return {layer["name"]: sorted(i for ids in layer["ids"] for i in ids) for layer in doc["layers"]
                if layer["name"] in ("events", "user_events")}

    assert ids(MapOptions()) == {"events": ["e1", "e2", "e3"],
                                 "user_events": ["acled-AZE1001", "acled-AZE1002", "acled-AZE1006"]}
    assert ids(MapOptions(admin_areas=("Goris",))) == {"events": [], "user_events": ["acled-AZE1006"]}
    assert ids(MapOptions(countries=("Azerbaijan",), sub_event_types=("Agreement",))) == {
        "events": [], "user_events": ["acled-AZE1002"]}


def test_the_one_page_atlas_lists_every_source_in_its_popups():
    """A page with no side panel must not say '+ N more in the side panel' (issue 17, item 7)."""
    from dashboard.core.atlas import default_data_dir, load_atlas

    atlas = load_atlas(default_data_dir())

    def more(all_sources: bool) -> list[int]:
        history = json.loads(history_json(atlas, MapOptions(), all_sources=all_sources))
        return [f["properties"]["_p"]["m"] for layer in history["layers"] for f in layer["features"]
                if "_p" in f["properties"]]

    assert max(more(False)) > 0  # the app's popups leave the rest to its side panel
    assert set(more(True)) == {0}
