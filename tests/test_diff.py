"""Two dates compared: changed land, km², settlements that changed hands, their dates and sources."""

import csv
import io

import pytest
from shapely.geometry import box

from dashboard.core.atlas import default_data_dir, load_atlas
from dashboard.core.diff import DateError, check_day, compare, holder_on, settlement_history
from dashboard.core.diff_export import comparison_geojson, comparison_json, settlements_csv
from tests.conftest import EAST, PLACES, SOURCES, make_atlas, write_csv, zone

CHANGE_COLUMNS = ["change_id", "date", "date_precision", "scope", "controller", "peacekeeping_zone",
                  "claim_status", "source_ids", "note"]
# West is held by Armenian forces, claimed by Azerbaijan on 2020-11-01 and confirmed on 2020-11-10;
# East stays Azerbaijani throughout. The zones below are what `build` makes of these rows.
CHANGES = [
    {"change_id": "base", "date": "1994-05-12", "date_precision": "day", "scope": "all", "controller": "ARM",
     "claim_status": "confirmed", "source_ids": "src-a"},
    {"change_id": "base-east", "date": "1994-05-12", "date_precision": "day", "scope": "place:east",
     "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-a"},
    {"change_id": "west-claimed", "date": "2020-11-01", "date_precision": "day", "scope": "place:west",
     "controller": "AZ", "claim_status": "claimed", "source_ids": "src-a"},
    {"change_id": "west-confirmed", "date": "2020-11-10", "date_precision": "day", "scope": "place:west",
     "controller": "AZ", "claim_status": "confirmed", "source_ids": "src-b"},
]
WEST_WITH_MARGIN = box(46.0, 39.0, 47.0, 40.0)
ZONES = [
    zone("z-west-arm", WEST_WITH_MARGIN, "ARM", "1994-05-12", "2020-11-01"),
    zone("z-west-claimed", WEST_WITH_MARGIN, "AZ", "2020-11-01", "2020-11-10", claim_status="claimed"),
    zone("z-west-az", WEST_WITH_MARGIN, "AZ", "2020-11-10", sources=("src-a", "src-b")),
    zone("z-east-az", EAST, "AZ", "1994-05-12"),
]


