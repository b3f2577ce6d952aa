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
