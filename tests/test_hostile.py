"""Hostile inputs (tests/hostile/): each gives a clear error and every valid row survives.

Table-driven: file -> (ids that must survive, problems that must be reported as "LINE: FIELD: reason-prefix").
The same files go through the atlas loader (``--data`` / ``--events``) and the upload path of the app.
"""

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.atlas import load_atlas
from dashboard.core.csvfile import read_csv
from dashboard.core.tables import EVENTS
from dashboard.core.user_events import MAX_BYTES, TooLarge, read_user_events
from tests.conftest import make_atlas

HOSTILE = Path(__file__).parent / "hostile"

EVENT_CASES = {
    "events_bom_crlf.csv": (["ok1", "ok2"], []),
    "events_latin1_row.csv": (["ok1", "ok2"], ["3: row: not valid UTF-8 text"]),
    "events_empty.csv": ([], ["1: file: empty file"]),
    "events_header_only.csv": ([], []),
    "events_wrong_header.csv": ([], [f"1: {c}: required column is missing" for c in EVENTS.required]),
    "events_bad_coordinates.csv": (["ok1", "ok2"], ["3: lat: 'NaN' is not a finite number",
                                                    "4: lon: 'inf' is not a finite number",
                                                    "5: lat: '1e999' is not a finite number",
                                                    "6: lat: 146.5 is outside -90..90"]),
    "events_bad_dates.csv": (["ok1", "ok2"], ["3: date: '2020-02-30' is not a real date",
                                              "4: date: '2021-13-01' is not a real date",
                                              "5: date: '01/10/2020' is not a date in YYYY-MM-DD form"]),
    "events_duplicate_ids.csv": (["ok1", "ok2"], ["4: event_id: duplicate id 'ok1' (first on line 2)"]),
    "events_unknown_sources.csv": (["ok1", "ok2"], ["3: source_ids: unknown source_id src-zzz",
                                                    "4: source_ids: missing value"]),
    "events_html_everywhere.csv": (["ok1", "xss1", "ok2"], ["4: event_type: '<i>strike</i>' is not one of"]),
}


def _lines(problems, name):
    return [f"{p.line}: {p.field}: {p.message}" for p in problems if p.file == name]


def _check(problems, expected):
    for prefix in expected:
        assert any(line.startswith(prefix) for line in problems), (prefix, problems)
    assert len(problems) == len(expected), problems


@pytest.mark.parametrize("name", sorted(EVENT_CASES))
def test_hostile_events_through_the_loader(tmp_path, name):
    survivors, expected = EVENT_CASES[name]
    root = make_atlas(tmp_path / "atlas")
    shutil.copy(HOSTILE / name, root / "events.csv")
    atlas = load_atlas(root)
    assert sorted(atlas.events["event_id"]) == sorted(survivors)
    _check(_lines(atlas.report.problems, "events.csv"), expected)


@pytest.mark.parametrize("name", sorted(EVENT_CASES))
def test_hostile_events_through_the_upload(atlas, name):
    survivors, expected = EVENT_CASES[name]
    uploaded = read_user_events((HOSTILE / name).read_bytes(), name, atlas)
    assert sorted(uploaded.events["event_id"]) == sorted(survivors)
    _check(_lines(uploaded.problems, name), expected)
    assert uploaded.report.files["user_events"].valid == len(survivors)


def test_html_survives_as_text_and_reaches_no_page_unescaped(atlas):
    from dashboard.core.query import state_on
    from dashboard.core.view import MapOptions
    from dashboard.map.page import map_page

    root_atlas = atlas
    uploaded = read_user_events((HOSTILE / "events_html_everywhere.csv").read_bytes(), "x.csv", root_atlas)
    row = uploaded.events.set_index("event_id").loc["xss1"]
    assert row["location"] == "<script>alert('loc')</script>"  # kept verbatim as data...
    state = state_on(root_atlas, "2020-11-15")
    page = map_page(root_atlas, state, MapOptions(layers=("events",)), "t", "v", user=uploaded)
    assert "xss1" in page  # the uploaded event is drawn
    for raw in ("<script>alert('loc')</script>", "<img src=x onerror=alert(1)>", "</script><script>alert(2)",
                '<a href="javascript:alert(3)">'):
        assert raw not in page  # ...never as markup in the map page


def test_non_http_urls_are_refused(tmp_path):
    root = make_atlas(tmp_path / "atlas")
    shutil.copy(HOSTILE / "sources_bad_urls.csv", root / "geodata" / "sources.csv")
    atlas = load_atlas(root)
    problems = _lines(atlas.report.problems, "sources.csv")
    _check(problems, ["4: url: 'javascript:alert(1)' is not an http(s) URL", "5: url: 'data:text/html",
                      "6: url: '/etc/passwd' is not an http(s) URL"])
    assert sorted(atlas.sources) == ["src-a", "src-b"]


@pytest.mark.parametrize(("name", "survivors", "expected"), [
    ("control_zones_self_intersecting.geojson", ["fine"],
     ["feature 0 (bowtie): geometry: invalid geometry: Self-intersection"]),
    ("control_zones_overlapping.geojson", ["arm"],
     ["feature 2 (nan-coords): geometry: unreadable coordinates",
      "feature 1 (az-on-top): geometry: overlaps zone arm"]),
])
def test_hostile_zones(tmp_path, name, survivors, expected):
    root = make_atlas(tmp_path / "atlas")
    shutil.copy(HOSTILE / name, root / "geodata" / "control_zones.geojson")
    atlas = load_atlas(root)
    assert sorted(atlas.layers["control_zones"]["id"]) == survivors
    _check(_lines(atlas.report.problems, "control_zones.geojson"), expected)


def test_huge_field_is_kept_and_oversized_upload_refused(atlas):
    header = "event_id,date,date_precision,event_type,location,lat,lon,geo_precision,claim_status,summary,source_ids\n"
    huge = header + f"big,2020-10-01,day,shelling,West,39.5,46.5,settlement,claimed,\"{'A' * 2_000_000}\",src-a\n"
    uploaded = read_user_events(huge.encode(), "big.csv", atlas)
    assert list(uploaded.events["event_id"]) == ["big"] and len(uploaded.events["summary"].iloc[0]) == 2_000_000
    with pytest.raises(TooLarge, match="the limit is 50 MB"):
        read_user_events(b"x" * (MAX_BYTES + 1), "too-big.csv", atlas)


# --- property-based: the CSV reader never loses or invents a row --------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.lists(text, min_size=3, max_size=3), max_size=12), bom=st.booleans(),
       crlf=st.booleans())
def test_csv_reader_round_trips_any_quoted_content(rows, bom, crlf):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL).writerows(
        [["a", "b", "c"], *rows])
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    table = read_csv(data.encode("utf-8"), "p.csv")
    expected = [r for r in rows if any(v.strip() for v in r)]  # blank rows are skipped
    assert [[row[k] for k in "abc"] for _, row in table.rows] == expected
    lines = [line for line, _ in table.rows]
    assert lines == sorted(lines) and all(line >= 2 for line in lines)
    assert table.problems == []


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_csv_reader_never_crashes_on_bytes(data):
    table = read_csv(data, "junk.csv")
    assert isinstance(table.rows, list)
