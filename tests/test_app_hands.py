"""The app (streamlit.testing, no browser) on issue 17's points: a link out of range, all actors, window text."""

from datetime import date
from pathlib import Path

import pytest

from dashboard.ui import labels as L

from .conftest import EVENTS, make_atlas
from .test_app import notices

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
ACTORS = [f"Actor {i:02d}" for i in range(12)]


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory):
    events = [{**EVENTS[i % len(EVENTS)], "event_id": f"a{i}", "actor1": actor} for i, actor in enumerate(ACTORS)]
    return make_atlas(tmp_path_factory.mktemp("hands") / "atlas", events=[*EVENTS, *events])




def test_a_link_past_the_end_opens_on_the_last_day_with_a_notice(app):
    at = app(date="2024-07-01")
    assert at.session_state[L.DAY.key] == date(2024, 6, 12)  # the nearest end, not 10 Nov 2020
    [warning] = [n for n in notices(at) if "outside the atlas" in n]
    assert "2024-07-01 is outside the atlas" in warning and "showing 2024-06-12" in warning


def test_selecting_every_actor_writes_no_actor_parameter(app):
    at = app(date="2020-11-10")
    at.multiselect(key=L.ACTORS.key).set_value(ACTORS).run()
    assert "actor" not in at.query_params
    at.multiselect(key=L.ACTORS.key).set_value(ACTORS[:2]).run()
    assert at.query_params["actor"] == ACTORS[:2]


def test_the_caption_of_all_events_up_to_the_date_has_no_year_one(app):
    at = app(date="2020-11-10", window="all")
    captions = " ".join(c.value for c in at.caption)
    assert "0001-01-01" not in captions and "(up to 2020-11-10)" in captions


def test_the_charts_date_axes_carry_the_year_and_their_legends_are_not_cut(app):
    import json

    at = app(date="2020-11-12")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 2
    for spec in specs:
        x = spec["layer"][0]["encoding"]["x"]
        assert "%Y" in x["axis"]["format"]
        assert spec["layer"][0]["encoding"]["color"]["legend"]["labelLimit"] == 0  # 0: no truncation


def test_a_border_incident_on_the_map_is_not_called_off_the_map(app):
    from .test_app import side_panel

    at = app(date="2021-05-20", sel="border_incidents:i1")  # 8 days after it, inside the 30-day window
    panel = side_panel(at)
    assert "Border incident: incursion" in panel and "Not on the map" not in panel
    at = app(date="2021-07-20", sel="border_incidents:i1")
    assert "Not on the map: outside the event window (2021-06-21 to 2021-07-20)." in side_panel(at)


def test_the_sidebar_filters_events_by_their_sources_and_the_link_keeps_it(app):
    import json

    at = app(date="2020-11-15", window="all")
    radio = at.radio(key=L.SOURCING.key)
    assert radio.value == "all" and set(radio.options) >= {"All events"}
    at.radio(key=L.SOURCING.key).set_value("party").run()
    assert at.query_params["sources"] == "party"
    [component] = at.get("component_instance")
    layers = json.loads(json.loads(component.proto.json_args)["history"])["layers"]  # what the map can show
    assert not [f for layer in layers if layer["name"] in ("events", "areas") for f in layer["features"]]
    at.radio(key=L.SOURCING.key).set_value("all").run()
    assert "sources" not in at.query_params
