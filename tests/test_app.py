"""The Streamlit app, driven by streamlit.testing (no browser): widgets, link, map arguments, side panel."""

import json
from datetime import date

import pytest

from dashboard.core.permalink import MAX_FIELD_VALUES
from dashboard.core.view import LAYER_KEYS
from dashboard.ui import labels as L
from dashboard.ui import mapcomponent

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
    if "date" in args:  # compare mode: one comparison's layers (tests/test_compare.py)
        return {**args, "layers": json.loads(args["date"])}
    return {**args, "size": len(component.proto.json_args),
            "history_doc": json.loads(args["history"]) if args["history"] else None}


def drawn(args) -> str:
    """Compare mode's layers as JSON text (feature ids and styles)."""
    return args["date"]


def drawn_layers(args) -> list[str]:
    """The layers of the history sent to the map (every dated feature of each, once)."""
    return [layer["name"] for layer in args["history_doc"]["layers"]]


def holds(args) -> dict:
    """The component's value once the browser's frame holds the base map and history of ``args``."""
    return {"has": {"base": args["base_key"], "history": args["history_key"]}}


def map_moves_to(at, day: str) -> None:
    """The user moves the map's own date control to ``day`` and pauses: the map reports the date."""
    at.session_state[L.MAP] = {**holds(map_args(at)), "date": day}
    at.run()


def day(at) -> date:
    return at.session_state[L.DAY.key]


def side_panel(at) -> str:
    """The side panel's HTML (the selected feature and what changed: one ``st.html``)."""
    return "\n".join(h.value for h in at.get("html"))


def test_every_widget_exists_with_its_label(app):
    at = app()
    assert not at.exception
    assert day(at) == date(2020, 11, 10) and map_args(at)["day"] == "2020-11-10"
    assert not at.slider  # the date control is the map's own (dashboard/map/static/atlas/control.js)
    for widget in (L.KEY_DATE, L.PLACE, L.BASEMAP):
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
    assert day(at) == date(2021, 5, 12)
    assert [k for k in LAYER_KEYS if at.checkbox(key=L.LAYERS[k].key).value] == ["zones", "incidents"]
    assert at.radio(key=L.NAMES.key).value == "az"
    assert at.number_input(key=L.WINDOW_DAYS.key).value == 7
    assert at.multiselect(key=L.CLAIMS.key).value == ["disputed"]
    args = map_args(at)
    assert args["day"] == "2021-05-12"
    assert drawn_layers(args) == ["control_zones", "border_incidents"]
    assert "border_incidents:i1" in args["history"] and "events:" not in args["history"]
    assert args["window"] == {"since": None, "last_days": 7}
    at.checkbox(key=L.LAYERS["events"].key).check().run()
    map_moves_to(at, "2021-05-13")
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
    assert day(at) == date(2020, 11, 10)
    assert [k for k in LAYER_KEYS if at.checkbox(key=L.LAYERS[k].key).value] == ["zones"]
    assert at.selectbox(key=L.BASEMAP.key).value == "none"


