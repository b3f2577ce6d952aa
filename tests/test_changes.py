import pytest
from shapely.geometry import box, mapping

from dashboard.core import changes as ch
from dashboard.core import series as sr
from dashboard.core.atlas import load_atlas
from dashboard.core.geodesy import area_km2

from .conftest import EAST, EVENTS, PLACES, WEST, make_atlas, zone

SRC_B = {"source_id": "src-b", "outlet": "Outlet B", "title": "Report B", "published": "2020-11-10",
         "url": "https://example.org/b", "accessed": None, "source_kind": None, "note": None}


def corridor(fid, status, valid_from, valid_to=None, sources=("src-a",), kind="route"):
    geom = {"type": "LineString", "coordinates": [[46.4, 39.5], [46.6, 39.6]]} if kind == "route" else mapping(
        box(46.4, 39.4, 46.6, 39.6))
    return {"type": "Feature", "geometry": geom,
            "properties": {"id": fid, "valid_from": valid_from, "valid_to": valid_to, "kind": kind, "route": "2020",
                           "status": status, "status_note": f"{status} note", "source_ids": list(sources)}}


def test_change_days_and_neighbours(atlas):
    # not 2021-05-13, the incident's valid_to: it stays on the map over the event window (issue 17)
    assert ch.change_days(atlas) == ["1994-05-12", "2020-11-10", "2020-11-12", "2020-11-15", "2021-05-12",
                                     "2022-08-30", "2024-06-12"]
    assert ch.previous_change(atlas, "2020-11-12") == "2020-11-10"
    assert ch.previous_change(atlas, "2020-11-11") == "2020-11-10"
    assert ch.next_change(atlas, "2020-11-12") == "2020-11-15"
    assert ch.latest_change(atlas, "2020-11-12") == "2020-11-12"
    assert ch.previous_change(atlas, "1994-05-12") is None and ch.next_change(atlas, "2024-06-12") is None


def test_what_changed_lists_the_last_change_day_with_its_sources(atlas):
    since, on, found = ch.what_changed(atlas, "2020-11-11")
    assert (since, on) == ("1994-05-12", "2020-11-10")
    control, road = found
    assert control.layer == "control_zones" and control.feature_ids == ("z-west-az",)
    assert control.title == f"Control: {area_km2(atlas.layers['control_zones'].geometry.iloc[:1])[0]:,.0f} km² " \
                            "to Azerbaijani forces"
    assert control.sources == [SRC_B]  # the source new on that day, not every source of the zone
    assert road.layer == "lachin_corridor" and road.title == "Lachin corridor, 2020 route: in use (open)"
    since, on, found = ch.what_changed(atlas, "2020-11-12")
    assert (since, on) == ("2020-11-10", "2020-11-12")
    assert [(c.title, c.details, c.sources) for c in found] == [("Peacekeeper posts opened: 1", ["Post 1"], [SRC_B])]
    assert ch.what_changed(atlas, "1990-01-01") == (None, None, [])


def test_a_corridor_status_change_reads_old_to_new(tmp_path):
    layers = {"lachin_corridor": [corridor("r1", "open", "2020-11-10", "2022-12-12"),
                                  corridor("r2", "blockaded", "2022-12-12", sources=("src-b",)),
                                  corridor("z2", "blockaded", "2022-12-12", kind="zone")]}
    atlas = load_atlas(make_atlas(tmp_path / "a", layers=layers))
    [change] = [c for c in ch.changes_between(atlas, "2022-12-11", "2022-12-12") if c.layer == "lachin_corridor"]
    assert change.title == "Lachin corridor, 2020 route: open → blockaded"
    assert change.details == ["blockaded note"]
    assert [s["source_id"] for s in change.sources] == ["src-b", "src-a"]


def test_the_settlements_that_changed_hands_are_named(atlas):
    [control] = [c for c in ch.changes_between(atlas, "2020-11-09", "2020-11-10") if c.layer == "control_zones"]
    assert control.details == ["Settlements now held by Azerbaijani forces (1): West / Arevmutk"]
    [control] = [c for c in ch.changes_between(atlas, "2020-11-09", "2020-11-10", names="az")
                 if c.layer == "control_zones"]
    assert control.details == ["Settlements now held by Azerbaijani forces (1): Qərb"]


def test_claim_and_peacekeeping_changes_are_named(tmp_path):
    layers = {"control_zones": [
        zone("a1", WEST, "AZ", "1994-05-12", "2020-11-10", claim_status="claimed"),
        zone("a2", WEST, "AZ", "2020-11-10", claim_status="confirmed", peacekeeping_zone=True),
        zone("b1", EAST, "AZ", "1994-05-12"),
    ]}
    atlas = load_atlas(make_atlas(tmp_path / "a", layers=layers))
    [control] = [c for c in ch.changes_between(atlas, "2020-11-09", "2020-11-10") if c.layer == "control_zones"]
    assert control.title == "Control zones redrawn"  # nobody gained ground
    assert control.details == ["Settlements whose status is now confirmed (1): West / Arevmutk",
                               "Joined the Russian peacekeeping zone (1): West / Arevmutk"]


