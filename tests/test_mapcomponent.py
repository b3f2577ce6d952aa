"""The map component sends what ``st_folium`` would, with the base map rendered once."""

import pytest
import streamlit_folium as sf

from dashboard.core import mapview
from dashboard.core.query import state_on
from dashboard.ui import mapcomponent

RETURNED = ["last_object_clicked_popup", "center", "zoom"]


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs))
    return calls


def _groups(atlas, day):
    return mapview.date_layers(atlas, state_on(atlas, day))


@pytest.mark.parametrize("basemap", ["none", "osm"])
def test_arguments_equal_st_folium_s(atlas, sent, basemap):
    sf.st_folium(mapview.base_map(atlas, basemap), key="m", feature_group_to_add=_groups(atlas, "2020-11-10"),
                 returned_objects=RETURNED, height=500, use_container_width=True)
    mapcomponent.atlas_map(atlas, basemap, _groups(atlas, "2020-11-10"), key="m", height=500,
                           returned_objects=RETURNED)
    expected, got = sent
    for name in ("on_change",):  # a callback: equal in effect, not identity
        expected.pop(name), got.pop(name)
    assert got == expected


def test_the_base_map_is_rendered_once_per_atlas_and_basemap(atlas, sent, monkeypatch):
    built = []
    real = mapview.base_map
    monkeypatch.setattr(mapview, "base_map", lambda *a: built.append(a[1:]) or real(*a))
    for day in ("2020-11-09", "2020-11-10", "2020-11-11"):
        mapcomponent.atlas_map(atlas, "none", _groups(atlas, day), key="m", height=500, returned_objects=RETURNED)
    mapcomponent.atlas_map(atlas, "osm", _groups(atlas, "2020-11-11"), key="m", height=500,
                           returned_objects=RETURNED)
    assert built == [("none",), ("osm",)]
    assert sent[0]["script"] == sent[2]["script"] and sent[0]["key"] == sent[2]["key"]
    assert sent[0]["feature_group"] != sent[1]["feature_group"]
    assert sent[3]["key"] != sent[0]["key"]  # another basemap is another map


def test_the_layers_keep_their_features_after_rendering(atlas, sent):
    groups = _groups(atlas, "2020-11-10")
    before = [c.features_js for g in groups for c in g._children.values() if isinstance(c, mapview.AtlasLayer)]
    mapcomponent.atlas_map(atlas, "none", groups, key="m", height=500, returned_objects=RETURNED)
    after = [c.features_js for g in groups for c in g._children.values() if isinstance(c, mapview.AtlasLayer)]
    assert before and after == before and "ATLASFEATURES" not in sent[0]["feature_group"]
