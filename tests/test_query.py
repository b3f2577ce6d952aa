import numpy as np
import pytest

from dashboard.core.query import joined_events, point_query, state_on
from dashboard.core.timemodel import EventWindow


@pytest.mark.parametrize(
    ("day", "lat", "lon", "controller", "zone_id", "corridor", "post_km"),
    [
        ("2020-11-09", 39.5, 46.5, "ARM", "z-west-arm", False, None),  # no post yet
        ("2020-11-10", 39.5, 46.5, "AZ", "z-west-az", True, None),
        ("2020-11-12", 39.5, 46.5, "AZ", "z-west-az", True, 8.6),
        ("2022-08-30", 39.5, 46.5, "AZ", "z-west-az", False, 8.6),  # corridor zone ended the day before
        ("2020-11-12", 39.5, 47.5, "AZ", "z-east-az", False, 77.41),  # post 2 not yet there
        ("2020-11-15", 39.5, 47.5, "AZ", "z-east-az", False, 8.6),
        ("2020-11-15", 41.0, 44.0, None, None, False, 276.88),  # outside the mapped area
    ],
)
def test_point_query(atlas, day, lat, lon, controller, zone_id, corridor, post_km):
    answer = point_query(atlas, day, lat, lon)
    assert answer["controller"] == controller
    assert answer["zone_id"] == zone_id
    assert answer["lachin_corridor"] is corridor
    assert answer["nearest_post_km"] == post_km
    assert answer["peacekeeping_zone"] is False


def test_point_query_names_its_sources(atlas):
    answer = point_query(atlas, "2020-11-12", 39.5, 46.5)
    assert [s["source_id"] for s in answer["sources"]] == ["src-b"]
    assert answer["sources"][0] == {"source_id": "src-b", "outlet": "Outlet B", "title": "Report B",
                                    "published": "2020-11-10", "url": "https://example.org/b", "accessed": None,
                                    "source_kind": None, "note": None}


def test_events_are_joined_on_their_own_date(atlas):
    joined = joined_events(atlas).set_index("event_id")
    assert joined.loc["e1", "controller"] == "ARM"  # before the change of 2020-11-10
    assert joined.loc["e2", "controller"] == "AZ"
    assert joined.loc["e2", "nearest_post_id"] == "p2"
    assert joined.loc["e3", "controller"] is None
    assert joined.loc["e1", "controller_label"] == "Armenian and Nagorno-Karabakh forces"


def test_state_on_a_day(atlas):
    state = state_on(atlas, "2020-11-12")
    assert sorted(state.layers["control_zones"]["id"]) == ["z-east-az", "z-west-az"]
    assert list(state.layers["peacekeeper_posts"]["id"]) == ["p1"]
    assert list(state.events["event_id"]) == ["e1", "e3"]
    assert list(state_on(atlas, "2020-11-16", EventWindow(last_days=14)).events["event_id"]) == ["e3", "e2"]
    assert list(state_on(atlas, "2020-11-16", EventWindow(since="2020-11-04")).events["event_id"]) == ["e2"]


def test_the_side_panel_says_a_feature_is_off_the_map_exactly_when_the_map_does_not_draw_it(atlas):
    from dashboard.core.query import not_shown
    from dashboard.core.registry import find_feature
    from dashboard.core.timemodel import EventWindow
    from dashboard.core.view import MapOptions

    incident = find_feature(atlas, "border_incidents", "i1")  # valid 2021-05-12 to 2021-05-13
    month = EventWindow(last_days=30)
    for day, window in (("2021-05-12", month), ("2021-06-01", month), ("2021-06-01", EventWindow())):
        assert not_shown("border_incidents", incident, day, window) is None, day  # drawn: the window holds it
        assert "border_incidents:i1" in {f"border_incidents:{i}" for i in
                                         state_on(atlas, day, window).layers["border_incidents"]["id"]}
    assert not_shown("border_incidents", incident, "2021-07-01", month) == \
        "Not on the map: outside the event window (2021-06-02 to 2021-07-01)."
    assert not_shown("border_incidents", incident, "2021-05-12", month, MapOptions(layers=("zones",))) == \
        "Not on the map: its layer (Border incidents) is switched off."
    event = find_feature(atlas, "events", "e1")  # a shelling on 2020-10-01
    assert not_shown("events", event, "2020-10-05", month) is None
    assert not_shown("events", event, "2020-10-05", month, MapOptions(event_types=("clash",))) == \
        "Not on the map: hidden by the event filters."
    zone = find_feature(atlas, "control_zones", "z-west-arm")
    assert not_shown("control_zones", zone, "2020-11-10") == "Not on the map on this date."
    assert not_shown("control_zones", zone, "2020-11-09") is None


def test_points_are_measured_to_posts_a_slice_at_a_time_with_the_same_answers(atlas, monkeypatch):
    from dashboard.core import query

    days = np.array(["2020-11-12", "2020-11-15", "2020-11-15", "2022-08-30", "2020-11-09"], dtype=object)
    lats, lons = np.array([39.5, 39.5, 41.0, 39.5, 39.5]), np.array([46.5, 47.5, 44.0, 46.5, 46.5])
    whole = query.join_points(atlas, days, lats, lons)
    monkeypatch.setattr(query, "DISTANCE_CHUNK", 1)  # the two points of 2020-11-15 apart
    sliced = query.join_points(atlas, days, lats, lons)
    assert sliced.equals(whole)
    assert whole["nearest_post_km"].tolist()[:3] == [8.6, 8.6, 276.88]
