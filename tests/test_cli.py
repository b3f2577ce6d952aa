"""The command line, run as users run it: in a subprocess."""

import json
import subprocess
import sys

import pytest

from tests.conftest import EVENTS, make_atlas


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "dashboard", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_validate_clean_atlas(atlas_dir):
    result = run("validate", "--data", atlas_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "sources.csv: 2 valid, 0 rejected", "places.csv: 2 valid, 0 rejected", "events.csv: 3 valid, 0 rejected",
        "control_zones.geojson: 3 valid, 0 rejected", "lachin_corridor.geojson: 1 valid, 0 rejected",
        "peacekeeper_posts.geojson: 2 valid, 0 rejected", "border_incidents.geojson: 1 valid, 0 rejected",
    ]


def test_validate_reports_problems_and_fails(tmp_path):
    root = make_atlas(tmp_path, events=EVENTS + [dict(EVENTS[0], event_id="x", lat="abc")])
    result = run("validate", "--data", root)
    assert result.returncode == 1
    assert "events.csv:5: lat: 'abc' is not a number" in result.stdout
    assert "events.csv: 3 valid, 1 rejected" in result.stdout
    assert "Traceback" not in result.stderr

    as_json = json.loads(run("validate", "--data", root, "--json").stdout)
    assert as_json["events"] == {"valid": 3, "rejected": 1}
    assert as_json["control_zones"] == {"valid": 3, "rejected": 0}
    assert as_json["problems"] == [
        {"file": "events.csv", "line": 5, "field": "lat", "message": "'abc' is not a number"}]


def test_validate_survives_garbage_files(tmp_path):
    root = make_atlas(tmp_path)
    (root / "events.csv").write_bytes(b"\x00\xff\xfe garbage")
    (root / "geodata" / "control_zones.geojson").write_text("[]")
    result = run("validate", "--data", root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "control_zones.geojson:0: file: not a GeoJSON FeatureCollection" in result.stdout


def test_at_returns_one_json_object(atlas_dir):
    result = run("at", "--data", atlas_dir, "--date", "2020-11-12", "--lat", "39.5", "--lon", "46.5")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer == {
        "date": "2020-11-12", "lat": 39.5, "lon": 46.5, "controller": "AZ", "zone_id": "z-west-az",
        "decided_by": None,  # this tiny atlas's zones come with no control_changes table
        "peacekeeping_zone": False, "lachin_corridor": True, "nearest_post_km": 8.6,
        "sources": [{"source_id": "src-b", "outlet": "Outlet B", "title": "Report B", "published": "2020-11-10",
                     "url": "https://example.org/b", "accessed": None, "source_kind": None, "note": None}],
    }


def test_at_rejects_bad_arguments_without_traceback(atlas_dir):
    result = run("at", "--data", atlas_dir, "--date", "2020-02-30", "--lat", "39.5", "--lon", "46.5")
    assert result.returncode == 2
    assert "not a real date" in result.stderr and "Traceback" not in result.stderr


def test_at_batch_keeps_input_order(atlas_dir, tmp_path):
    batch = tmp_path / "points.csv"
    batch.write_text("date,lat,lon\n2020-11-09,39.5,46.5\n2020-13-01,39.5,46.5\n2020-11-10,39.5,47.5\n")
    result = run("at", "--data", atlas_dir, "--batch", batch)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x.get("controller") for x in lines] == ["ARM", None, "AZ"]
    assert lines[1] == {"line": 3, "error": "'2020-13-01' is not a real date"}
    assert result.returncode == 1


def test_at_a_date_outside_the_atlas_exits_2_naming_its_range(atlas_dir, tmp_path):
    result = run("at", "--data", atlas_dir, "--date", "1990-01-01", "--lat", "39.5", "--lon", "46.5")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: --date: 1990-01-01 is outside the atlas (1994-05-12 to 2024-06-12)"]

    batch = tmp_path / "points.csv"
    batch.write_text("date,lat,lon\n1990-01-01,39.5,46.5\n2020-11-10,39.5,47.5\n")
    result = run("at", "--data", atlas_dir, "--batch", batch)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0] == {"line": 2, "error": "date: 1990-01-01 is outside the atlas (1994-05-12 to 2024-06-12)"}
    assert lines[1]["controller"] == "AZ"
    assert result.returncode == 1


