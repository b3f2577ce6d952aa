"""The Streamlit app, driven by streamlit.testing (no browser): widgets, link, map arguments, side panel."""

import json
from datetime import date

import pytest

from dashboard.core.view import LAYER_KEYS
from dashboard.ui import labels as L
from dashboard.ui import mapcomponent
from dashboard.ui import mapview as ui_map

from .conftest import (
    APP,  # noqa: E402,F401  (tests/test_compare.py imports it from here)
    make_atlas,
)


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory):
    return make_atlas(tmp_path_factory.mktemp("app") / "atlas")




def map_args(at) -> dict:
    [component] = at.get("component_instance")
    assert component.proto.component_name == mapcomponent.FRAME_TITLE
    args = json.loads(component.proto.json_args)
    return {**args, "layers": json.loads(args["date"])}


def drawn(args) -> str:
    """The date layers' JSON text (feature ids and styles, the date tag and the names switch)."""
    return args["date"]


def side_panel(at) -> str:
    """The side panel's HTML (the selected feature and what changed: one ``st.html``)."""
    return "\n".join(h.value for h in at.get("html"))


def test_every_widget_exists_with_its_label(app):
    at = app()
    assert not at.exception
    assert at.slider(key=L.DAY.key).label == L.DAY.label
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 10)
    for widget in (L.PREV_CHANGE, L.NEXT_CHANGE, L.PLAY):
        assert at.button(key=widget.key).label == widget.label
    for widget in (L.KEY_DATE, L.PLAY_STEP, L.PLACE, L.BASEMAP):
        assert at.selectbox(key=widget.key).label == widget.label
    for key in LAYER_KEYS:
        assert at.checkbox(key=L.LAYERS[key].key).label == L.LAYERS[key].label
        assert at.checkbox(key=L.LAYERS[key].key).value is True
    for widget in (L.EVENT_TYPES, L.ACTORS, L.CLAIMS):
        assert at.multiselect(key=widget.key).label == widget.label
    assert at.radio(key=L.NAMES.key).value == "both"
    assert at.radio(key=L.WINDOW_MODE.key).value == "last"
    assert at.number_input(key=L.WINDOW_DAYS.key).value == 30
    assert not at.warning and not notices(at)
    assert at.query_params["date"] == "2020-11-10"
    assert at.query_params["layers"] == ",".join(LAYER_KEYS)


def test_a_link_restores_the_view_and_the_link_follows_the_widgets(app):
    at = app(date="2021-05-12", layers="zones,incidents", names="az", window="last-7", claims="disputed")
    assert not at.warning and not notices(at)
    assert at.slider(key=L.DAY.key).value == date(2021, 5, 12)
    assert [k for k in LAYER_KEYS if at.checkbox(key=L.LAYERS[k].key).value] == ["zones", "incidents"]
    assert at.radio(key=L.NAMES.key).value == "az"
    assert at.number_input(key=L.WINDOW_DAYS.key).value == 7
    assert at.multiselect(key=L.CLAIMS.key).value == ["disputed"]
    args = map_args(at)
    assert args["layers"]["day"] == "2021-05-12"
    assert "border_incidents:i1" in drawn(args) and "events:" not in drawn(args)
    at.checkbox(key=L.LAYERS["events"].key).check().run()
    at.slider(key=L.DAY.key).set_value(date(2021, 5, 13)).run()
    assert at.query_params["date"] == "2021-05-13"
    assert at.query_params["layers"] == "zones,incidents,events"
    assert at.query_params["names"] == "az" and at.query_params["window"] == "last-7"
    assert at.query_params["claims"] == "disputed"


def notices(at) -> list[str]:
    """The text of the plain-text notice boxes (``ui.notices``: escaped HTML in ``st.html``)."""
    import html

    found = []
    for h in at.get("html"):
        if 'class="atlas-notice' in h.value:
            body = h.value.split('role="alert">', 1)[1].rsplit("</div>", 1)[0]
            assert "<" not in body and ">" not in body  # nothing but escaped text
            found.append(html.unescape(body))
    return found


def test_invalid_link_parameters_are_ignored_with_a_visible_notice(app):
    at = app(date="2020-02-30", layers="zones,rivers", basemap="google")
    [warning] = notices(at)
    assert L.NOTICE_PREFIX in warning
    for text in ("'2020-02-30' is not a date", "'rivers'", "basemap: 'google'"):
        assert text in warning
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 10)
    assert [k for k in LAYER_KEYS if at.checkbox(key=L.LAYERS[k].key).value] == ["zones"]
    assert at.selectbox(key=L.BASEMAP.key).value == "none"


