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


def test_a_legacy_encoded_file_is_read_whole_and_said_so(tmp_path, atlas):
    name = "events_latin1_row.csv"
    root = make_atlas(tmp_path / "atlas")
    shutil.copy(HOSTILE / name, root / "events.csv")
    loaded = load_atlas(root)  # the atlas's own data must be UTF-8: read, but reported
    assert sorted(loaded.events["event_id"]) == ["latin", "ok1", "ok2"]
    assert _lines(loaded.report.problems, "events.csv") == [
        "0: file: the file is not UTF-8: read as Windows-1252 (cp1252), the usual encoding of older exports"]
    assert loaded.events.set_index("event_id").loc["latin", "location"] == "Café"
    uploaded = read_user_events((HOSTILE / name).read_bytes(), name, atlas)  # a user's file: a note, no rejection
    assert sorted(uploaded.events["event_id"]) == ["latin", "ok1", "ok2"] and uploaded.problems == []
    assert uploaded.notes == ["the file is not UTF-8: read as Windows-1252 (cp1252), the usual encoding of older "
                              "exports"]


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


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=300),
                 st.lists(st.sampled_from([b"a", b",", b'"', b"\n", b"\r", b"\xe9", b"\xef\xbb\xbf", b" ", b"\x00"]),
                          max_size=60).map(b"".join)))
def test_csv_reader_never_crashes_on_bytes(data):
    """Any bytes: a table or one TooLarge, and every rejected row has its problem on its own line."""
    try:
        table = read_csv(data, "junk.csv", max_columns=8, max_rows=20)
    except TooLarge as exc:
        assert exc.problem.file == "junk.csv" and "the limit is" in exc.problem.message
        return
    lines = [line for line, _ in table.rows]
    assert lines == sorted(set(lines)) and all(line >= 2 for line in lines)
    assert all(p.file == "junk.csv" for p in table.problems)
    if not table.header:
        assert table.rows == []
    problem_lines = {p.line for p in table.problems if p.field == "row"}
    for line, row in table.rows:
        if row.invalid:
            assert line in problem_lines, (line, table.problems)
        else:
            assert len(row.values) <= len(table.header) and len(row) == len(set(table.header))
            assert all(isinstance(v, str) for v in row.values)


# --- issue 18: hostile input within bounds ------------------------------------------------------------------
# Each numbered item of the issue has a test here that failed on the code before it; inputs are generated.

WIDE = (",".join(f"c{i}" for i in range(3000)) + "\n" + "x\n" * 30_000).encode()  # the 77 KB file


def _cli(*args, limit_memory=False, timeout=120):
    """The command line in a subprocess (a hang or a memory blow-up fails the test instead of the run)."""
    import resource
    import subprocess
    import sys

    def cap():  # 4 GB of address space: the old reader of /dev/zero died here instead of taking the machine
        resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))

    return subprocess.run([sys.executable, "-m", "dashboard", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap if limit_memory else None)


def test_1_a_hostile_wide_upload_is_refused_at_its_header_with_one_message(atlas):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(TooLarge) as info:
            read_user_events(WIDE, "wide.csv", atlas)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value) == "wide.csv: the header has 3,000 columns; the limit is 500"
    assert peak < 4 * 2**20  # the old reader: ~3 GB (a 3,000-key dict for each of 30,000 lines)


def test_1_the_row_limit_is_checked_while_reading(atlas, monkeypatch):
    header = "event_id,date,date_precision,event_type,location,lat,lon,geo_precision,claim_status,summary,source_ids\n"
    data = (header + "x\n" * 200_001).encode()  # the limit plus one, in 400 KB
    with pytest.raises(TooLarge) as info:
        read_user_events(data, "long.csv", atlas)
    assert str(info.value) == "long.csv: more than 200,000 rows; the limit is 200,000"
    assert info.value.problem.line == 200_002  # stopped on the first row over the limit


def test_1_and_2_the_cli_refuses_the_wide_file_and_a_100k_column_header(tmp_path):
    (tmp_path / "wide.csv").write_bytes(WIDE)
    (tmp_path / "cols.csv").write_text(",".join(["dup"] * 100_000) + "\n1\n")  # old code: 100 s of CPU
    for name, columns in (("wide.csv", "3,000"), ("cols.csv", "100,000")):
        result = _cli("validate", "--events", tmp_path / name)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert f"{name}:1: file: the header has {columns} columns; the limit is 500" in result.stdout


