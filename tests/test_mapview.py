import json
import re

import pytest
from shapely.geometry import box, mapping
from streamlit_folium import _get_map_string, generate_js_hash

from dashboard.core import mapview as mv
from dashboard.core.atlas import load_atlas
from dashboard.core.geodesy import area_km2
from dashboard.core.query import state_on

from .conftest import SOURCES, make_atlas, zone

LAYER_RE = re.compile(r'L\.geoJson\(\{"type": "FeatureCollection", "features": (\[.*?\])\}, \{', re.S)


def page(atlas, day, options=None, basemap="none"):
    fmap = mv.base_map(atlas, basemap)
    for group in mv.date_layers(atlas, state_on(atlas, day), options or mv.MapOptions()):
        group.add_to(fmap)
    return fmap.get_root().render()


def drawn(groups) -> dict[str, list[dict]]:
    """Feature group title -> the features of its layers, read back from the rendered JavaScript."""
    out = {}
    for group in groups:
        host = mv.folium.Map()
        group.add_to(host)
        script = host.get_root().render()
        out[group.layer_name] = [f for chunk in LAYER_RE.findall(script) for f in json.loads(chunk)]
    return out


def ids(features):
    return sorted(f["id"].split(":", 1)[1] for f in features)


def test_the_base_map_has_nothing_of_a_date_and_the_same_identity_every_time(atlas):
    scripts = [_get_map_string(mv.base_map(atlas)) for _ in range(2)]
    assert generate_js_hash(scripts[0], "map") == generate_js_hash(scripts[1], "map")
    for text in ("z-west", "2020-11", "data-date", "events:e1"):
        assert text not in scripts[0]
    assert "preferCanvas" in scripts[0] and "true" in scripts[0].split("preferCanvas")[1][:10]


def test_date_layers_follow_the_time_model(atlas):
    before = drawn(mv.date_layers(atlas, state_on(atlas, "2020-11-09")))
    after = drawn(mv.date_layers(atlas, state_on(atlas, "2020-11-12")))
    assert ids(before["Control zones"]) == ["z-east-az", "z-west-arm"]
    assert ids(after["Control zones"]) == ["z-east-az", "z-west-az"]
    assert ids(before["Lachin corridor"]) == [] and ids(after["Lachin corridor"]) == ["c-zone"]
    assert ids(before["Peacekeeper posts"]) == [] and ids(after["Peacekeeper posts"]) == ["p1"]
    dots = [f for f in after["Events"] if "_p" in f["properties"]]
    halos = [f for f in after["Events"] if "_p" not in f["properties"]]
    assert ids(dots) == ["e1", "e3"] and ids(halos) == ["e1", "e3"]  # e2 is on 15 Nov


def test_the_date_tag_is_the_last_layer_and_shows_the_date(atlas):
    groups = mv.date_layers(atlas, state_on(atlas, "2020-11-12"))
    assert groups[-1].layer_name == "Date"
    html = page(atlas, "2020-11-12")
    assert html.rindex('"data-date", "2020-11-12"') > html.rindex("L.geoJson(")
    assert '"12 Nov 2020"' in html


def test_layer_toggles_choose_the_groups(atlas):
    groups = mv.date_layers(atlas, state_on(atlas, "2020-11-12"), mv.MapOptions(layers=("events", "zones")))
    # "Place names" is always there: the labels live in the base map, the group shows, hides or renames them
    assert [g.layer_name for g in groups] == ["Control zones", "Place names", "Events", "Date"]
    only_date = mv.date_layers(atlas, state_on(atlas, "2020-11-12"), mv.MapOptions(layers=()))
    assert [g.layer_name for g in only_date] == ["Place names", "Date"]


