from shapely.geometry import Polygon, box

from dashboard.core.atlas import load_atlas
from tests.conftest import EAST, WEST, make_atlas, zone


def _problems(atlas):
    return [str(p) for p in atlas.report.problems]


def test_valid_fixture_has_no_problems(atlas):
    assert atlas.report.ok, _problems(atlas)
    assert {k: len(v) for k, v in atlas.layers.items()} == {
        "control_zones": 3, "lachin_corridor": 1, "peacekeeper_posts": 2, "border_incidents": 1}


def test_invalid_geometry_is_explained_by_shapely(tmp_path):
    bowtie = Polygon([(46, 39), (47, 40), (47, 39), (46, 40), (46, 39)])
    zones = [zone("bow", bowtie, "AZ", "2020-01-01"), zone("ok", EAST, "AZ", "1994-05-12")]
    atlas = load_atlas(make_atlas(tmp_path, layers={"control_zones": zones}))
    assert _problems(atlas) == ["control_zones.geojson:feature 0 (bow): geometry: invalid geometry: "
                                "Self-intersection[46.5 39.5]"]
    assert list(atlas.layers["control_zones"]["id"]) == ["ok"]


def test_dates_ids_sources_and_vocabularies_are_checked(tmp_path):
    zones = [
        zone("z1", WEST, "AZ", "2021-01-01", "2020-01-01"),
        zone("z2", EAST, "RU", "2020-02-30"),
        zone("z3", EAST, "AZ", "1994-05-12", sources=()),
        zone("z3", box(50, 39, 51, 40), "AZ", "1994-05-12", sources=("ghost",)),
    ]
    atlas = load_atlas(make_atlas(tmp_path, layers={"control_zones": zones}))
    assert _problems(atlas) == [
        "control_zones.geojson:feature 0 (z1): valid_to: 2020-01-01 is not after valid_from 2021-01-01",
        "control_zones.geojson:feature 1 (z2): valid_from: '2020-02-30' is not a real date",
        "control_zones.geojson:feature 1 (z2): controller: 'RU' is not one of AZ, ARM",
        "control_zones.geojson:feature 2 (z3): source_ids: no source_id given",
        "control_zones.geojson:feature 3 (z3): id: duplicate id 'z3' (first at feature 2)",
        "control_zones.geojson:feature 3 (z3): source_ids: unknown source_id ghost",
    ]
    assert atlas.report.files["control_zones"].rejected == 4


def test_swapped_coordinates_are_out_of_range(tmp_path):
    feature = zone("swapped", box(39, 100, 40, 101), "AZ", "1994-05-12")
    atlas = load_atlas(make_atlas(tmp_path, layers={"control_zones": [feature]}))
    assert "coordinates outside" in _problems(atlas)[0]


def test_overlapping_zones_of_different_controllers_reject_the_later(tmp_path):
    zones = [
        zone("arm", WEST, "ARM", "1994-05-12", "2020-11-10"),
        zone("az-overlap", box(46.5, 39.0, 47.5, 40.0), "AZ", "2020-01-01"),
        zone("az-after", WEST, "AZ", "2020-11-10"),  # same place, later period: fine
        zone("az-touching", EAST, "AZ", "1994-05-12"),  # shares an edge with "arm": fine
    ]
    atlas = load_atlas(make_atlas(tmp_path, layers={"control_zones": zones}))
    problems = _problems(atlas)
    assert len(problems) == 1
    assert problems[0].startswith("control_zones.geojson:feature 1 (az-overlap): geometry: overlaps zone arm "
                                  "(controller ARM) by ")
    assert "between 2020-01-01 and 2020-11-10" in problems[0]
    assert list(atlas.layers["control_zones"]["id"]) == ["arm", "az-after", "az-touching"]


def test_not_geojson_is_one_problem(tmp_path):
    root = make_atlas(tmp_path)
    (root / "geodata" / "border_incidents.geojson").write_text("{not json", encoding="utf-8")
    atlas = load_atlas(root)
    assert _problems(atlas)[0].startswith("border_incidents.geojson:0: file: not a JSON document")
