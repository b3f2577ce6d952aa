"""Brought events off the mapped area or the atlas's dates: kept, but warned about, counted and listed by row."""

import csv
import io
import json
import subprocess
import sys

import pytest
from shapely.geometry import box, mapping

from dashboard.core.atlas import load_atlas
from dashboard.core.reach import Reach, outside_warnings
from dashboard.core.user_events import read_user_events
from tests.conftest import EVENTS, make_atlas

AREA = box(46.0, 39.0, 48.0, 40.0)  # lon/lat degrees, WGS84 (EPSG:4326), as geodata/mapped_area.geojson
REACH = Reach(AREA, "1994-05-12", "2024-06-12")
INSIDE = (39.5, 46.5)


@pytest.mark.parametrize(("rows", "expected"), [
    ([(2, *INSIDE, "2020-10-01", None)], []),
    ([(2, 46.5, 39.5, "2020-10-01", None)],  # lat and lon swapped
     ["1 event lies outside the mapped area (the former NKAO and the seven surrounding districts): row 2; "
      "lat/lon swapped? With them swapped, row 2 would lie inside it. Kept."]),
    ([(3, 10.0, 10.0, "2020-10-01", None), (7, 10.0, 10.0, "2020-10-01", None)],  # Nigeria: no hint
     ["2 events lie outside the mapped area (the former NKAO and the seven surrounding districts): rows 3, 7. "
      "Kept."]),
    ([(4, *INSIDE, "2026-05-01", None)], ["1 event dated after the atlas ends (2024-06-12): row 4. Kept."]),
    ([(5, *INSIDE, "1990-01-01", "1990-01-02"), (6, *INSIDE, "1994-05-01", "1994-05-12")],  # the 2nd reaches it
     ["1 event dated before the atlas begins (1994-05-12): row 5. Kept."]),
    ([(n, *INSIDE, "2025-01-01", None) for n in range(20, 2, -1)],
     ["18 events dated after the atlas ends (2024-06-12): rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 and 6 more. "
      "Kept."]),
])
def test_outside_warnings(rows, expected):
    assert outside_warnings(REACH, rows) == expected


def test_no_mapped_area_means_no_place_warning():
    assert outside_warnings(Reach(None, "1994-05-12", "2024-06-12"), [(2, 10.0, 10.0, "2020-01-01", None)]) == []


def upload_csv() -> bytes:
    rows = [dict(EVENTS[0], event_id="ok"),
            dict(EVENTS[0], event_id="swapped", lat="46.5", lon="39.5", place_id=""),
            dict(EVENTS[0], event_id="nigeria", lat="10.0", lon="10.0", place_id=""),
            dict(EVENTS[0], event_id="future", date="2026-05-01")]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def root(tmp_path):
    root = make_atlas(tmp_path / "atlas")
    (root / "geodata" / "mapped_area.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "mapped-area"}, "geometry": mapping(AREA)}]}))
    return root


EXPECTED = ["2 events lie outside the mapped area (the former NKAO and the seven surrounding districts): rows 3, 4; "
            "lat/lon swapped? With them swapped, row 3 would lie inside it. Kept.",
            "1 event dated after the atlas ends (2024-06-12): row 5. Kept."]


def test_an_upload_keeps_such_events_and_says_so(root):
    uploaded = read_user_events(upload_csv(), "mine.csv", load_atlas(root))
    assert sorted(uploaded.events["event_id"]) == ["future", "nigeria", "ok", "swapped"]
    assert uploaded.problems == []
    assert uploaded.warnings == EXPECTED


def test_validate_events_prints_the_warnings_and_still_passes(root, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_bytes(upload_csv())
    result = subprocess.run([sys.executable, "-m", "dashboard", "validate", "--data", str(root), "--events", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("warning:")] == [
        f"warning: mine.csv: {w}" for w in EXPECTED]
    assert "mine.csv: 4 valid, 0 rejected" in result.stdout
