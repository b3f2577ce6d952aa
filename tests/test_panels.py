"""The side panel's HTML: a clicked feature of the atlas or of an upload, with its facts and sources."""

from dashboard.core.user_events import read_user_events
from dashboard.ui.panels import selected_html

from .conftest import EVENTS, write_csv


def test_a_clicked_uploaded_event_lists_its_facts_and_sources(atlas, tmp_path):
    mine = {**EVENTS[0], "event_id": "me-1", "summary": "My own report"}
    path = tmp_path / "mine.csv"
    write_csv(path, [mine])
    upload = read_user_events(path.read_bytes(), "mine.csv", atlas)
    html = selected_html(upload, "user_events:me-1", "2020-10-01", "both")
    assert "Your data · Shelling" in html and "My own report" in html and "Report &lt;b&gt;A&lt;/b&gt;" in html
    assert "Not on the map" not in html


def test_a_zone_outside_its_period_says_so(atlas):
    html = selected_html(atlas, "control_zones:z-west-arm", "2020-11-12", "both")
    assert "Not on the map on this date." in html
    assert "Not on the map" not in selected_html(atlas, "control_zones:z-west-arm", "2020-11-09", "both")
