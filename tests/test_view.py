"""core.view: what the user chose to see, and the filters every view applies."""

import pytest

from dashboard.core.permalink import ViewState, encode
from dashboard.core.timemodel import EventWindow
from dashboard.core.view import chosen, window_text

ACTORS = tuple(f"Actor {i}" for i in range(70))


@pytest.mark.parametrize(("values", "expected"), [
    (None, None), ([], None), (ACTORS, None), (list(reversed(ACTORS)), None), ([*ACTORS, "Gone"], None),
    (["Actor 3", "Actor 1"], ("Actor 3", "Actor 1")),
])
def test_choosing_everything_is_no_filter(values, expected):
    assert chosen(values, ACTORS) == expected


def test_selecting_every_actor_writes_no_actor_parameter():
    state = ViewState("2020-11-10", actors=chosen(ACTORS, ACTORS))
    assert "actor" not in encode(state)  # was 70 repeated actor= parameters (issue 17)


@pytest.mark.parametrize(("window", "text"), [
    (EventWindow(), "up to 2020-11-10"), (EventWindow(since="2020-09-27"), "2020-09-27 to 2020-11-10"),
    (EventWindow(last_days=7), "2020-11-04 to 2020-11-10"),
])
def test_the_window_text_never_shows_year_one(window, text):
    assert window_text(window.bounds("2020-11-10")) == text


def test_the_source_filter_hides_or_keeps_claims_resting_only_on_a_party_s_own_sources(tmp_path):
    from dashboard.core.atlas import load_atlas
    from dashboard.core.query import state_on
    from dashboard.core.view import MapOptions, filter_events, visible_counts

    from .conftest import EVENTS, SOURCES, make_atlas

    sources = [{**SOURCES[0], "source_kind": "party_official"}, {**SOURCES[1], "source_kind": "independent_media"},
               {"source_id": "src-c", "outlet": "Ministry C", "title": "C", "published": "2020-10-01",
                "url": "https://example.org/c", "source_kind": "party_media"}]
    events = [EVENTS[0], {**EVENTS[1], "source_ids": "src-a;src-c", "date": "2020-10-02"},  # party only
              {**EVENTS[2], "source_ids": "src-a;src-b", "date": "2020-10-03", "date_end": ""}]  # one independent
    atlas = load_atlas(make_atlas(tmp_path / "a", sources=sources, events=events))
    state = state_on(atlas, "2020-10-05", EventWindow())
    assert dict(zip(state.events["event_id"], state.events["party_only"], strict=True)) == {
        "e1": True, "e2": True, "e3": False}
    ids = {k: list(filter_events(state.events, MapOptions(sourcing=k))["event_id"])
           for k in (None, "independent", "party")}
    assert ids == {None: ["e1", "e2", "e3"], "independent": ["e3"], "party": ["e1", "e2"]}
    assert visible_counts(state, MapOptions(sourcing="independent"))["events"] == 1


def test_the_source_filter_round_trips_in_a_link():
    from dashboard.core.permalink import decode

    state = ViewState("2020-11-10", sourcing="independent")
    params = encode(state)
    assert params["sources"] == "independent" and state.options.sourcing == "independent"
    assert decode(params, ViewState("2020-11-10"), first_day="1994-05-12", last_day="2024-06-12") == (state, [])
    _, notices = decode({"sources": "mine"}, ViewState("2020-11-10"), first_day="1994-05-12", last_day="2024-06-12")
    assert notices == ["sources: 'mine' is not one of independent, party"]


# The source data's own fields (issue 14): ACLED/UCDP rows carry them, the atlas's own mostly do not.
FIELD_ROWS = [
    {"event_id": "own"},  # an atlas event: none of the fields
    {"event_id": "clash", "sub_event_type": "Armed clash", "country": "Azerbaijan", "admin1": "Tartar"},
    {"event_id": "shell", "sub_event_type": "Shelling/artillery/missile attack", "country": "Armenia",
     "admin1": "Syunik", "admin2": "Goris"},
    {"event_id": "blank", "sub_event_type": " ", "country": None, "admin3": "Tartar"},
]


