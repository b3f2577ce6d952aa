from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.core.timemodel import EventIndex, EventWindow, is_visible, visible_mask


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "day", "visible"),
    [
        ("2020-11-10", None, "2020-11-09", False),
        ("2020-11-10", None, "2020-11-10", True),
        ("2020-11-10", None, "2030-01-01", True),
        ("2020-11-10", "2020-11-20", "2020-11-19", True),
        ("2020-11-10", "2020-11-20", "2020-11-20", False),  # valid_to is the first day it no longer holds
    ],
)
def test_one_rule(valid_from, valid_to, day, visible):
    assert is_visible(valid_from, valid_to, day) is visible
    frame = pd.DataFrame({"valid_from": [valid_from], "valid_to": [valid_to]})
    assert visible_mask(frame, day).tolist() == [visible]


def test_windows():
    assert EventWindow(since="2020-09-27").bounds("2020-10-05") == ("2020-09-27", "2020-10-05")
    assert EventWindow(last_days=7).bounds("2020-10-07") == ("2020-10-01", "2020-10-07")
    assert EventWindow().bounds("2020-10-07") == ("0001-01-01", "2020-10-07")


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2020, 3, 1))


@given(
    events=st.lists(st.tuples(days, st.integers(0, 10) | st.none()), max_size=40),
    first=days,
    span=st.integers(0, 20),
)
def test_event_index_matches_brute_force(events, first, span):
    events = sorted(events, key=lambda e: e[0])
    starts = [d.isoformat() for d, _ in events]
    ends = [None if n is None else (d + timedelta(days=n)).isoformat() for d, n in events]
    last = first + timedelta(days=span)
    index = EventIndex(starts, ends)
    got = index.window(first.isoformat(), last.isoformat()).tolist()
    expected = [i for i, (s, e) in enumerate(zip(starts, ends, strict=True))
                if s <= last.isoformat() and (e or s) >= first.isoformat()]
    assert got == expected


@given(st.lists(st.tuples(days, days | st.none()), max_size=30), days)
def test_vectorised_rule_equals_scalar_rule(rows, day):
    rows = [(a.isoformat(), None if b is None else b.isoformat()) for a, b in rows]
    frame = pd.DataFrame(rows, columns=["valid_from", "valid_to"])
    expected = np.array([is_visible(a, b, day.isoformat()) for a, b in rows], dtype=bool)
    assert visible_mask(frame, day.isoformat()).tolist() == expected.tolist()


@pytest.mark.parametrize(("valid_from", "valid_to", "first", "last", "expected"), [
    ("2020-01-05", "2020-01-10", "2020-01-01", "2020-01-05", True),   # starts on the window's last day
    ("2020-01-05", "2020-01-10", "2020-01-10", "2020-01-20", False),  # valid_to is exclusive
    ("2020-01-05", None, "2024-01-01", "2024-01-31", True),           # open-ended
    ("2020-01-05", "2020-01-06", "2020-01-01", "2020-01-04", False),  # before
])
def test_the_span_rule_of_one_feature_equals_the_vectorised_one(valid_from, valid_to, first, last, expected):
    import pandas as pd

    from dashboard.core.timemodel import overlap_mask, overlaps

    frame = pd.DataFrame({"valid_from": [valid_from], "valid_to": [valid_to]})
    assert overlaps(valid_from, valid_to, first, last) is expected
    assert bool(overlap_mask(frame, first, last)[0]) is expected