def test_a_date_from_the_map_moves_the_panels_and_sends_nothing_of_the_map_again(app):
    at = app(date="2020-11-09")
    before = map_args(at)
    at.run()
    assert map_args(at) == before  # same state, same arguments
    assert before["base"]["key"] == before["base_key"] and before["history_key"] == before["history_doc"]["key"]
    assert "control_zones:z-west-arm" in before["history"] and "control_zones:z-west-az" in before["history"]
    map_moves_to(at, "2020-11-10")
    after = map_args(at)
    assert after["base"] is None and after["history"] is None  # the frame holds them: nothing re-sent
    assert (after["base_key"], after["history_key"]) == (before["base_key"], before["history_key"])
    assert after["day"] == "2020-11-10" and after["day_seq"] == before["day_seq"]  # the map is there already
    assert after["size"] < 600  # a date step's whole message to the map
    assert day(at) == date(2020, 11, 10) and at.query_params["date"] == "2020-11-10"
    assert any("(2020-10-12 to 2020-11-10)" in c.value for c in at.caption)  # the counts follow
    links = before["base"]["js"] + before["base"]["css"]
    assert links and not any(":" in u or u.startswith("/") for u in links)  # offline: files of the component
    assert [u.rsplit("/", 1)[1] for u in links] == ["leaflet.js", "leaflet-default-icon.js", "atlas.js", "engine.js",
                                                    "control.js", "leaflet.css", "atlas.css", "time.css"]
    assert after["view"] is None  # the user's view is left alone
    at.checkbox(key=L.LAYERS["zones"].key).uncheck().run()
    args = map_args(at)
    assert args["base"] is None and args["history_key"] != before["history_key"]  # new layers: a new history
    assert "control_zones" not in drawn_layers(args) and "peacekeeping" in drawn_layers(args)
    at.selectbox(key=L.BASEMAP.key).set_value("osm").run()
    assert map_args(at)["base"]["key"] != before["base_key"]  # a new basemap is a new map (documented)


def test_the_map_caption_counts_in_words(app):
    at = app(date="2020-11-12", window="all")
    assert any(c.value.startswith("2 control zones, 1 peacekeeper post, 0 border incidents and 2 events ")
               for c in at.caption), [c.value for c in at.caption]


def test_a_new_frame_that_holds_nothing_gets_the_map_again(app):
    at = app(date="2020-11-09")
    map_moves_to(at, "2020-11-09")
    assert map_args(at)["history"] is None
    at.session_state[L.MAP] = {"has": {"base": None, "history": None}, "date": "2020-11-09"}
    at.run()
    args = map_args(at)
    assert args["base"]["key"] == args["base_key"] and args["history_doc"]["key"] == args["history_key"]


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
    map_moves_to(at, "2020-11-13")
    assert map_args(at)["view"] is None


def test_a_key_date_moves_the_map_with_a_small_argument(app):
    at = app(date="2020-11-11")
    before = map_args(at)
    at.selectbox(key=L.KEY_DATE.key).set_value("2022-12-12").run()
    assert day(at) == date(2022, 12, 12)
    args = map_args(at)
    assert args["day"] == "2022-12-12" and args["day_seq"] == before["day_seq"] + 1  # the map is told to go
    assert args["history_key"] == before["history_key"]
    assert at.selectbox(key=L.KEY_DATE.key).value is None  # ready for the next jump
    map_moves_to(at, "2022-12-13")
    assert map_args(at)["day_seq"] == args["day_seq"] and day(at) == date(2022, 12, 13)
    map_moves_to(at, "2030-01-01")  # a date past the atlas's range is clamped
    assert day(at) == date(2024, 6, 12)


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
    map_moves_to(at, "2020-11-20")
    assert [c.proto.spec for c in at.get("vega_lite_chart")] == specs  # only the data moves


def test_names_switch_and_place_search(app):
    at = app(date="2020-11-12")
    before = map_args(at)
    at.radio(key=L.NAMES.key).set_value("az").run()
    after = map_args(at)
    assert after["history_doc"]["names"]["mode"] == "az"  # the history switches the labels' name form...
    assert after["base"] == before["base"] and "Qərb" in after["base"]["script"]  # ...the base map stays
    at.selectbox(key=L.PLACE.key).set_value("east").run()
    args = map_args(at)
    assert (args["view"]["lat"], args["view"]["lng"]) == pytest.approx((39.5, 47.5))
    assert args["view"]["zoom"] == 12
    assert "Şərq" in side_panel(at)  # the place's names and sources in the side panel


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
    before = map_args(at)
    assert before["window"] == {"since": "2020-11-02", "last_days": None}  # which events: tests/test_browser_engine
    at.radio(key=L.WINDOW_MODE.key).set_value("all").run()
    after = map_args(at)
    assert after["window"] == {"since": None, "last_days": None} and after["history_key"] == before["history_key"]
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