def test_a_date_step_swaps_the_date_layers_but_keeps_the_map(app):
    at = app(date="2020-11-09")
    before = map_args(at)
    at.run()
    assert map_args(at) == before  # same state, same arguments: the browser has nothing to redo
    at.slider(key=L.DAY.key).set_value(date(2020, 11, 10)).run()
    after = map_args(at)
    assert before["base"] == after["base"]  # the base map carries nothing of the date: drawn once
    assert before["date_key"] != after["date_key"]
    assert "control_zones:z-west-arm" in drawn(before) and "z-west-az" not in drawn(before)
    assert "control_zones:z-west-az" in drawn(after) and "z-west-arm" not in drawn(after)
    assert after["layers"]["day"] == "2020-11-10"
    links = after["base"]["js"] + after["base"]["css"]
    assert links and not any(":" in u or u.startswith("/") for u in links)  # offline: files of the component
    assert [u.rsplit("/", 1)[1] for u in links] == ["leaflet.js", "leaflet-default-icon.js", "atlas.js",
                                                    "leaflet.css", "atlas.css"]
    assert after["view"] is None  # the user's view is left alone
    at.checkbox(key=L.LAYERS["zones"].key).uncheck().run()
    assert map_args(at)["base"] == before["base"] and "control_zones:" not in drawn(map_args(at))
    at.selectbox(key=L.BASEMAP.key).set_value("osm").run()
    assert map_args(at)["base"]["key"] != before["base"]["key"]  # a new basemap is a new map (documented)


def test_a_click_on_the_map_shows_the_full_sources_in_the_side_panel(app):
    at = app(date="2020-11-12")
    assert L.SELECTED_EMPTY in side_panel(at)
    at.session_state[L.MAP] = {"selected": "control_zones:z-west-az", "center": {"lat": 39.61, "lng": 46.55},
                               "zoom": 9}
    at.run()
    panel = side_panel(at)
    assert '<div class="side-title">Azerbaijani forces</div>' in panel
    assert ('<a href="https://example.org/b" target="_blank" rel="noopener noreferrer">Report B</a>'
            " — Outlet B, 2020-11-10") in panel
    assert at.query_params["sel"] == "control_zones:z-west-az"
    assert at.query_params["view"] == "39.6100,46.5500,9"


HOSTILE_KEY = "![x](https://evil.invalid/t.png) [**Sign in again**](https://evil.invalid/login)"


def test_a_hostile_link_parameter_is_quoted_as_plain_text(app):
    at = app(date="2020-11-10", **{HOSTILE_KEY: "1"})
    assert notices(at) == [f"{L.NOTICE_PREFIX}: unknown parameter {HOSTILE_KEY!r} ignored"]
    assert not at.warning and not [m for m in at.markdown if "evil" in m.value]  # never through Markdown


@pytest.mark.parametrize("forged", [
    {"center": {"lat": "abc", "lng": 46.5}, "zoom": 9},
    {"center": {"lat": 39.5, "lng": 46.5}, "zoom": "x"},
    {"center": ["not", "a", "dict"], "zoom": 9},
    {"selected": {"ref": "events:e1"}},
    {"selected": "rivers:r1"},
    {"selected": "events:" + "x" * 300},
])
def test_forged_map_values_are_ignored_with_a_notice_not_a_traceback(app, forged):
    at = app(date="2020-11-12")
    at.session_state[L.MAP] = forged
    at.run()
    assert not at.exception
    assert any(n.startswith("map: ignored") for n in notices(at))
    assert "view" not in at.query_params and "sel" not in at.query_params


def test_a_permalink_selection_and_view_are_restored(app):
    at = app(date="2020-11-12", sel="events:e1", view="39.5,46.5,10")
    panel = side_panel(at)
    assert "Shelling: West" in panel and "Report &lt;b&gt;A&lt;/b&gt;" in panel  # escaped title
    args = map_args(at)
    view = args["view"]
    assert (view["lat"], view["lng"]) == pytest.approx((39.5, 46.5)) and view["zoom"] == 10  # once, to restore it
    at.slider(key=L.DAY.key).set_value(date(2020, 11, 13)).run()
    assert map_args(at)["view"] is None