def test_place_labels_are_in_the_base_map_and_switched_per_step(atlas):
    import folium

    base = mv.base_map(atlas).get_root().render()
    assert "window.atlasPlaceLabels" in base and '"both":"West / Arevmutk"' in base and '"az":"Qərb"' in base
    for names, show in (("az", True), ("hy", False)):
        fmap = folium.Map()
        for group in mv.date_layers(atlas, state_on(atlas, "2020-11-12"),
                                    mv.MapOptions(layers=("zones",) + (("places",) if show else ()), names=names)):
            group.add_to(fmap)
        page = fmap.get_root().render()
        assert f'mode = "{names}"' in page and f"if (!{str(show).lower()})" in page
        assert '"places:west"' not in page  # no label features travel with the date layers


def test_events_are_styled_by_type_claim_and_precision(atlas):
    events = drawn(mv.date_layers(atlas, state_on(atlas, "2020-11-16")))["Events"]
    halos = {f["id"]: f["properties"]["_s"] for f in events if f["properties"]["_s"].get("interactive") is False}
    dots = {f["id"]: f["properties"]["_s"] for f in events if "_p" in f["properties"]}
    # e2 confirmed (filled), e1 claimed (hollow), e3 disputed (hollow, dashed)
    assert dots["events:e2"]["fillOpacity"] == 0.9 and dots["events:e2"]["fillColor"] == mv.EVENT_COLOURS["deployment"]
    assert dots["events:e1"]["fillColor"] == "#ffffff" and dots["events:e1"]["color"] == mv.EVENT_COLOURS["shelling"]
    assert dots["events:e1"]["dashArray"] is None
    assert dots["events:e3"]["dashArray"] == "3 3"
    # settlement -> 3 km halo, region -> 30 km
    assert halos["events:e1"]["radius"] == 3_000 and halos["events:e3"]["radius"] == 30_000
    assert mv.halo_style({"geo_precision": "exact"})["radius"] == 0


def test_exact_events_have_no_halo(tmp_path):
    from .conftest import EVENTS

    exact = [{**EVENTS[0], "geo_precision": "exact"}]
    atlas = load_atlas(make_atlas(tmp_path / "a", events=exact))
    events = drawn(mv.date_layers(atlas, state_on(atlas, "2020-10-01")))["Events"]
    assert [f["id"] for f in events] == ["events:e1"]


def test_zones_are_coloured_by_controller_and_claims_are_hatched(tmp_path):
    layers = {"control_zones": [zone("z1", box(46, 39, 47, 40), "AZ", "2020-01-01", claim_status="claimed"),
                                zone("z2", box(47, 39, 48, 40), "ARM", "2020-01-01", peacekeeping_zone=True)]}
    atlas = load_atlas(make_atlas(tmp_path / "a", layers=layers))
    assert mv.CONTROLLER_COLOURS == {"AZ": "#0072B2", "ARM": "#E69F00"}  # Okabe-Ito blue / orange
    groups = drawn(mv.date_layers(atlas, state_on(atlas, "2020-06-01")))
    zones = {f["id"]: f["properties"] for f in groups["Control zones"]}
    assert zones["control_zones:z1"]["_s"]["color"] == "#0072B2"
    assert zones["control_zones:z1"]["_s"]["dashArray"] == "6 4" and zones["control_zones:z1"]["_h"] == "AZ"
    assert zones["control_zones:z2"]["_s"]["color"] == "#E69F00" and "_h" not in zones["control_zones:z2"]
    outline = groups["Peacekeeping zone"]
    assert len(outline) == 1 and outline[0]["properties"]["_s"]["color"] == mv.PEACEKEEPING_COLOUR
    assert outline[0]["geometry"]["type"] == "LineString"


def test_popups_carry_key_facts_and_sources_as_text(atlas):
    zones = {f["id"]: f for f in drawn(mv.date_layers(atlas, state_on(atlas, "2020-11-12")))["Control zones"]}
    popup = zones["control_zones:z-west-az"]["properties"]["_p"]
    assert popup["t"] == "Azerbaijani forces"
    assert ["Held by", "Azerbaijani forces"] in popup["f"]
    assert popup["s"] == [["Report B", "Outlet B", "2020-11-10", "https://example.org/b"]]
    west_arm = mv.describe(atlas, "control_zones", atlas.layers["control_zones"].iloc[0].to_dict())
    area = dict(west_arm.facts)["Area"]
    assert area == f"{area_km2(atlas.layers['control_zones'].geometry.iloc[:1])[0]:,.0f} km²"


