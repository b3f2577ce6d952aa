"""``python -m dashboard diff`` run as users run it, in a subprocess: four formats, bad dates."""

import csv
import io
import json

import pytest

from tests.conftest import make_atlas, write_csv
from tests.test_cli import run
from tests.test_diff import CHANGE_COLUMNS, CHANGES, ZONES


@pytest.fixture
def root(tmp_path):
    root = make_atlas(tmp_path / "atlas", layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    return root


def diff(root, out, day_from, day_to, fmt):
    return run("diff", "--data", root, "--from", day_from, "--to", day_to, "--format", fmt, "--out", out)


def test_geojson_is_the_changed_areas(root, tmp_path):
    result = diff(root, tmp_path / "d.geojson", "2020-10-31", "2020-11-20", "geojson")
    assert result.returncode == 0, result.stderr
    collection = json.loads((tmp_path / "d.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]  # East did not change: it is not in it
    props = feature["properties"]
    assert (props["from_controller"], props["to_controller"], props["claim_status"]) == ("ARM", "AZ", "confirmed")
    assert props["area_km2"] > 9_000
    assert [s["source_id"] for s in props["sources"]] == ["src-a", "src-b"]
    assert feature["geometry"]["type"] == "Polygon"


def test_json_swaps_sides_when_the_dates_swap(root, tmp_path):
    assert diff(root, tmp_path / "f.json", "2020-10-31", "2020-11-20", "json").returncode == 0
    assert diff(root, tmp_path / "b.json", "2020-11-20", "2020-10-31", "json").returncode == 0
    forward = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    back = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert (forward["from"], forward["to"], back["from"], back["to"]) == ("2020-10-31", "2020-11-20",
                                                                          "2020-11-20", "2020-10-31")
    assert forward["km2"]["AZ"] > 9_000 and forward["km2"]["ARM"] == 0
    assert back["km2"] == {"AZ": forward["km2"]["ARM"], "ARM": forward["km2"]["AZ"]}
    [settlement] = forward["settlements"]
    assert {k: settlement[k] for k in ("place_id", "name_en", "name_az", "name_hy", "from_controller",
                                       "to_controller", "date")} == {
        "place_id": "west", "name_en": "West / Arevmutk", "name_az": "Qərb", "name_hy": "Arevmutk",
        "from_controller": "ARM", "to_controller": "AZ", "date": "2020-11-01"}
    assert [s["url"] for s in settlement["sources"]] == ["https://example.org/a", "https://example.org/b"]
    assert [(c["change_id"], c["date"], c["claim_status"]) for c in forward["changes"]] == [
        ("west-claimed", "2020-11-01", "claimed"), ("west-confirmed", "2020-11-10", "confirmed")]
    assert (back["settlements"][0]["from_controller"], back["settlements"][0]["to_controller"]) == ("AZ", "ARM")


def test_csv_lists_the_settlements(root, tmp_path):
    assert diff(root, tmp_path / "s.csv", "2020-10-31", "2020-11-20", "csv").returncode == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8"))))
    assert [(r["place_id"], r["from_controller"], r["to_controller"], r["date"], r["source_ids"]) for r in rows] == [
        ("west", "ARM", "AZ", "2020-11-01", "src-a;src-b")]


def test_png_is_a_picture(root, tmp_path):
    result = diff(root, tmp_path / "m.png", "2020-10-31", "2020-11-20", "png")
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "m.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert b"Title\x00Karabakh Conflict Atlas: changes from 2020-10-31 to 2020-11-20" in data  # tEXt chunk


@pytest.mark.parametrize(("day_from", "day_to", "message"), [
    ("2020-11-31", "2020-11-20", "error: --from: '2020-11-31' is not a real date"),
    ("2020-10-31", "next week", "error: --to: 'next week' is not a date in YYYY-MM-DD form"),
    ("2020-10-31", "2030-01-01", "error: --to: 2030-01-01 is outside the atlas (1994-05-12 to 2024-06-12)"),
])
def test_bad_dates_exit_2_without_traceback(root, tmp_path, day_from, day_to, message):
    result = diff(root, tmp_path / "x.json", day_from, day_to, "json")
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert not (tmp_path / "x.json").exists()