@pytest.mark.parametrize(("choice", "ids"), [
    ({}, ["own", "clash", "shell", "blank"]),  # nothing chosen: nothing left out, with or without the field
    ({"sub_event_types": ("Armed clash",)}, ["clash"]),
    ({"sub_event_types": ("Armed clash", "Shelling/artillery/missile attack")}, ["clash", "shell"]),
    ({"countries": ("Armenia",)}, ["shell"]),
    ({"admin_areas": ("Tartar",)}, ["clash", "blank"]),  # any of admin1-admin3
    ({"admin_areas": ("Goris",)}, ["shell"]),
    ({"admin_areas": ("Tartar",), "sub_event_types": ("Armed clash",)}, ["clash"]),  # filters combine (and)
    ({"countries": ("Nowhere",)}, []),
    ({"sub_event_types": ()}, ["own", "clash", "shell", "blank"]),  # an empty choice is no filter
])
def test_the_source_data_filters_keep_events_carrying_a_chosen_value(choice, ids):
    import pandas as pd

    from dashboard.core.view import MapOptions, filter_events

    events = pd.DataFrame(FIELD_ROWS)
    assert list(filter_events(events, MapOptions(**choice))["event_id"]) == ids


def test_a_frame_without_the_columns_loses_its_events_only_when_values_are_chosen():
    import pandas as pd

    from dashboard.core.view import MapOptions, filter_events

    events = pd.DataFrame([{"event_id": "own", "event_type": "clash"}])
    assert len(filter_events(events, MapOptions())) == 1
    assert filter_events(events, MapOptions(admin_areas=("Tartar",))).empty


class Owner:
    """Anything with ``events`` (the atlas, an upload)."""

    def __init__(self, rows):
        import pandas as pd

        self.events = pd.DataFrame(rows)


@pytest.mark.parametrize(("name", "values", "missing"), [
    ("sub_event_types", ("Armed clash", "Shelling/artillery/missile attack"), 2),
    ("countries", ("Armenia", "Azerbaijan"), 2),
    ("admin_areas", ("Goris", "Syunik", "Tartar"), 1),  # every level, each value once
])
def test_the_values_offered_are_those_the_loaded_events_carry(name, values, missing):
    from dashboard.core.view import FieldValues, field_values

    own, upload = Owner(FIELD_ROWS[:1]), Owner(FIELD_ROWS[1:])
    assert field_values([own, upload], name) == FieldValues(values, missing, 4)
    assert field_values([Owner([{"event_id": "x"}])], name) == FieldValues((), 1, 1)


def test_the_filters_apply_to_uploaded_acled_events_and_the_caption_counts_them(atlas):
    from dashboard.core.query import state_on
    from dashboard.core.user_events import read_user_events
    from dashboard.core.view import MapOptions, field_values, filter_events, visible_counts

    from .test_acled import GOOD, LONG_DATE, THIRD, acled_csv

    user = read_user_events(acled_csv(GOOD, LONG_DATE, THIRD).encode(), "acled.csv", atlas)
    assert field_values([atlas, user], "sub_event_types").values == (
        "Agreement", "Armed clash", "Shelling/artillery/missile attack")
    assert field_values([atlas, user], "sub_event_types").missing == len(atlas.events)
    chosen = MapOptions(sub_event_types=("Armed clash", "Shelling/artillery/missile attack"), countries=("Azerbaijan",))
    assert list(filter_events(user.events, chosen)["event_id"]) == ["acled-AZE1001"]
    state = state_on(atlas, "2023-09-30", EventWindow())
    everything, narrowed = visible_counts(state, MapOptions(), user), visible_counts(state, chosen, user)
    assert (everything["events"], everything["uploaded"]) == (3, 3)
    assert (narrowed["events"], narrowed["uploaded"]) == (0, 1)  # the atlas's own carry no sub-event type
    assert "uploaded" not in visible_counts(state, MapOptions(layers=("zones",)), user)
