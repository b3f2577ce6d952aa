import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.permalink import (
    FIELD_PARAMS,
    MAX_FIELD_VALUES,
    ViewState,
    decode,
    encode,
    event_window,
    window_spec,
)
from dashboard.core.timemodel import EventWindow
from dashboard.core.view import BASEMAPS, LAYER_KEYS, NAME_MODES, MapOptions
from dashboard.core.vocab import CLAIM_STATUSES, EVENT_TYPES

FIRST, LAST = "1994-05-12", "2024-06-12"
DEFAULTS = ViewState("2020-11-10")


def read(params, actors=("Azerbaijani forces", "Civilians")):
    return decode(params, DEFAULTS, first_day=FIRST, last_day=LAST, actors=actors)


def test_a_default_view_is_a_short_link():
    assert encode(DEFAULTS) == {"date": "2020-11-10", "layers": ",".join(LAYER_KEYS)}


def test_everything_round_trips():
    state = ViewState(day="2021-05-12", layers=("zones", "events"), event_types=("clash", "shelling"),
                      actors=("Azerbaijani forces", "Civilians"), claims=("claimed",), names="hy",
                      window="since-2020-09-27", basemap="osm", view=(39.8123, 46.7512, 11),
                      selected="events:ev-2020-10-04-ganja")
    params = encode(state, DEFAULTS)
    assert params["actor"] == ["Azerbaijani forces", "Civilians"]  # repeated: names may hold commas
    assert params["view"] == "39.8123,46.7512,11"
    assert read(params) == (state, [])


def test_an_empty_choice_is_kept_apart_from_all():
    state = ViewState(day="2020-11-10", layers=(), event_types=())
    params = encode(state)
    assert params["layers"] == "none" and params["types"] == "none"
    assert read(params) == (state, [])


def test_a_link_sees_lists_of_values_as_streamlit_gives_them():
    state, notices = read({"date": ["2020-10-01"], "layers": ["events,zones"], "actor": ["Civilians"]})
    assert notices == []
    assert state.day == "2020-10-01"
    assert state.layers == ("zones", "events")  # canonical (drawing) order
    assert state.actors == ("Civilians",)


def test_invalid_parameters_are_ignored_with_a_notice_each():
    params = {"date": "2020-13-45", "layers": "zones,rivers", "types": "clash,looting", "claims": "maybe",
              "names": "ru", "window": "last-0", "basemap": "google", "view": "39.8,46.7", "sel": "nope",
              "utm_source": "x", "embed": "true"}
    state, notices = read(params)
    text = "\n".join(notices)
    assert state.day == DEFAULTS.day and "date: '2020-13-45' is not a date" in text
    assert state.layers == ("zones",) and "'rivers'" in text
    assert state.event_types == ("clash",) and "'looting'" in text
    assert state.claims is None and "'maybe'" in text
    assert state.names == "both" and "names: 'ru'" in text
    assert state.window == DEFAULTS.window and "window: 'last-0'" in text
    assert state.basemap == "none" and "basemap: 'google'" in text
    assert state.view is None and "view: '39.8,46.7'" in text
    assert state.selected is None and "sel: 'nope'" in text
    assert "unknown parameter 'utm_source' ignored" in text
    assert "embed" not in text  # Streamlit's own parameter
    assert len(notices) == 10


def test_a_date_outside_the_atlas_clamps_to_the_nearest_end_and_an_unknown_actor_is_dropped():
    state, notices = read({"date": "2024-07-01", "actor": ["Civilians", "Martians"]})
    assert state.day == LAST  # not the default day (issue 17)
    assert state.actors == ("Civilians",)
    assert "date: 2024-07-01 is outside the atlas (1994-05-12 to 2024-06-12); showing 2024-06-12, the nearest end" \
        in notices
    assert any("'Martians'" in n for n in notices)
    state, notices = read({"date": "1990-01-01"})
    assert state.day == FIRST and len(notices) == 1


def test_an_event_window_starting_outside_the_atlas_clamps_to_its_start():
    state, notices = read({"window": "since-1900-01-01"})
    assert state.window == f"since-{FIRST}" and notices == [
        "window: 1900-01-01 is outside the atlas (1994-05-12 to 2024-06-12); showing events since 1994-05-12, "
        "the nearest end"]
    assert read({"window": "since-2020-09-27"}) == (ViewState("2020-11-10", window="since-2020-09-27"), [])


def test_views_out_of_range_are_refused():
    for bad in ("91,46,8", "39,46,0", "39,46,8.5", "nan,46,8", "39,46,x"):
        state, notices = read({"view": bad})
        assert state.view is None and notices, bad


@given(st.one_of(st.just(EventWindow()), st.builds(EventWindow, last_days=st.integers(1, 20_000)),
                 st.dates().map(lambda d: EventWindow(since=d.isoformat()))))
