"""export-dataset: a GeoPackage geopandas reads layer by layer, CSV/GeoJSON, and a valid Frictionless package."""

import json

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from frictionless import validate

from dashboard.cli import main
from dashboard.core import citation
from dashboard.core.atlas import load_atlas
from dashboard.core.dataset import dataset_tables
from dashboard.core.dataset_files import export_dataset

from .conftest import make_atlas, write_csv

CHANGES = [
    {"change_id": "c-1994", "date": "1994-05-12", "date_precision": "day", "scope": "area:nkao", "controller": "ARM",
     "peacekeeping_zone": "no", "claim_status": "confirmed", "source_ids": "src-a"},
    {"change_id": "c-2020", "date": "2020-11-10", "date_precision": "day", "scope": "place:west",
     "controller": "", "peacekeeping_zone": "yes", "claim_status": "claimed", "source_ids": "src-a;src-b"},
]
STAGES = [{"stage_id": "s1", "stage": "deployed", "valid_from": "2020-11-10", "valid_to": "2023-09-20",
           "summary": "Deployed.", "source_ids": "src-b"}]
LAYERS = ("control_zones", "lachin_corridor", "peacekeeper_posts", "border_incidents", "events", "places")
ATTRIBUTE_TABLES = ("control_changes", "peacekeeping_stages", "sources", "source_links")


@pytest.fixture
def exported(tmp_path):
    root = make_atlas(tmp_path / "atlas")
    write_csv(root / "geodata" / "control_changes.csv", CHANGES)
    write_csv(root / "geodata" / "peacekeeping_stages.csv", STAGES)
    atlas = load_atlas(root)
    out = tmp_path / "dataset"
    export_dataset(atlas, out)
    return atlas, out


def test_geopandas_reads_every_layer_with_dates_and_sources(exported):
    atlas, out = exported
    assert [name for name, _ in pyogrio.list_layers(out / "atlas.gpkg")] == [*LAYERS, *ATTRIBUTE_TABLES]
    for name, expected in [*atlas.layers.items(), ("events", atlas.events), ("places", atlas.places)]:
        frame = gpd.read_file(out / "atlas.gpkg", layer=name)
        assert len(frame) == len(expected) and frame.crs == "EPSG:4326", name
        assert frame.geometry.notna().all()
        assert frame["source_ids"].str.len().gt(0).all()
    zones = gpd.read_file(out / "atlas.gpkg", layer="control_zones").set_index("id")
    assert pd.api.types.is_datetime64_any_dtype(zones["valid_from"])
    assert zones.loc["z-west-arm", "valid_to"] == pd.Timestamp("2020-11-10")
    assert pd.isna(zones.loc["z-west-az", "valid_to"])  # still holds: empty, not a made-up end
    assert zones.loc["z-west-az", "source_ids"] == "src-b"
    assert zones.geometry.iloc[0].equals(atlas.layers["control_zones"].geometry.iloc[0])
    events = gpd.read_file(out / "atlas.gpkg", layer="events").set_index("event_id")
    assert events.loc["e3", "date_end"] == pd.Timestamp("2020-11-03")
    assert events.loc["e2", "source_ids"] == "src-a;src-b"
    info = pyogrio.read_info(out / "atlas.gpkg", layer="events")
    assert dict(zip(info["fields"], info["ogr_types"], strict=True))["date"] == "OFTDate"  # DATE, not text


def test_attribute_tables_have_no_geometry(exported):
    _, out = exported
    for name in ATTRIBUTE_TABLES:
        assert pyogrio.read_info(out / "atlas.gpkg", layer=name)["geometry_type"] is None, name
    changes = gpd.read_file(out / "atlas.gpkg", layer="control_changes").set_index("change_id")
    assert changes.loc["c-2020", "date"] == pd.Timestamp("2020-11-10")
    assert pd.isna(changes.loc["c-2020", "controller"])  # unchanged, as in the table
    links = gpd.read_file(out / "atlas.gpkg", layer="source_links")
    assert {"events", "e2", "src-b"} in [set(r) for r in links[["table", "record_id", "source_id"]].to_numpy()]
    sources = gpd.read_file(out / "atlas.gpkg", layer="sources")
    assert sorted(sources["source_id"]) == ["src-a", "src-b"]


