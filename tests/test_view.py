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