@pytest.mark.parametrize(("layers", "expected"), [
    (["zones,events"], {"control_zones", "events"}),  # the permalink's form
    (["corridor", "posts"], {"lachin_corridor", "peacekeeper_posts"}),  # the app's names
    (["lachin_corridor", "events"], {"lachin_corridor", "events"}),  # both kinds mixed
    (["zones corridor events"], {"control_zones", "lachin_corridor", "events"}),  # one quoted word, as the README
])
def test_snapshot_layers_take_the_apps_names(atlas_dir, tmp_path, layers, expected):
    out = tmp_path / "view.geojson"
    result = run("snapshot", "--data", atlas_dir, "--date", "2020-11-12", "--format", "geojson", "--out", out,
                 "--layers", *layers)
    assert result.returncode == 0, result.stderr
    assert {f["properties"]["layer"] for f in json.loads(out.read_text())["features"]} == expected


def test_snapshot_refuses_an_unknown_layer_naming_the_choices(atlas_dir, tmp_path):
    result = run("snapshot", "--data", atlas_dir, "--date", "2020-11-12", "--format", "geojson",
                 "--out", tmp_path / "v.geojson", "--layers", "zones,roads")
    assert result.returncode == 2
    assert "unknown layer 'roads' (choose from zones, peacekeeping, corridor" in result.stderr


def test_snapshot_geojson_and_csv(atlas_dir, tmp_path):
    out = tmp_path / "view.geojson"
    result = run("snapshot", "--data", atlas_dir, "--date", "2020-11-12", "--format", "geojson", "--out", out)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection"
    by_layer = {}
    for f in doc["features"]:
        by_layer.setdefault(f["properties"]["layer"], []).append(f["properties"]["id"] if "id" in f["properties"]
                                                                  else f["properties"]["event_id"])
        assert f["properties"]["sources"], f
    assert sorted(by_layer["control_zones"]) == ["z-east-az", "z-west-az"]
    assert by_layer["events"] == ["e1", "e3"]

    out_csv = tmp_path / "events.csv"
    assert run("snapshot", "--data", atlas_dir, "--date", "2020-11-16", "--format", "csv", "--out", out_csv,
               "--last-days", "14").returncode == 0
    import csv

    rows = list(csv.DictReader(out_csv.open()))
    assert [r["event_id"] for r in rows] == ["e3", "e2"]
    assert rows[1]["controller"] == "AZ" and rows[1]["nearest_post_id"] == "p2"
    assert rows[1]["source_urls"] == "https://example.org/a;https://example.org/b"


def test_csv_export_neutralises_formulas(tmp_path):
    evil = dict(EVENTS[0], event_id="evil", summary='=HYPERLINK("http://x","click")', location="+cmd")
    root = make_atlas(tmp_path / "a", events=[evil])
    out = tmp_path / "e.csv"
    run("snapshot", "--data", root, "--date", "2020-12-01", "--format", "csv", "--out", out)
    import csv

    row = next(csv.DictReader(out.open()))
    assert row["summary"].startswith("'=")
    assert row["location"] == "'+cmd"


def test_snapshot_filters_an_events_file_on_its_own_fields_and_the_bundle_says_so(atlas_dir, tmp_path):
    import csv
    import io
    import zipfile

    from tests.test_acled import GOOD, LONG_DATE, THIRD, acled_csv

    events = tmp_path / "acled.csv"
    events.write_text(acled_csv(GOOD, LONG_DATE, THIRD))
    out = tmp_path / "view.zip"
    result = run("snapshot", "--data", atlas_dir, "--events", events, "--date", "2023-09-30", "--format", "zip",
                 "--out", out, "--sub-event-types", "Armed clash", "Shelling/artillery/missile attack",
                 "--admin-areas", "Goris")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("events.csv").decode())))
        readme = zf.read("README.md").decode()
    assert [r["event_id"] for r in rows] == ["acled-AZE1006"]
    assert ("- sub-event types (source data): Armed clash; Shelling/artillery/missile attack (events without the "
            "field are left out)") in readme
    assert "- admin areas (source data: admin1-admin3): Goris" in readme and "countries" not in readme
    assert "&sub=Armed+clash&sub=Shelling%2Fartillery%2Fmissile+attack&admin=Goris" in readme  # the permalink
