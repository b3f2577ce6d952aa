"""The map package: the base map, the date's layers as data, styles, popups, names, the legend."""

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box, mapping

from dashboard.core import describe as d
from dashboard.core import palette, registry
from dashboard.core.atlas import default_data_dir, load_atlas
from dashboard.core.geodesy import area_km2
from dashboard.core.query import state_on
from dashboard.core.tables import safe_url
from dashboard.core.timemodel import EventWindow
from dashboard.core.view import MapOptions, filter_events, peacekeeping_zones, stack_posts, winding_down
from dashboard.map import basemap, layers, markup
from dashboard.map.assets import STATIC_DIR
from dashboard.map.component import base_args
from dashboard.map.page import map_page

from .conftest import EVENTS, SOURCES, make_atlas, zone

ATLAS_JS = (STATIC_DIR / "atlas" / "atlas.js").read_text(encoding="utf-8")


def base_script(atlas, name="none") -> str:
    """The base map's rendered page (what the component and the HTML page run)."""
    return basemap.base_map(atlas, name).get_root().render()


def view(atlas, day, options=None):
    return layers.date_view(atlas, state_on(atlas, day), options or MapOptions())


def drawn(date_view) -> dict[str, list[dict]]:
    """Layer name -> its features, read back from the JSON the browser receives."""
    out: dict[str, list[dict]] = {}
    for layer in json.loads(date_view.to_json())["layers"]:
        out.setdefault(layer["name"], []).extend(layer["features"])
    return out


def ids(features):
    return sorted(f["id"].split(":", 1)[1] for f in features)


def test_the_base_map_has_nothing_of_a_date_and_the_same_content_every_time(atlas):
    script = base_args(atlas, "none")["script"]
    for text in ("z-west", "2020-11", "data-date", "events:e1"):
        assert text not in script
    assert "preferCanvas" in script and "true" in script.split("preferCanvas")[1][:10]

    def strip_ids(text):
        return re.sub(r"_[0-9a-f]{32}", "", text)

    assert strip_ids(base_script(atlas)) == strip_ids(base_script(atlas))


def test_date_layers_follow_the_time_model(atlas):
    before = drawn(view(atlas, "2020-11-09"))
    after = drawn(view(atlas, "2020-11-12"))
    assert ids(before["control_zones"]) == ["z-east-az", "z-west-arm"]
    assert ids(after["control_zones"]) == ["z-east-az", "z-west-az"]
    assert ids(before["lachin_corridor"]) == [] and ids(after["lachin_corridor"]) == ["c-zone"]
    assert ids(before["peacekeeper_posts"]) == [] and ids(after["peacekeeper_posts"]) == ["p1"]
    assert ids(after["events"]) == ["e1"] and ids(after["areas"]) == ["e3"]  # e2 is on 15 Nov; e3 region-level
    assert ids(after["halos"]) == ["44.0,41.0,region", "46.5,39.5,settlement"]


def test_the_date_view_carries_its_date_and_the_tag_is_drawn_last(atlas):
    data = json.loads(view(atlas, "2020-11-12").to_json())
    assert data["day"] == "2020-11-12" and data["text"] == "12 Nov 2020"
    draw = ATLAS_JS[ATLAS_JS.index("atlas.drawDate = "):]
    assert draw.index("atlas.dateTag(") > draw.index("view.layers.map(")  # the tag goes on after every layer


def test_layer_toggles_choose_the_layers(atlas):
    chosen = view(atlas, "2020-11-12", MapOptions(layers=("events", "zones")))
    assert [layer.name for layer in chosen.layers] == ["control_zones", "halos", "events", "areas"]
    assert view(atlas, "2020-11-12", MapOptions(layers=())).layers == []


def test_place_labels_are_in_the_base_map_and_switched_per_step(atlas):
    base = base_script(atlas)
    assert "atlas.placeLabels(" in base and '"both":"West / Arevmutk"' in base and '"az":"Qərb"' in base
    for names, show in (("az", True), ("hy", False)):
        data = view(atlas, "2020-11-12", MapOptions(layers=("zones",) + (("places",) if show else ()), names=names))
        assert json.loads(data.to_json())["names"] == {"mode": names, "show": show}
        assert '"places:west"' not in data.to_json()  # no label features travel with the date layers


