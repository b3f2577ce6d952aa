"""import-acled / import-ucdp and --events as users run them; provenance of user events in exports."""

import argparse
import csv
import io
import json
import subprocess
import sys
import zipfile

import pytest

from dashboard import importer
from dashboard.core import export
from dashboard.core.atlas import load_atlas
from dashboard.core.permalink import ViewState
from dashboard.core.user_events import read_user_events
from dashboard.map.page import export_html
from tests.test_eventfile import COLUMNS, GED, acled_row, csv_bytes, ged_row, xlsx_bytes


def run(*args):
    return subprocess.run([sys.executable, "-m", "dashboard", *map(str, args)], capture_output=True, text=True,
                          timeout=180)


def test_snapshot_with_a_raw_acled_export_works_as_the_app_and_reports_dropped_rows(atlas_dir, tmp_path):
    raw = tmp_path / "RAW_ACLED.csv"
    raw.write_bytes(csv_bytes([acled_row("R1"), acled_row("R2", event_date="31/02/2020"),
                               acled_row("R3", event_date="2020-10-02")], COLUMNS, delimiter=";"))
    out = tmp_path / "view.csv"
    result = run("snapshot", "--data", atlas_dir, "--events", raw, "--date", "2020-10-10", "--format", "csv",
                 "--out", out, "--last-days", "30")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["event_id"] for r in rows] == ["acled-R1", "acled-R3"]
    assert {r["dataset"] for r in rows} == {f"events file RAW_ACLED.csv (sha256:{_sha(raw)[:16]})"}
    assert rows[0]["source_outlets"] == "ACLED (citing: Outlet A)" and rows[0]["sub_event_type"] == "Armed clash"
    assert "note: RAW_ACLED.csv: columns separated by semicolons" in result.stderr
    assert "RAW_ACLED.csv:3: event_date: '31/02/2020' is not a date ACLED exports use" in result.stderr
    assert "RAW_ACLED.csv: 2 events kept, 1 row rejected" in result.stderr


def _sha(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_ucdp_and_an_xlsx_acled_export(atlas_dir, tmp_path):
    ged = tmp_path / "GEDEvent.csv"
    ged.write_bytes(csv_bytes([ged_row("7"), ged_row("8", where_prec="6")], GED))
    out = tmp_path / "ucdp_events.csv"
    result = run("import-ucdp", ged, "--out", out)
    assert result.returncode == 1  # one row rejected (where_prec 6), the other written
    assert "GEDEvent.csv:3: where_prec: '6'" in result.stderr
    assert "GEDEvent.csv: 1 event written" in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["event_id"], r["fatalities"], r["fatalities_low"], r["fatalities_high"]) for r in rows] == [
        ("ucdp-ged-7", "5", "3", "9")]
    validate = run("validate", "--data", atlas_dir, "--events", out, "--json")
    assert json.loads(validate.stdout)["events"] == {"valid": 1, "rejected": 0}
    assert json.loads(validate.stdout)["event_sources"] == {"valid": 1, "rejected": 0}  # counted apart

    book = tmp_path / "acled.xlsx"
    book.write_bytes(xlsx_bytes([acled_row("X1"), acled_row("X2")], COLUMNS))
    result = run("import-acled", book, "--out", tmp_path / "x.csv")
    assert result.returncode == 0, result.stderr
    assert [r["event_id"] for r in csv.DictReader((tmp_path / "x.csv").open())] == ["acled-X1", "acled-X2"]
    wrong = run("import-ucdp", book, "--out", tmp_path / "y.csv")
    assert wrong.returncode == 1 and "not a UCDP GED file (it reads as: ACLED export)" in wrong.stderr


def test_an_hxl_row_is_not_a_failure(tmp_path):
    hxl = {"event_id_cnty": "#event+code", "event_date": "#date", "location": "#loc+name"}
    src = tmp_path / "hdx.csv"
    src.write_bytes(csv_bytes([hxl, acled_row()], COLUMNS))
    result = run("import-acled", src, "--out", tmp_path / "o.csv")
    assert result.returncode == 0, result.stderr
    assert "hdx.csv: note: line 2 is an HXL tag row" in result.stderr and "1 event written" in result.stderr