def test_event_windows_round_trip(window):
    assert event_window(window_spec(window)) == window


@given(
    layers=st.lists(st.sampled_from(LAYER_KEYS), unique=True),
    types=st.none() | st.lists(st.sampled_from(EVENT_TYPES), unique=True),
    claims=st.none() | st.lists(st.sampled_from(CLAIM_STATUSES), unique=True),
    names=st.sampled_from(list(NAME_MODES)),
    basemap=st.sampled_from(list(BASEMAPS)),
    days=st.integers(1, 3650),
)
def test_any_valid_state_round_trips(layers, types, claims, names, basemap, days):
    def canonical(values, order):
        return None if values is None else tuple(v for v in order if v in values)

    state = ViewState(day="2022-08-26", layers=canonical(layers, LAYER_KEYS),
                      event_types=canonical(types, EVENT_TYPES), claims=canonical(claims, CLAIM_STATUSES),
                      names=names, basemap=basemap, window=f"last-{days}")
    assert read(encode(state, DEFAULTS)) == (state, [])


def test_the_state_gives_the_map_options_and_event_window():
    state = ViewState("2020-11-10", layers=("events",), claims=("confirmed",), names="az", window="last-7")
    assert state.options == MapOptions(layers=("events",), names="az", claims=("confirmed",))
    assert state.event_window.bounds("2020-11-10") == ("2020-11-04", "2020-11-10")


def test_compare_mode_round_trips_in_either_order():
    for pair in (("2020-09-27", "2020-11-10"), ("2023-09-19", "2020-11-10")):
        state = ViewState(day="2020-11-10", compare=pair)
        params = encode(state, DEFAULTS)
        assert params["compare"] == f"{pair[0]}..{pair[1]}"
        assert read(params) == (state, [])
    assert "compare" not in encode(DEFAULTS)


def test_a_bad_comparison_is_ignored_with_a_notice():
    for text, reason in (("2020-09-27", "is not 'YYYY-MM-DD..YYYY-MM-DD'"),
                         ("2020-09-27..2020-02-30", "is not 'YYYY-MM-DD..YYYY-MM-DD'"),
                         ("2020-09-27..2020-11-10..2021-01-01", "is not 'YYYY-MM-DD..YYYY-MM-DD'")):
        state, notices = read({"compare": text})
        assert state.compare is None
        assert notices == [f"compare: {text!r} {reason}"]


def test_a_comparison_outside_the_atlas_clamps_to_the_nearest_ends():
    state, notices = read({"compare": "1990-01-01..2020-11-10"})
    assert state.compare == (FIRST, "2020-11-10")
    assert notices == [f"compare: '1990-01-01..2020-11-10' is outside the atlas ({FIRST} to {LAST}); "
                       f"comparing {FIRST} and 2020-11-10, the nearest ends"]


def test_the_source_data_filters_round_trip_as_repeated_parameters():
    state = ViewState("2023-09-20", sub_event_types=("Armed clash", "Shelling/artillery/missile attack"),
                      countries=("Azerbaijan",), admin_areas=("Tartar", "Goris, Syunik"))
    params = encode(state, DEFAULTS)
    assert params["sub"] == ["Armed clash", "Shelling/artillery/missile attack"]
    assert params["admin"] == ["Tartar", "Goris, Syunik"]  # repeated: names may hold commas
    assert read(params) == (state, [])  # no check against known values: they may come from an upload
    assert state.options.field_choices() == {"sub_event_types": state.sub_event_types, "countries": ("Azerbaijan",),
                                             "admin_areas": state.admin_areas}
    assert not {"sub", "country", "admin"} & set(encode(DEFAULTS))


@pytest.mark.parametrize(("param", "values", "kept", "notice"), [
    ("sub", ["Armed clash", "Armed clash", " "], ("Armed clash",), None),  # repeats and blanks dropped
    ("admin", ["<script>alert(1)</script>"], ("<script>alert(1)</script>",), None),  # plain text: shown as text
    ("country", ["Azer\u202ebaijan", "Armenia"], ("Armenia",), "country: ignored 1 value(s) that are not plain"),
    ("admin", ["Tar\ntar"], None, "admin: ignored 1 value(s)"),
    ("sub", ["x" * 121, "y" * 120], ("y" * 120,), "sub: ignored 1 value(s)"),
    ("sub", [f"v{i}" for i in range(60)], tuple(f"v{i}" for i in range(MAX_FIELD_VALUES)),
     f"sub: kept the first {MAX_FIELD_VALUES} of 60 values"),
])
def test_hostile_source_data_values_are_bounded_with_a_notice(param, values, kept, notice):
    state, notices = read({param: values})
    assert getattr(state, FIELD_PARAMS[param]) == kept
    assert (notices[0].startswith(notice) if notice else notices == [])