def test_the_export_panel_offers_the_whole_atlas_as_one_page_at_this_date(app):
    at = app(date="2021-05-12", layers="zones,incidents,places", window="last-7")
    at.selectbox(key=L.EXPORT_FORMAT.key).set_value("site").run()
    at.button(key=L.EXPORT_PREPARE.key).click().run()
    assert not at.exception
    [(key, data)] = at.session_state["_export_ready"].items()
    page = data.decode("utf-8")
    assert key[0] == "site" and page.startswith("<!DOCTYPE html>")
    assert 'atlas.site(' in page and '"day":"2021-05-12"' in page and '"window":"7"' in page
    assert "border_incidents:i1" in page and "events:e1" not in page  # this view's layers, every date
    assert "<script src=" not in page and "<link rel=\"stylesheet\"" not in page  # one file, nothing to fetch


def captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def test_an_acled_upload_brings_its_own_filters_and_they_narrow_the_counts_and_the_map(app):
    from .test_acled import GOOD, LONG_DATE, THIRD, acled_csv

    sub, admin = L.FIELD_FILTERS["sub_event_types"], L.FIELD_FILTERS["admin_areas"]
    at = app(date="2023-09-30", window="all")
    assert not {w.key for w in L.FIELD_FILTERS.values()} & {m.key for m in at.multiselect}  # no field: no filter
    at.file_uploader(key=L.UPLOAD_EVENTS.key).set_value(
        ("acled.csv", acled_csv(GOOD, LONG_DATE, THIRD).encode(), "text/csv")).run()
    assert not at.exception
    assert at.multiselect(key=sub.key).options == ["Agreement", "Armed clash", "Shelling/artillery/missile attack"]
    assert at.multiselect(key=admin.key).options == ["Baku", "Goris", "Khankendi", "Syunik"]
    # no more choices than a link carries back (a cited view must reopen as it was)
    assert at.multiselect(key=admin.key).proto.max_selections == MAX_FIELD_VALUES
    assert "3 of 6 loaded events have none (left out once you choose)" in captions(at)  # the atlas's own three
    assert "3 events and 3 of your events (up to 2023-09-30) match" in captions(at)

    at.multiselect(key=sub.key).select("Armed clash").select("Shelling/artillery/missile attack").run()
    assert "0 events and 2 of your events" in captions(at)
    at.multiselect(key=admin.key).select("Goris").run()
    assert "0 events and 1 of your events" in captions(at)
    history = map_args(at)["history_doc"]
    assert {layer["name"]: layer["ids"] for layer in history["layers"] if "events" in layer["name"]} == {
        "events": [], "user_events": [["acled-AZE1006"]]}
    assert at.query_params["sub"] == ["Armed clash", "Shelling/artillery/missile attack"]
    assert at.query_params["admin"] == "Goris"  # one value: a plain parameter


def test_a_link_s_source_data_filter_stays_visible_until_its_file_is_loaded(app):
    at = app(date="2023-09-30", window="all", sub="Armed clash")
    assert not notices(at)
    assert at.multiselect(key=L.FIELD_FILTERS["sub_event_types"].key).value == ["Armed clash"]
    assert "1 chosen value(s) in no loaded event" in captions(at)
    assert "and 0 events (up to 2023-09-30)" in captions(at)  # the atlas's own carry no sub-event type

    from .test_acled import GOOD, LONG_DATE, acled_csv

    at.file_uploader(key=L.UPLOAD_EVENTS.key).set_value(("acled.csv", acled_csv(GOOD, LONG_DATE).encode(),
                                                          "text/csv")).run()
    assert at.multiselect(key=L.FIELD_FILTERS["sub_event_types"].key).value == ["Armed clash"]
    assert "in no loaded event" not in captions(at) and "0 events and 1 of your events" in captions(at)