def test_an_interrupted_import_leaves_the_previous_files(tmp_path, monkeypatch):
    src = tmp_path / "export.csv"
    src.write_bytes(csv_bytes([acled_row("I1")], COLUMNS))
    out = tmp_path / "mine.csv"
    args = argparse.Namespace(file=src, out=out, merge=False, force=False)
    assert importer.run_import(args, "acled") == 0
    before = out.read_bytes(), (tmp_path / "mine.sources.csv").read_bytes()
    src.write_bytes(csv_bytes([acled_row("I2")], COLUMNS))
    real = importer._writer

    def interrupted(header, rows):
        def write(binary):
            real(header, rows[:0])(binary)  # the header, then Ctrl-C
            raise KeyboardInterrupt
        return write

    monkeypatch.setattr(importer, "_writer", interrupted)
    with pytest.raises(KeyboardInterrupt):
        importer.run_import(args, "acled")
    assert (out.read_bytes(), (tmp_path / "mine.sources.csv").read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "mine.csv", "mine.sources.csv"]


def test_exports_name_the_file_user_events_came_from(atlas):
    data = csv_bytes([acled_row("P1")], COLUMNS)
    uploaded = read_user_events(data, "mine.csv", atlas)
    view = ViewState("2020-10-05", window="all", selected="user_events:acled-P1")
    tag = uploaded.provenance
    assert tag.startswith("mine.csv (sha256:") and len(tag) == len("mine.csv (sha256:)") + 16
    doc = json.loads(export.export_geojson(atlas, view, user=uploaded))
    assert doc["properties"]["dataset_version"].endswith(f" + events file {tag}")
    assert doc["properties"]["events_files"] == [tag]
    assert f'content="{export.dataset_version(atlas.data_dir)} + events file {tag}"' in export_html(
        atlas, view, user=uploaded)
    rows = list(csv.DictReader(io.StringIO(export.export_csv(atlas, view, user=uploaded))))
    assert {r["dataset"] for r in rows if r["event_id"] == "acled-P1"} == {f"uploaded {tag}"}
    with zipfile.ZipFile(io.BytesIO(export.export_zip(atlas, view, user=uploaded))) as zf:
        readme = zf.read("README.md").decode()
    assert f"+ events file {tag}" in readme and "sel=" not in readme
    assert f"the link shows the view without the events of {tag}: load that file too" in readme
    assert f"- events file: {tag}: the permalink cannot bring it" in readme
    plain = json.loads(export.export_geojson(atlas, ViewState("2020-10-05")))  # no upload: nothing claimed
    assert plain["properties"]["events_files"] == [] and "events file" not in plain["properties"]["dataset_version"]


def test_events_given_on_the_command_line_are_named_in_the_version(atlas_dir, tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_bytes(csv_bytes([acled_row("C1")], COLUMNS))
    atlas = load_atlas(atlas_dir, events_path=raw)
    assert atlas.events_provenance == f"raw.csv (sha256:{_sha(raw)[:16]})"
    assert export.version(atlas, ViewState("2020-10-05")).endswith(f" + events file {atlas.events_provenance}")


def test_import_warns_of_events_off_the_map_or_the_dates_and_writes_them(tmp_path):
    raw = tmp_path / "acled.csv"
    raw.write_bytes(csv_bytes([acled_row("R1"), acled_row("R2", latitude="46.5", longitude="39.5"),
                               acled_row("R3", event_date="2026-05-01", year="2026")], COLUMNS))
    out = tmp_path / "mine.csv"
    result = run("import-acled", raw, "--out", out)
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(out.open(encoding="utf-8")))) == 3  # kept: the user's data
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "mine.csv: warning: 1 event lies outside the mapped area (the former NKAO and the seven surrounding "
        "districts): row 3; lat/lon swapped? With them swapped, row 3 would lie inside it. Kept.",
        "mine.csv: warning: 1 event dated after the atlas ends (2024-06-12): row 4. Kept."]


def test_the_import_commands_load_neither_pandas_nor_pyarrow():
    """~100 MB and ~0.3 s of start-up the import commands do not need (the conversion works on numpy arrays)."""
    code = ("import sys; import dashboard.importer, dashboard.core.acled, dashboard.core.ucdp; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'pyarrow', 'geopandas'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