def test_previous_and_next_change_and_key_dates_move_the_date(app):
    at = app(date="2020-11-11")
    at.button(key=L.NEXT_CHANGE.key).click().run()
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 12)
    at.button(key=L.PREV_CHANGE.key).click().run()
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 10)
    at.selectbox(key=L.KEY_DATE.key).set_value("2022-12-12").run()
    assert at.slider(key=L.DAY.key).value == date(2022, 12, 12)
    assert at.selectbox(key=L.KEY_DATE.key).value is None  # ready for the next jump


def test_what_changed_and_charts_follow_the_date(app):
    at = app(date="2020-11-12")
    panel = side_panel(at)
    assert "Peacekeeper posts opened: 1" in panel and "https://example.org/b" in panel
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2
    for chart in charts:
        assert {d.name for d in chart.proto.datasets} >= {"marker"}
        assert '"name": "marker"' in chart.proto.spec or '"name":"marker"' in chart.proto.spec
    specs = [c.proto.spec for c in charts]
    at.slider(key=L.DAY.key).set_value(date(2020, 11, 20)).run()
    assert [c.proto.spec for c in at.get("vega_lite_chart")] == specs  # only the data moves


def test_names_switch_and_place_search(app):
    at = app(date="2020-11-12")
    before = map_args(at)
    at.radio(key=L.NAMES.key).set_value("az").run()
    after = map_args(at)
    assert after["layers"]["names"]["mode"] == "az"  # the date layers switch the labels' name form...
    assert after["base"] == before["base"] and "Qərb" in after["base"]["script"]  # ...the base map stays
    at.selectbox(key=L.PLACE.key).set_value("east").run()
    args = map_args(at)
    assert (args["view"]["lat"], args["view"]["lng"]) == pytest.approx((39.5, 47.5))
    assert args["view"]["zoom"] == 12
    assert "Şərq" in side_panel(at)  # the place's names and sources in the side panel


def test_play_advances_to_the_next_change(app, monkeypatch):
    monkeypatch.setattr(ui_map, "PLAY_INTERVAL_S", 0.0)
    at = app(date="2020-11-10")
    at.button(key=L.PLAY.key).click().run()
    assert at.button(key=L.PLAY.key).label == L.PAUSE_LABEL
    at.run()
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 15)  # click run, then one tick: two changes on
    at.button(key=L.PLAY.key).click().run()
    assert at.button(key=L.PLAY.key).label == L.PLAY.label
    at.run()
    assert at.slider(key=L.DAY.key).value == date(2020, 11, 15)


def test_the_map_needs_no_static_serving(app):
    from streamlit import config

    before = config.get_option("server.enableStaticServing")
    config.set_option("server.enableStaticServing", False)
    try:
        at = app()
    finally:
        config.set_option("server.enableStaticServing", before)
    assert not at.warning and not at.exception
    assert all(not u.startswith(("http:", "https:", "/")) for u in map_args(at)["base"]["js"])


def test_an_event_window_from_a_link_drives_the_events_shown(app):
    at = app(date="2020-11-16", window="since-2020-11-02")
    assert at.radio(key=L.WINDOW_MODE.key).value == "since"
    assert at.date_input(key=L.WINDOW_SINCE.key).value == date(2020, 11, 2)
    fg = drawn(map_args(at))
    assert "events:e2" in fg and "events:e3" in fg and "events:e1" not in fg  # e3 runs 1-3 Nov
    at.radio(key=L.WINDOW_MODE.key).set_value("all").run()
    assert "events:e1" in drawn(map_args(at))
    assert at.query_params["window"] == "all"


def test_the_export_panel_offers_the_whole_dataset(app):
    import io
    import zipfile

    at = app(date="2020-11-12")
    at.selectbox(key=L.EXPORT_FORMAT.key).set_value("dataset").run()
    at.button(key=L.EXPORT_PREPARE.key).click().run()
    assert not at.exception
    assert [d.proto.label for d in at.get("download_button")] == [L.EXPORT_DOWNLOAD.label]
    [(key, data)] = at.session_state["_export_ready"].items()  # the one prepared file, offered for download
    assert key[0] == "dataset"
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert {"karabakh-atlas-dataset/atlas.gpkg", "karabakh-atlas-dataset/datapackage.json",
            "karabakh-atlas-dataset/README.md"} <= set(names)
