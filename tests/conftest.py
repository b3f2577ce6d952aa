"""Tiny atlases built in code: two squares of control, a corridor, posts, incidents, events."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from shapely.geometry import Point, Polygon, box, mapping

pytest_plugins = ("tests.fixtures_browser",)  # server, browser, open_app for the browser tests

SOURCES = [
    {"source_id": "src-a", "outlet": "Outlet A", "title": "Report <b>A</b>", "published": "2020-10-01",
     "url": "https://example.org/a"},
    {"source_id": "src-b", "outlet": "Outlet B", "title": "Report B", "published": "2020-11-10",
     "url": "https://example.org/b"},
]
PLACES = [
    {"place_id": "west", "name_en": "West / Arevmutk", "name_az": "Qərb", "name_hy": "Arevmutk", "lat": "39.5",
     "lon": "46.5", "district": "Alpha", "area": "nkao", "kind": "town", "source_ids": "src-a"},
    {"place_id": "east", "name_en": "East", "name_az": "Şərq", "name_hy": "Arevelk", "lat": "39.5",
     "lon": "47.5", "district": "Beta", "area": "districts", "kind": "village", "source_ids": "src-a"},
]
EVENTS = [
    {"event_id": "e1", "date": "2020-10-01", "date_precision": "day", "event_type": "shelling",
     "location": "West", "place_id": "west", "lat": "39.5", "lon": "46.5", "geo_precision": "settlement",
     "claim_status": "claimed", "summary": "Shelling reported.", "source_ids": "src-a"},
    {"event_id": "e2", "date": "2020-11-15", "date_precision": "day", "event_type": "deployment",
     "location": "East", "lat": "39.5", "lon": "47.5", "geo_precision": "settlement",
     "claim_status": "confirmed", "summary": "Posts set up.", "source_ids": "src-a;src-b"},
    {"event_id": "e3", "date": "2020-11-01", "date_end": "2020-11-03", "date_precision": "day",
     "event_type": "clash", "location": "Outside", "lat": "41.0", "lon": "44.0", "geo_precision": "region",
     "claim_status": "disputed", "summary": "Far away.", "source_ids": "src-b"},
]
WEST = box(46.0, 39.0, 47.0, 40.0)
EAST = box(47.0, 39.0, 48.0, 40.0)


def zone(fid, geom, controller, valid_from, valid_to=None, sources=("src-a",), **extra):
    props = {"id": fid, "valid_from": valid_from, "valid_to": valid_to, "controller": controller,
             "source_ids": list(sources), **extra}
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def point_feature(fid, lon, lat, valid_from, valid_to=None, sources=("src-b",), **props):
    return {"type": "Feature", "geometry": mapping(Point(lon, lat)),
            "properties": {"id": fid, "valid_from": valid_from, "valid_to": valid_to, "source_ids": list(sources),
                           **props}}


def default_layers() -> dict[str, list[dict]]:
    return {
        "control_zones": [
            zone("z-west-arm", WEST, "ARM", "1994-05-12", "2020-11-10"),
            zone("z-west-az", WEST, "AZ", "2020-11-10", sources=("src-b",)),
            zone("z-east-az", EAST, "AZ", "1994-05-12"),
        ],
        "lachin_corridor": [
            {"type": "Feature", "geometry": mapping(box(46.4, 39.4, 46.6, 39.6)),
             "properties": {"id": "c-zone", "valid_from": "2020-11-10", "valid_to": "2022-08-30", "kind": "zone",
                            "route": "2020", "status": "open", "source_ids": ["src-b"]}},
        ],
        "peacekeeper_posts": [
            point_feature("p1", 46.6, 39.5, "2020-11-12", "2024-06-12", kind="observation_post", name="Post 1",
                          zone="north", geo_precision="settlement"),
            point_feature("p2", 47.6, 39.5, "2020-11-15", "2024-06-12", kind="observation_post", name="Post 2",
                          zone="south", geo_precision="settlement"),
        ],
        "border_incidents": [
            point_feature("i1", 45.9, 40.1, "2021-05-12", "2021-05-13", incident_type="incursion",
                          claim_status="disputed", geo_precision="settlement"),
        ],
    }


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None, *, bom=False, crlf=False) -> None:
    columns = columns or list(dict.fromkeys(k for r in rows for k in r))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, lineterminator="\r\n" if crlf else "\n")
        writer.writeheader()
        writer.writerows(rows)


def write_layer(root: Path, name: str, features: list[dict]) -> None:
    path = root / "geodata" / f"{name}.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def make_atlas(root: Path, *, sources=None, places=None, events=None, layers=None) -> Path:
    """Write a complete atlas folder; each part can be replaced."""
    write_csv(root / "geodata" / "sources.csv", SOURCES if sources is None else sources,
              ["source_id", "outlet", "source_kind", "title", "published", "accessed", "url", "note"])
    write_csv(root / "geodata" / "places.csv", PLACES if places is None else places,
              ["place_id", "name_en", "name_az", "name_hy", "lat", "lon", "district", "area", "kind", "source_ids"])
    write_csv(root / "events.csv", EVENTS if events is None else events,
              ["event_id", "date", "date_end", "date_precision", "event_type", "location", "place_id", "lat",
               "lon", "geo_precision", "claim_status", "actor1", "actor2", "summary", "fatalities",
               "fatalities_note", "tags", "source_ids", "group_id"])
    all_layers = default_layers()
    all_layers.update(layers or {})
    for name, features in all_layers.items():
        write_layer(root, name, features)
    return root


@pytest.fixture
def atlas_dir(tmp_path) -> Path:
    return make_atlas(tmp_path / "atlas")


@pytest.fixture
def atlas(atlas_dir):
    from dashboard.core.atlas import load_atlas

    return load_atlas(atlas_dir)


@pytest.fixture
def square() -> Polygon:
    return WEST


APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


@pytest.fixture
def app(atlas_dir, monkeypatch):
    """``make(**query_params) -> AppTest``: the app run on the test module's own ``atlas_dir``."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KARABAKH_ATLAS_DATA", str(atlas_dir))

    def make(**params) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        return at.run()

    return make