def test_events_are_styled_by_type_claim_and_precision(atlas):
    layer = drawn(view(atlas, "2020-11-16"))
    halos = {f["id"]: f["properties"]["_s"] for f in layer["halos"]}  # one ring per point and precision
    dots = {f["id"]: f["properties"]["_s"] for f in layer["events"]}
    # e2 confirmed (filled), e1 claimed (hollow), e3 disputed (hollow, dashed)
    assert dots["events:e2"]["fillOpacity"] == 0.9
    assert dots["events:e2"]["fillColor"] == palette.EVENT_COLOURS["deployment"]
    assert dots["events:e1"]["fillColor"] == "#ffffff"
    assert dots["events:e1"]["color"] == palette.EVENT_COLOURS["shelling"]
    assert dots["events:e1"]["dashArray"] is None
    assert palette.event_style({"claim_status": "disputed"})["dashArray"] == "3 3"
    # settlement -> 3 km halo, region -> 30 km (e3, drawn as an area marker); rings, never filled discs
    assert halos["halo:46.5,39.5,settlement"]["radius"] == 3_000 and halos["halo:44.0,41.0,region"]["radius"] == 30_000
    assert not any(h["fill"] for h in halos.values())
    assert palette.halo_style({"geo_precision": "exact"})["radius"] == 0


def test_exact_events_have_no_halo(tmp_path):
    exact = [{**EVENTS[0], "geo_precision": "exact"}]
    atlas = load_atlas(make_atlas(tmp_path / "a", events=exact))
    layer = drawn(view(atlas, "2020-10-01"))
    assert [f["id"] for f in layer["events"]] == ["events:e1"] and layer["halos"] == []


def test_zones_are_coloured_by_controller_and_claims_are_hatched(tmp_path):
    zones = {"control_zones": [zone("z1", box(46, 39, 47, 40), "AZ", "2020-01-01", claim_status="claimed"),
                               zone("z2", box(47, 39, 48, 40), "ARM", "2020-01-01", peacekeeping_zone=True)]}
    atlas = load_atlas(make_atlas(tmp_path / "a", layers=zones))
    assert palette.CONTROLLER_COLOURS == {"AZ": "#0072B2", "ARM": "#E69F00"}  # Okabe-Ito blue / orange
    groups = drawn(view(atlas, "2020-06-01"))
    props = {f["id"]: f["properties"] for f in groups["control_zones"]}
    assert props["control_zones:z1"]["_s"]["color"] == "#0072B2"
    assert props["control_zones:z1"]["_s"]["dashArray"] == "6 4" and props["control_zones:z1"]["_h"] == "AZ"
    assert props["control_zones:z2"]["_s"]["color"] == "#E69F00" and "_h" not in props["control_zones:z2"]
    outline = groups["peacekeeping"]
    assert len(outline) == 1 and outline[0]["properties"]["_s"]["color"] == palette.PEACEKEEPING_COLOUR
    assert outline[0]["geometry"]["type"] == "LineString"


def test_popups_carry_key_facts_and_sources_as_text(atlas):
    zones = {f["id"]: f for f in drawn(view(atlas, "2020-11-12"))["control_zones"]}
    popup = zones["control_zones:z-west-az"]["properties"]["_p"]
    assert popup["t"] == "Azerbaijani forces"
    assert ["Held by", "Azerbaijani forces"] in popup["f"]
    assert popup["s"] == [["Report B", "Outlet B", "2020-11-10", "https://example.org/b", ""]]  # no source_kind
    west_arm = registry.describe(atlas, "control_zones", atlas.layers["control_zones"].iloc[0].to_dict())
    area = dict(west_arm.facts)["Area"]
    assert area == f"{area_km2(atlas.layers['control_zones'].geometry.iloc[:1])[0]:,.0f} km²"