def test_csv_and_geojson_hold_the_same_rows(exported):
    atlas, out = exported
    events = pd.read_csv(out / "events.csv", dtype=str, keep_default_na=False)
    assert events["event_id"].tolist() == atlas.events["event_id"].tolist()
    assert events.set_index("event_id").loc["e1", "geometry_wkt"] == "POINT (46.5 39.5)"
    doc = json.loads((out / "control_zones.geojson").read_text(encoding="utf-8"))
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert props["z-west-arm"]["valid_to"] == "2020-11-10" and props["z-west-az"]["valid_to"] is None
    assert props["z-west-az"]["source_ids"] == ["src-b"]
    assert not (out / "sources.geojson").exists()  # no geometry, no GeoJSON


def test_the_data_package_is_valid_and_describes_every_file(exported):
    atlas, out = exported
    report = validate(out / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    paths = {r["path"] for r in package["resources"]}
    assert paths == {p.name for p in out.iterdir()} - {"datapackage.json", "README.md"}
    events = next(r for r in package["resources"] if r["name"] == "events")
    fields = {f["name"]: f for f in events["schema"]["fields"]}
    assert fields["date"]["type"] == "date" and fields["fatalities"]["type"] == "integer"
    assert events["schema"]["foreignKeys"][0]["reference"] == {"resource": "places", "fields": ["place_id"]}
    assert package["licenses"][0]["name"] == citation.LICENSE
    assert {s["path"] for s in package["sources"]} == {"https://example.org/a", "https://example.org/b"}
    assert package["version"] == f"0.1.0+sha256.{citation.content_hash(atlas.data_dir)}"


@pytest.mark.parametrize("table, old, new", [
    ("events.csv", "2020-10-01", "2020-13-01"),  # not a date
    ("events.csv", ",west,", ",nowhere,"),  # a place_id that is not in places
])
def test_frictionless_catches_a_broken_file(exported, table, old, new):
    _, out = exported
    path = out / table
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:  # drop the checksums: the schema itself must catch it
        resource.pop("hash", None), resource.pop("bytes", None)
    (out / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert not validate(out / "datapackage.json").valid


def test_the_version_follows_the_content(tmp_path):
    a = load_atlas(make_atlas(tmp_path / "a"))
    b = load_atlas(make_atlas(tmp_path / "b", events=[]))
    assert citation.content_hash(a.data_dir) != citation.content_hash(b.data_dir)
    assert citation.content_hash(a.data_dir) == citation.content_hash(make_atlas(tmp_path / "c"))


def test_the_readme_cites_and_relates_the_tables(exported):
    atlas, out = exported
    text = (out / "README.md").read_text(encoding="utf-8")
    assert citation.dataset_citation(citation.dataset_version(atlas.data_dir), "") in text
    for table in dataset_tables(atlas):
        assert f"| `{table.name}` | {len(table.frame)} |" in text


def test_an_atlas_without_build_tables_exports_its_layers(atlas, tmp_path):
    export_dataset(atlas, tmp_path / "out")
    names = [n for n, _ in pyogrio.list_layers(tmp_path / "out" / "atlas.gpkg")]
    assert names == [*LAYERS, "sources", "source_links"]
    assert validate(tmp_path / "out" / "datapackage.json").valid


def test_cli_exports_the_bundled_atlas(tmp_path, capsys):
    assert main(["export-dataset", "--out", str(tmp_path / "ds")]) == 0
    assert "wrote 19 files" in capsys.readouterr().err
    report = validate(tmp_path / "ds" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    zones = gpd.read_file(tmp_path / "ds" / "atlas.gpkg", layer="control_zones")
    assert {"deployed", "drawdown"} <= set(zones["peacekeeping_stage"].dropna())


def test_cli_refuses_an_invalid_atlas(tmp_path, capsys):
    root = make_atlas(tmp_path / "atlas", events=[{"event_id": "bad", "date": "2020-02-30"}])
    assert main(["export-dataset", "--data", str(root), "--out", str(tmp_path / "ds")]) == 1
    assert "2020-02-30" in capsys.readouterr().err
    assert not (tmp_path / "ds").exists()