def test_4_deep_nesting_in_any_geojson_is_a_problem_not_a_crash(tmp_path):
    from dashboard.core import export
    from dashboard.core.permalink import ViewState

    root = make_atlas(tmp_path / "atlas")
    deep = "[" * 100_000 + "]" * 100_000
    (root / "geodata" / "control_zones.geojson").write_text(deep)
    (root / "geodata" / "countries.geojson").write_text(deep)  # a background layer, drawn by png and html
    atlas = load_atlas(root)
    problems = [str(p) for p in atlas.report.problems]
    assert "control_zones.geojson:0: file: nested more than 64 levels deep" in problems
    assert "countries.geojson:0: file: nested more than 64 levels deep (background layer left out)" in problems
    assert atlas.layers["control_zones"].empty and len(atlas.layers["peacekeeper_posts"]) == 2
    view = ViewState("2020-11-12")
    assert export.export_png(atlas, view).startswith(b"\x89PNG")
    from dashboard.map.page import export_html

    assert "<html" in export_html(atlas, view)
    result = _cli("validate", "--data", root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "control_zones.geojson:0: file: nested more than 64 levels deep" in result.stdout


def test_5_fifos_and_devices_are_reported_never_waited_on(tmp_path):
    import os

    root = make_atlas(tmp_path / "atlas")
    (root / "events.csv").unlink()
    os.mkfifo(root / "events.csv")
    os.mkfifo(tmp_path / "points.csv")
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    result = _cli("validate", "--data", root, timeout=60)
    assert "events.csv:0: file: a FIFO (named pipe), not a regular file" in result.stdout
    assert "sources.csv: 2 valid, 0 rejected" in result.stdout and result.returncode == 1
    result = _cli("at", "--data", root, "--batch", tmp_path / "points.csv", timeout=60)
    assert result.returncode == 1 and "points.csv:0: file: a FIFO (named pipe), not a regular file" in result.stderr
    result = _cli("at", "--data", root, "--batch", tmp_path / "zero.csv", limit_memory=True, timeout=60)
    assert result.returncode == 1 and "zero.csv:0: file: a device, not a regular file" in result.stderr
    acled = tmp_path / "acled.csv"
    acled.write_text("event_id_cnty,event_date,latitude,longitude,location\n")
    os.mkfifo(tmp_path / "merged.csv")
    result = _cli("import-acled", acled, "--out", tmp_path / "merged.csv", "--merge", timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: --out {tmp_path / 'merged.csv'} is a FIFO (named pipe); give a file name"


def test_6_every_out_failure_is_an_error_line_and_other_files_need_force(atlas_dir, tmp_path):
    (tmp_path / "thesis.docx").write_bytes(b"PK\x03\x04 my thesis")  # a zip, but not our PNG
    (tmp_path / "file").write_text("x")
    snapshot = ("snapshot", "--data", atlas_dir, "--date", "2020-11-12", "--format", "png")
    for out, reason in ((tmp_path, " is a folder; give a file name"),
                        (tmp_path / "file" / "map.png", ": a parent of it is a file, not a folder"),
                        (tmp_path / "thesis.docx", " exists and is not a PNG picture; pass --force to replace it"),
                        (Path("/dev/full"), " is a device; give a file name")):
        result = _cli(*snapshot, "--out", out)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip() == f"error: --out {out}{reason}"
    assert (tmp_path / "thesis.docx").read_bytes() == b"PK\x03\x04 my thesis"
    assert _cli(*snapshot, "--out", tmp_path / "thesis.docx", "--force").returncode == 0
    assert (tmp_path / "thesis.docx").read_bytes().startswith(b"\x89PNG")


def test_7_streamlits_upload_cap_is_the_documented_limit():
    import tomllib

    config = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert f"--server.maxUploadSize {MAX_BYTES // 2**20}" in makefile


@pytest.mark.parametrize("text", ["＝HYPERLINK(\"https://evil.invalid\")", "\u200b=1+1", "\u202e=1", "﹢1", "－1",
                                  "＠SUM(A1)", " =1", "\ufeff@x"])
def test_8_formula_look_alikes_are_neutralised_in_csv_exports(text):
    from dashboard.core.snapshot import safe_cell

    assert safe_cell(text) == "'" + text
    assert safe_cell("Xankəndi") == "Xankəndi" and safe_cell(3) == "3"


def test_8_fatalities_are_whole_numbers_everywhere(tmp_path):
    from dashboard.core import export
    from dashboard.core.permalink import ViewState
    from tests.conftest import EVENTS

    root = make_atlas(tmp_path / "atlas", events=[dict(EVENTS[0], fatalities="3"), EVENTS[1]])
    atlas = load_atlas(root)
    assert atlas.events["fatalities"].tolist() == [3, None]
    rows = export.export_csv(atlas, ViewState("2020-11-16", window="all")).splitlines()
    assert rows[1].split(",")[14] == "3"
    uploaded = read_user_events((root / "events.csv").read_bytes(), "mine.csv", atlas)
    assert uploaded.events["fatalities"].tolist() == [3, None]


def test_8_the_zips_permalink_leaves_out_a_selection_it_cannot_restore(atlas):
    import io
    import zipfile

    from dashboard.core import export
    from dashboard.core.permalink import ViewState

    uploaded = read_user_events((HOSTILE / "events_bom_crlf.csv").read_bytes(), "mine.csv", atlas)
    view = ViewState("2020-11-16", window="all", selected=f"user_events:{uploaded.events['event_id'].iloc[0]}")
    with zipfile.ZipFile(io.BytesIO(export.export_zip(atlas, view, user=uploaded))) as zf:
        readme = zf.read("README.md").decode()
    assert "sel=" not in readme and "date=2020-11-16" in readme
    assert "sel=events%3Ae1" in export.permalink(ViewState("2020-11-16", selected="events:e1"))