def test_only_http_links_and_escaped_text(tmp_path):
    evil = "</script><script>alert(1)</script>"
    sources = [{**SOURCES[0], "title": evil}, {**SOURCES[1]}]
    atlas = load_atlas(make_atlas(tmp_path / "a", sources=sources))
    html = map_page(atlas, state_on(atlas, "2020-11-12"), MapOptions(), "t", "v")
    assert evil not in html and "alert(1)" in html  # present, but only as escaped JSON text
    assert "\\u003c/script\\u003e" in html
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.org/a") == "https://x.org/a"
    desc = d.Description("events", "e", "t", [], [{"title": "T", "url": "javascript:x"}])
    assert registry.popup_data(desc)["s"] == [["T", "", "", "", ""]]
    listed = markup.sources_html([{"title": "A <b>", "outlet": "O&O", "published": "2020-01-01",
                                   "url": "https://example.org/?a=1&b=2"}, {"title": "B", "url": "data:text/html,x"}])
    assert ('<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
            'A &lt;b&gt;</a>') in listed
    assert "O&amp;O, 2020-01-01" in listed
    assert "data:text" not in listed and "<li>B</li>" in listed


def test_the_popup_script_builds_text_nodes_and_safe_links():
    popup = ATLAS_JS[ATLAS_JS.index("function add("):]  # the helper that makes every element, and the popup
    popup = popup[:popup.index("\n  };", popup.index("atlas.popup = "))]
    assert "textContent" in popup and "innerHTML" not in popup
    assert 'a.rel = "noopener noreferrer"' in popup and 'a.target = "_blank"' in popup


def test_the_reference_in_a_popup_names_the_feature():
    assert registry.parse_ref("Azerbaijani forces\nHeld by ...\nref control_zones:zone-2020-11-10-AZ") == (
        "control_zones", "zone-2020-11-10-AZ")
    assert registry.parse_ref("no reference here") is None and registry.parse_ref(None) is None


def test_name_modes(atlas):
    west = d.places_by_id(atlas)["west"]
    assert d.place_name(west, "both") == "West / Arevmutk"
    assert d.place_name(west, "az") == "Qərb"
    assert d.place_name(west, "hy") == "Arevmutk"
    assert d.place_name({**west, "name_hy": ""}, "hy") == "West / Arevmutk"  # no form: the English one
    labels = json.loads(basemap.place_labels_json(atlas))  # every name form travels once, with the base map
    assert [f["properties"]["_n"] for f in labels] == [  # only towns and cities are labelled
        {"both": "West / Arevmutk", "az": "Qərb", "hy": "Arevmutk"}]
    row = {"location": "West / Arevmutk", "place_id": "west"}
    assert d.event_location(atlas, row, "az") == "Qərb"
    assert d.event_location(atlas, {**row, "location": "near West"}, "az") == "near West"


def test_filters(atlas):
    events = state_on(atlas, "2020-11-16").events
    assert list(filter_events(events, MapOptions())["event_id"]) == ["e1", "e3", "e2"]
    assert list(filter_events(events, MapOptions(event_types=("clash",)))["event_id"]) == ["e3"]
    assert list(filter_events(events, MapOptions(claims=("claimed", "confirmed")))["event_id"]) == ["e1", "e2"]
    assert list(filter_events(events, MapOptions(actors=("Nobody",)))["event_id"]) == []


LAND_OVER_TILES = '"interactive":false,"features":[{"type":"Feature","id":"countries:0"'
"""The vector land drawn in the overlay pane: the basemap itself, never over tiles (there it lies under them)."""


@pytest.mark.parametrize(("name", "present", "absent"), [
    ("none", LAND_OVER_TILES, "tile.openstreetmap.org"),
    ("osm", "tile.openstreetmap.org", LAND_OVER_TILES),
    ("esri", "World_Imagery", LAND_OVER_TILES),
    ("carto", "basemaps.cartocdn.com", LAND_OVER_TILES),
])
def test_basemaps(tmp_path, name, present, absent):
    root = make_atlas(tmp_path / "a")
    country = {"type": "Feature", "properties": {"id": "az"}, "geometry": mapping(box(44, 38, 50, 42))}
    (root / "geodata" / "countries.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                    "features": [country]}))
    (root / "geodata" / "mapped_area.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": mapping(box(46, 39, 48, 40))}]}))
    atlas = load_atlas(root)
    script = base_script(atlas, name)
    assert present in script and absent not in script
    assert "mapped_area:0" in script
    assert basemap.default_bounds(atlas) == [[39.0, 46.0], [40.0, 48.0]]


