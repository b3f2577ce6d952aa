import pandas as pd
import pytest

from dashboard.core import series
from dashboard.core.reported import report_keys, reported_count, reported_events


def frame(rows):
    return pd.DataFrame(rows, columns=["event_id", "date", "event_type", "group_id"])


SPLIT = frame([
    ("e-goris", "2022-09-13", "shelling", "g-13sep"),
    ("e-jermuk", "2022-09-13", "shelling", "g-13sep"),
    ("e-toll", "2022-09-13", "clash", "g-13sep"),
    ("e-alone", "2022-09-14", "ceasefire", None),
    ("e-blank", "2022-09-20", "clash", ""),
])


@pytest.mark.parametrize(
    ("events", "count"),
    [(SPLIT, 3), (SPLIT.iloc[1:], 3), (SPLIT.iloc[0:2], 1), (SPLIT.iloc[0:0], 0),
     (SPLIT.drop(columns="group_id"), 5)],  # a table without the column: every row is its own event
)
def test_a_group_of_rows_counts_once(events, count):
    assert reported_count(events) == count
    assert len(reported_events(events)) == count


def test_a_group_is_represented_by_its_first_row():
    assert list(reported_events(SPLIT)["event_id"]) == ["e-goris", "e-alone", "e-blank"]
    assert list(report_keys(SPLIT)) == ["g-13sep", "g-13sep", "g-13sep", "e-alone", "e-blank"]


def test_the_events_chart_counts_reported_events():
    weeks = series.events_per_week(SPLIT)
    assert weeks["count"].sum() == 3
    assert weeks.to_dict("records") == [
        {"week": "2022-09-12", "family": "fighting", "label": "Fighting", "count": 1},
        {"week": "2022-09-12", "family": "peace", "label": "Ceasefire, deployment, diplomacy", "count": 1},
        {"week": "2022-09-19", "family": "fighting", "label": "Fighting", "count": 1},
    ]
