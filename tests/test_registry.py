"""The layer registry: a layer declared once is read, validated, dated, drawn, described and exported.

The extra layer here is what docs/LAYERS.md walks through: its registry entry, its data, and this test.
"""

import json

import pytest
from shapely.geometry import Point, mapping

from dashboard.core import registry
from dashboard.core.atlas import load_atlas
from dashboard.core.describe import describer
from dashboard.core.export import export_geojson, export_png
from dashboard.core.permalink import ViewState
from dashboard.core.query import state_on
from dashboard.core.tables import Column, choice
from dashboard.core.view import MapOptions
from dashboard.map.layers import date_view

from .conftest import make_atlas

CHECKPOINTS = registry.LayerDef(
    "checkpoints", "Checkpoints",
    (Column("name"), Column("operator", choice(("AZ", "ARM", "RU")))),
    registry.POINTS,
    describer("checkpoints", lambda row: f"Checkpoint: {row.get('name')}", (("Operated by", "operator"),)),
    lambda props: {"radius": 5, "color": "#333333", "fillColor": "#ffffff", "fill": True, "fillOpacity": 1},
    ("operator",), view_key="checkpoints", legend="points",
)


def feature(fid, lon, lat, valid_from, valid_to=None, **props):
    return {"type": "Feature", "geometry": mapping(Point(lon, lat)),
            "properties": {"id": fid, "valid_from": valid_from, "valid_to": valid_to, "source_ids": ["src-a"],
                           **props}}


@pytest.fixture
def atlas(tmp_path):
    root = make_atlas(tmp_path / "atlas")
    features = [feature("cp1", 46.5, 39.5, "2023-04-23", name="Hakari bridge", operator="AZ"),
                feature("cp2", 46.6, 39.6, "2020-01-01", "2020-02-01", name="Old post", operator="RU"),
                feature("bad", 46.6, 39.6, "2020-01-01", name="Nobody's", operator="XX")]
    (root / "geodata" / "checkpoints.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                      "features": features}))
    with registry.registered(CHECKPOINTS):
        yield load_atlas(root)


def test_a_registered_layer_is_read_and_validated(atlas):
    assert list(atlas.layers["checkpoints"]["id"]) == ["cp1", "cp2"]
    assert any(p.file == "checkpoints.geojson" and p.field == "operator" for p in atlas.report.problems)


def test_it_follows_the_time_rule(atlas):
    assert list(state_on(atlas, "2020-01-15").layers["checkpoints"]["id"]) == ["cp2"]
    assert list(state_on(atlas, "2020-02-01").layers["checkpoints"]["id"]) == []  # valid_to is exclusive
    assert list(state_on(atlas, "2023-04-23").layers["checkpoints"]["id"]) == ["cp1"]


def test_it_is_drawn_described_and_exported(atlas):
    view = json.loads(date_view(atlas, state_on(atlas, "2023-05-01"), MapOptions(layers=("checkpoints",))).to_json())
    [layer] = view["layers"]
    [drawn] = layer["features"]
    assert layer["name"] == "checkpoints" and drawn["id"] == "checkpoints:cp1"
    assert drawn["properties"]["_p"]["t"] == "Checkpoint: Hakari bridge"
    assert ["Operated by", "AZ"] in drawn["properties"]["_p"]["f"]
    assert drawn["properties"]["_p"]["s"][0][0] == "Report <b>A</b>"  # the source, as text (escaped in the DOM)
    assert registry.data_layers(("checkpoints",)) == ("checkpoints",)
    doc = json.loads(export_geojson(atlas, ViewState("2023-05-01", layers=("checkpoints",))))
    assert [f["properties"]["id"] for f in doc["features"] if f["properties"]["layer"] == "checkpoints"] == ["cp1"]
    assert export_png(atlas, ViewState("2023-05-01", layers=("checkpoints",))).startswith(b"\x89PNG")


def test_registering_is_undone_after_the_block():
    assert "checkpoints" not in registry.LAYERS
    with registry.registered(CHECKPOINTS):
        assert "checkpoints" in registry.geojson_keys()
    assert "checkpoints" not in registry.geojson_keys()


@pytest.mark.parametrize(("name", "toggles"), [
    ("zones", ("zones",)), ("peacekeeping", ("peacekeeping",)), ("corridor", ("corridor",)), ("places", ("places",)),
    ("control_zones", ("zones", "peacekeeping")), ("lachin_corridor", ("corridor",)),
    ("border_incidents", ("incidents",)), ("events", ("events",)),
])
def test_a_layer_goes_by_its_toggle_or_its_data_key(name, toggles):
    assert registry.layer_names()[name] == toggles
    assert {v for v, _ in registry.VIEW_LAYERS} <= set(registry.layer_names())