def test_the_legend_explains_every_style():
    legend = markup.legend_html()
    for text in ("Azerbaijani forces", "Armenian and Nagorno-Karabakh forces", "hatched", "peacekeeping zone",
                 "blockaded", "checkpoint", "Peacekeeper post", "Border incident", "confirmed (filled)",
                 "claimed (hollow)", "disputed (hollow, dashed)", "halo"):
        assert text in legend


def test_the_map_and_the_png_legends_are_the_same_rows():
    from dashboard.core.render import legend_handles  # the PNG legend, compared row by row

    rows = [r.label for section in palette.legend(MapOptions().layers).values() for r in section]
    labels = [h.get_label().removeprefix("Lachin corridor: ") for h in legend_handles(MapOptions())]
    assert labels == rows
    for row in rows:
        assert markup.esc(row) in markup.legend_html()


def test_many_events_are_drawn_as_counted_cells(atlas):
    from dashboard.bench import with_synthetic_events

    big = with_synthetic_events(atlas, 3 * layers.MAX_EVENT_MARKERS)
    events = state_on(big, "2024-06-12", EventWindow()).events
    assert len(events) > layers.MAX_EVENT_MARKERS
    cells = layers.aggregate_events(events)
    counts = [int(c["properties"]["_p"]["t"].split()[0].replace(",", "")) for c in cells]
    assert sum(counts) == len(events)  # every event is in exactly one cell
    assert all("each event's own" in dict(c["properties"]["_p"]["f"])["Sources"] for c in cells)
    assert len(cells) < len(events) / 4
    page = layers.date_view(big, state_on(big, "2024-06-12", EventWindow()), MapOptions(layers=("events",))).to_json()
    assert '"id":"cells:' in page and '"id":"events:' not in page


def test_posts_reported_as_a_count_at_one_place_are_one_marker_with_the_count():
    real = load_atlas(default_data_dir())
    posts = state_on(real, "2020-11-20").layers["peacekeeper_posts"]
    stacked = stack_posts(posts)
    assert stacked["stack"].sum() == len(posts)  # nothing lost, nothing doubled
    north = stacked[(stacked["kind"] == "observation_post") & (stacked["zone"] == "north")]
    assert sorted(north["stack"]) == [1, 10]  # 10 at Khankendi (positions unpublished) + the post at Dadivank
    feats = drawn(view(real, "2020-11-20", MapOptions(layers=("posts",))))
    assert len(feats["peacekeeper_posts"]) == len(stacked) < len(posts)
    assert any(f["properties"]["_s"].get("count") == 10 for f in feats["peacekeeper_posts"])


@pytest.mark.parametrize(
    ("stages", "thin"),
    [([None], False), (["deployed"], False), (["drawdown"], True), (["drawdown", "withdrawal"], True),
     (["deployed", "drawdown"], False)],
)
def test_peacekeeping_zones_winding_down_are_drawn_thin(stages, thin):
    zones = gpd.GeoDataFrame({"id": [f"z{i}" for i in range(len(stages))], "peacekeeping_zone": True,
                              "peacekeeping_stage": stages},
                             geometry=[box(46 + i, 39, 46.5 + i, 39.5) for i in range(len(stages))], crs="EPSG:4326")
    pk = peacekeeping_zones(zones)
    assert len(pk) == len(stages) and winding_down(pk) is thin


def test_the_base_map_is_rendered_once_per_atlas_and_basemap(atlas, monkeypatch):
    from dashboard.map import component

    built = []
    real = component.base_map
    monkeypatch.setattr(component, "base_map", lambda a, name: built.append(name) or real(a, name))
    first = [base_args(atlas, "topo") for _ in range(3)]
    other = base_args(atlas, "esri")
    assert built == ["topo", "esri"] and first[0] is first[2] and other["key"] != first[0]["key"]