@pytest.fixture
def atlas(tmp_path):
    root = make_atlas(tmp_path / "atlas", layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    return load_atlas(root)


WEST_POINT, EAST_POINT = (39.5, 46.5), (39.5, 47.5)
OFF_SETTLEMENT = (39.9, 46.1)  # inside the west zone, far from the settlement
OUTSIDE = (40.18, 44.51)  # Yerevan: outside every zone


@pytest.mark.parametrize(("day_from", "day_to", "point", "expected"), [
    ("2020-10-31", "2020-11-01", WEST_POINT, ("ARM", "AZ", "claimed")),  # before and on the day of its capture
    ("2020-10-31", "2020-11-10", WEST_POINT, ("ARM", "AZ", "confirmed")),  # the later date's word counts
    ("2020-11-01", "2020-10-31", WEST_POINT, ("AZ", "ARM", "claimed")),  # swapped: the sides swap
    ("2020-10-01", "2020-10-31", WEST_POINT, None),  # both before the capture
    ("2020-11-01", "2020-11-20", WEST_POINT, None),  # both after: claimed then confirmed is no change of hands
    ("2020-10-31", "2020-11-10", EAST_POINT, None),  # a settlement that did not change
    ("2020-10-31", "2020-11-10", OFF_SETTLEMENT, ("ARM", "AZ", "confirmed")),  # changed land between settlements
    ("2020-10-31", "2020-11-10", OUTSIDE, None),  # off the mapped area
])
def test_point_cases(atlas, day_from, day_to, point, expected):
    area = compare(atlas, day_from, day_to).area_at(*point)
    assert (None if area is None else (area.from_controller, area.to_controller, area.claim_status)) == expected


def test_settlement_that_changed_hands_has_its_date_names_and_sources(atlas):
    comparison = compare(atlas, "2020-10-31", "2020-11-20")
    [west] = comparison.settlements
    assert (west.place_id, west.name_en, west.name_az, west.name_hy) == ("west", "West / Arevmutk", "Qərb", "Arevmutk")
    assert (west.from_controller, west.to_controller, west.date, west.claim_status) == ("ARM", "AZ", "2020-11-01",
                                                                                       "confirmed")
    assert west.change_ids == ["west-claimed", "west-confirmed"]
    assert [s["source_id"] for s in west.sources] == ["src-a", "src-b"]
    [area] = comparison.areas
    assert area.settlements == [west]
    assert [s["source_id"] for s in area.sources] == ["src-a", "src-b"]
    assert [c.change_id for c in comparison.changes] == ["west-claimed", "west-confirmed"]
    assert [c.settlements_changed for c in comparison.changes] == [1, 0]  # the second only confirms


def test_km2_swap_symmetrically(atlas):
    forward, back = compare(atlas, "2020-10-01", "2020-11-20"), compare(atlas, "2020-11-20", "2020-10-01")
    assert forward.km2["AZ"] > 9_000 and forward.km2["ARM"] == 0  # a 1°x1° square at 39.5° N: ~9,600 km²
    assert back.km2 == {"AZ": forward.km2["ARM"], "ARM": forward.km2["AZ"]}
    assert [(s.from_controller, s.to_controller) for s in back.settlements] == [("AZ", "ARM")]
    assert [s.date for s in back.settlements] == [s.date for s in forward.settlements]


def test_same_day_changes_nothing(atlas):
    comparison = compare(atlas, "2020-11-01", "2020-11-01")
    assert (comparison.areas, comparison.settlements, comparison.changes) == ([], [], [])
    assert comparison.km2 == {"AZ": 0, "ARM": 0}


def test_other_differences(atlas):
    by_key = {d["key"]: d for d in compare(atlas, "2020-10-01", "2020-11-20").differences}
    assert (by_key["corridor"]["from"], by_key["corridor"]["to"]) == ("none", "none")  # the fixture has a zone only
    assert (by_key["posts"]["from"], by_key["posts"]["to"], by_key["posts"]["changed"]) == (0, 2, True)
    assert by_key["held_ARM"]["to"] == 0.0 and by_key["held_ARM"]["changed"]


@pytest.mark.parametrize(("value", "message"), [
    ("2020-13-01", "not a real date"), ("20201101", "not a date in YYYY-MM-DD form"),
    ("1990-01-01", "outside the atlas (1994-05-12 to 2024-06-12)"),
])
def test_bad_dates_are_refused_with_a_reason(atlas, value, message):
    with pytest.raises(DateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_day(atlas, value, "from")


def test_history_follows_the_one_time_rule(atlas):
    steps = settlement_history(atlas)["west"]
    assert holder_on(steps, "2020-10-31").controller == "ARM"
    assert holder_on(steps, "2020-11-01").controller == "AZ"  # valid_from <= D: in force on its own day
    assert holder_on(steps, "1994-05-11") is None


def test_exports(atlas):
    comparison = compare(atlas, "2020-10-31", "2020-11-20")
    collection = comparison_geojson(comparison)
    [feature] = collection["features"]
    props = feature["properties"]
    assert (props["from_controller"], props["to_controller"], props["claim_status"]) == ("ARM", "AZ", "confirmed")
    assert props["area_km2"] == pytest.approx(comparison.km2["AZ"], abs=0.1)
    assert [s["url"] for s in props["sources"]] == [SOURCES[0]["url"], SOURCES[1]["url"]]
    document = comparison_json(comparison)
    assert (document["from"], document["to"]) == ("2020-10-31", "2020-11-20")
    assert [s["place_id"] for s in document["settlements"]] == ["west"]
    assert document["settlements"][0]["sources"][0]["outlet"] == "Outlet A"
    lines = settlements_csv(comparison).splitlines()
    assert lines[0].startswith("place_id,name_en,name_az,name_hy,from_controller,to_controller,date")
    assert lines[1].startswith("west,West / Arevmutk,Qərb,Arevmutk,ARM,AZ,2020-11-01")


def test_csv_is_formula_safe(tmp_path):
    places = [dict(PLACES[0], name_en="=HYPERLINK(\"x\")"), PLACES[1]]
    root = make_atlas(tmp_path / "atlas", places=places, layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(settlements_csv(compare(load_atlas(root), "2020-10-31", "2020-11-20")))))
    assert [r["name_en"] for r in rows] == ["'=HYPERLINK(\"x\")"]


def test_the_atlas_itself_hadrut_claimed_then_confirmed():
    """The bundled data: Hadrut's capture was claimed on 9 Oct 2020 and confirmed on 15 Oct."""
    atlas = load_atlas()
    hadrut = atlas.places.set_index("place_id").loc["hadrut"]
    claimed = compare(atlas, "2020-10-08", "2020-10-09")
    assert "hadrut" in {s.place_id for s in claimed.settlements}
    area = claimed.area_at(hadrut["lat"], hadrut["lon"])
    assert (area.from_controller, area.to_controller, area.claim_status) == ("ARM", "AZ", "claimed")
    assert "anews-20201010-hadrut" in [s["source_id"] for s in area.sources]
    assert compare(atlas, "2020-10-09", "2020-10-16").area_at(hadrut["lat"], hadrut["lon"]) is None
    khankendi = atlas.places.set_index("place_id").loc["khankendi"]  # held by ARM until the 2023 offensive
    assert compare(atlas, "2020-09-26", "2020-11-10").area_at(khankendi["lat"], khankendi["lon"]) is None
    offensive = compare(atlas, "2023-09-19", "2023-09-21")
    assert "khankendi" in {s.place_id for s in offensive.settlements}
    assert offensive.area_at(khankendi["lat"], khankendi["lon"]).to_controller == "AZ"


def test_the_comparison_png_says_no_date_rather_than_none():
    from dashboard.core.diff_render import side_text

    real = load_atlas(default_data_dir())
    text = side_text(compare(real, "2020-09-26", "2020-11-10"))
    assert "(None)" not in text and "accessed " in text  # undated pages (Wikipedia) give the day they were read