def test_only_http_links_and_escaped_text(tmp_path):
    evil = "</script><script>alert(1)</script>"
    sources = [{**SOURCES[0], "title": evil}, {**SOURCES[1]}]
    atlas = load_atlas(make_atlas(tmp_path / "a", sources=sources))
    html = page(atlas, "2020-11-12")
    assert evil not in html and "alert(1)" in html  # present, but only as escaped JSON text
    assert "\\u003c/script\\u003e" in html
    assert mv.safe_url("javascript:alert(1)") is None and mv.safe_url("https://x.org/a") == "https://x.org/a"
    assert mv.popup_data(mv.Description("events", "e", "t", [], [{"title": "T", "url": "javascript:x"}]))["s"] == [
        ["T", "", "", ""]]
    listed = mv.sources_html([{"title": "A <b>", "outlet": "O&O", "published": "2020-01-01",
                               "url": "https://example.org/?a=1&b=2"}, {"title": "B", "url": "data:text/html,x"}])
    assert ('<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
            'A &lt;b&gt;</a>') in listed
    assert "O&amp;O, 2020-01-01" in listed
    assert "data:text" not in listed and "<li>B</li>" in listed


def test_the_popup_script_builds_text_nodes_and_safe_links(atlas):
    script = _get_map_string(mv.base_map(atlas))
    popup = script[script.index("window.atlasPopup"):]
    assert "textContent" in popup and "innerHTML" not in popup.split("window.atlasPopup", 1)[1].split("};")[0]
    assert 'a.rel = "noopener noreferrer"' in popup and 'a.target = "_blank"' in popup


def test_the_reference_in_a_popup_names_the_feature():
    assert mv.parse_ref("Azerbaijani forces\nHeld by ...\nref control_zones:zone-2020-11-10-AZ") == (
        "control_zones", "zone-2020-11-10-AZ")
    assert mv.parse_ref("no reference here") is None and mv.parse_ref(None) is None


def test_name_modes(atlas):
    west = mv.places_by_id(atlas)["west"]
    assert mv.place_name(west, "both") == "West / Arevmutk"
    assert mv.place_name(west, "az") == "Qərb"
    assert mv.place_name(west, "hy") == "Arevmutk"
    assert mv.place_name({**west, "name_hy": ""}, "hy") == "West / Arevmutk"  # no form: the English one
    labels = json.loads(mv.place_labels_js(atlas))  # every name form travels once, with the base map
    assert [f["properties"]["_n"] for f in labels] == [  # only towns and cities are labelled
        {"both": "West / Arevmutk", "az": "Qərb", "hy": "Arevmutk"}]
    row = {"location": "West / Arevmutk", "place_id": "west"}
    assert mv.event_location(atlas, row, "az") == "Qərb"
    assert mv.event_location(atlas, {**row, "location": "near West"}, "az") == "near West"


def test_filters(atlas):
    events = state_on(atlas, "2020-11-16").events
    assert list(mv.filter_events(events, mv.MapOptions())["event_id"]) == ["e1", "e3", "e2"]
    assert list(mv.filter_events(events, mv.MapOptions(event_types=("clash",)))["event_id"]) == ["e3"]
    assert list(mv.filter_events(events, mv.MapOptions(claims=("claimed", "confirmed")))["event_id"]) == ["e1", "e2"]
    assert list(mv.filter_events(events, mv.MapOptions(actors=("Nobody",)))["event_id"]) == []