def test_area_held_by_each_side_over_time(atlas):
    series = sr.area_series(atlas)
    west, east = (float(area_km2(atlas.layers["control_zones"].geometry.iloc[[i]])[0]) for i in (0, 2))
    assert list(series["date"].unique()) == ["1994-05-12", "2020-11-10", "2024-06-12"]
    assert sr.area_on(atlas, "2020-11-09") == {"ARM": round(west, 1), "AZ": round(east, 1)}
    assert sr.area_on(atlas, "2020-11-10") == {"ARM": 0.0, "AZ": round(west + east, 1)}
    assert sr.area_on(atlas, "1990-01-01") == {}
    assert 9_000 < west < 10_000  # a 1° x 1° square at 39.5° N, in an equal-area projection


def test_key_dates_come_from_control_and_corridor_changes_never_from_events(tmp_path):
    places = [*PLACES, {"place_id": "shusha", "name_en": "Shusha / Shushi", "name_az": "Şuşa", "name_hy": "Shushi",
                        "lat": "39.76", "lon": "46.75", "district": "Shusha", "area": "nkao", "kind": "city",
                        "source_ids": "src-a"}]
    # A reported capture of a city whose zone did not change that day (a stand-in point, issue 17) ...
    capture = {**EVENTS[0], "event_id": "e9", "date": "2020-11-08", "event_type": "capture", "place_id": "shusha",
               "location": "Shusha / Shushi", "lat": "39.76", "lon": "46.75", "claim_status": "claimed"}
    routes = [corridor("c1", "open", "2020-11-10", "2022-12-12"), corridor("c2", "blockaded", "2022-12-12")]
    atlas = load_atlas(make_atlas(tmp_path / "a", places=places, events=[*EVENTS, capture],
                                  layers={"lachin_corridor": routes}))
    found = {k.day: k.label for k in ch.key_dates(atlas, "az")}
    assert "2020-11-08" not in found  # ... is not a key date
    # The west zone passes to AZ on 2020-11-10; Shusha (in it too) and West change hands with it.
    assert found["2020-11-10"] == "Trilateral ceasefire statement takes effect; Qərb, Şuşa: to Azerbaijani forces"
    assert "2020 route): open → blockaded" in found["2022-12-12"]
    assert not any("East" in label or "Şərq" in label for label in found.values())  # a village, and never moved
    assert list(found) == sorted(found)
    days = [k.day for k in ch.key_dates(atlas)]
    assert {"2020-09-26", "2020-09-27", "2020-11-20", "2020-11-25", "2020-12-01", "2022-08-26", "2022-12-12",
            "2023-04-23", "2023-09-19", "2024-06-12"} <= set(days)


def test_every_change_day_of_the_real_atlas_says_what_changed():
    atlas = load_atlas()
    silent = [d for d in ch.change_days(atlas) if not ch.what_changed(atlas, d)[2]]
    assert silent == []  # was 23 days: the end days of border incidents


def test_every_town_in_the_real_key_dates_changed_hands_that_day():
    """The atlas's own data: e.g. no "Capture of Khankendi / Stepanakert" on 2020-10-15 (a region-level event)."""
    from dashboard.core.describe import places_by_id
    from dashboard.core.query import point_query
    from dashboard.core.timemodel import shift

    atlas = load_atlas()
    places = {p["name_en"]: p for p in places_by_id(atlas).values()}
    checked = 0
    for key in ch.key_dates(atlas):
        for part in key.label.split("; "):
            if ": to " not in part:
                continue
            for name in part.split(": to ")[0].split(", "):
                place = places[name]
                before, after = (point_query(atlas, d, place["lat"], place["lon"])["controller"]
                                 for d in (shift(key.day, -1), key.day))
                assert before != after, (key.day, name)
                checked += 1
    assert checked >= 10
    days = {k.day for k in ch.key_dates(atlas)}
    assert not {"2020-10-03", "2020-10-14", "2020-10-15"} & days  # event days, not control changes


@pytest.mark.parametrize(("day", "monday"), [("2020-11-15", "2020-11-09"), ("2020-11-16", "2020-11-16")])
def test_week_of(day, monday):
    assert sr.week_of(day) == monday


def test_events_per_week(atlas):
    weeks = sr.events_per_week(atlas.events)
    assert weeks.to_dict("records") == [
        {"week": "2020-09-28", "family": "fighting", "label": "Fighting", "count": 1},
        {"week": "2020-10-26", "family": "fighting", "label": "Fighting", "count": 1},
        {"week": "2020-11-09", "family": "peace", "label": "Ceasefire, deployment, diplomacy", "count": 1},
    ]
    assert sr.events_per_week(atlas.events.iloc[0:0]).empty


def test_the_events_series_follows_the_events_not_their_count(tmp_path):
    from dashboard.core.view import MapOptions

    one = load_atlas(make_atlas(tmp_path / "one"))
    other = load_atlas(make_atlas(tmp_path / "other", events=[{**e, "event_type": "protest"} for e in EVENTS]))
    assert len(one.events) == len(other.events)  # the same count: a count-keyed cache would mix them up
    first, second = sr.events_series(one, MapOptions()), sr.events_series(other, MapOptions())
    assert set(second["family"]) == {"civilians"} and set(first["family"]) != {"civilians"}
    assert sr.events_series(one, MapOptions()) is first  # memoised per atlas and filters