@pytest.mark.parametrize(("basemap", "present", "absent"), [
    ("none", "countries:0", "tile.openstreetmap.org"),
    ("osm", "tile.openstreetmap.org", "countries:0"),
    ("esri", "World_Imagery", "countries:0"),
    ("carto", "basemaps.cartocdn.com", "countries:0"),
])
def test_basemaps(tmp_path, basemap, present, absent):
    root = make_atlas(tmp_path / "a")
    country = {"type": "Feature", "properties": {"id": "az"}, "geometry": mapping(box(44, 38, 50, 42))}
    (root / "geodata" / "countries.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                    "features": [country]}))
    (root / "geodata" / "mapped_area.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(box(46, 39, 48, 40))}]}))
    atlas = load_atlas(root)
    script = _get_map_string(mv.base_map(atlas, basemap))
    assert present in script and absent not in script
    assert "mapped_area:0" in script
    assert mv.default_bounds(atlas) == [[39.0, 46.0], [40.0, 48.0]]


def test_the_legend_explains_every_style():
    legend = mv.legend_html()
    for text in ("Azerbaijani forces", "Armenian and Nagorno-Karabakh forces", "hatched", "peacekeeping zone",
                 "blockaded", "checkpoint", "Peacekeeper post", "Border incident", "confirmed (filled)",
                 "claimed (hollow)", "disputed (hollow, dashed)", "halo"):
        assert text in legend


def test_many_events_are_drawn_as_counted_cells(atlas):
    from dashboard.bench import with_synthetic_events
    from dashboard.core.mapview import MAX_EVENT_MARKERS, aggregate_events
    from dashboard.core.query import state_on
    from dashboard.core.timemodel import EventWindow

    big = with_synthetic_events(atlas, 3 * MAX_EVENT_MARKERS)
    events = state_on(big, "2024-06-12", EventWindow()).events
    assert len(events) > MAX_EVENT_MARKERS
    cells = aggregate_events(big, events)
    counts = [int(c["properties"]["_p"]["t"].split()[0].replace(",", "")) for c in cells]
    assert sum(counts) == len(events)  # every event is in exactly one cell
    assert all("each event's own" in dict(c["properties"]["_p"]["f"])["Sources"] for c in cells)
    assert len(cells) < len(events) / 4
    import folium

    from dashboard.core.mapview import MapOptions, date_layers

    fmap = folium.Map()
    for group in date_layers(big, state_on(big, "2024-06-12", EventWindow()), MapOptions(layers=("events",))):
        group.add_to(fmap)
    page = fmap.get_root().render()
    assert '"id":"cells:' in page and '"id":"events:' not in page


def test_posts_reported_as_a_count_at_one_place_are_one_marker_with_the_count(atlas):
    from dashboard.core.atlas import default_data_dir, load_atlas

    real = load_atlas(default_data_dir())
    posts = state_on(real, "2020-11-20").layers["peacekeeper_posts"]
    stacked = mv.stack_posts(posts)
    assert stacked["stack"].sum() == len(posts)  # nothing lost, nothing doubled
    north = stacked[(stacked["kind"] == "observation_post") & (stacked["zone"] == "north")]
    assert sorted(north["stack"]) == [1, 10]  # 10 at Khankendi (positions unpublished) + the post at Dadivank
    feats = drawn(mv.date_layers(real, state_on(real, "2020-11-20"), mv.MapOptions(layers=("posts",))))
    assert len(feats["Peacekeeper posts"]) == len(stacked) < len(posts)
    assert any('<b class="pk-count">10</b>' in f["properties"]["_s"]["html"] for f in feats["Peacekeeper posts"])


@pytest.mark.parametrize(
    ("stages", "thin"),
    [([None], False), (["deployed"], False), (["drawdown"], True), (["drawdown", "withdrawal"], True),
     (["deployed", "drawdown"], False)],
)
def test_peacekeeping_zones_winding_down_are_drawn_thin(stages, thin):
    import geopandas as gpd
    from shapely.geometry import box

    zones = gpd.GeoDataFrame({"id": [f"z{i}" for i in range(len(stages))], "peacekeeping_zone": True,
                              "peacekeeping_stage": stages},
                             geometry=[box(46 + i, 39, 46.5 + i, 39.5) for i in range(len(stages))], crs="EPSG:4326")
    pk = mv.peacekeeping_zones(zones)
    assert len(pk) == len(stages) and mv.winding_down(pk) is thin
