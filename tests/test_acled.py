"""ACLED exports: conversion, row-level errors, the import command, re-imports that replace."""

import csv
import json
import subprocess
import sys

import pytest

from dashboard.core import acled
from dashboard.core.csvfile import read_csv

HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
          "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
          "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
          "tags,timestamp")


def acled_csv(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


GOOD = ('AZE1001,2023-09-19,2023,1,Political violence,Battles,Armed clash,Military Forces of Azerbaijan (2003-),,1,'
        'Military Forces of Nagorno-Karabakh,,8,18,,31,Caucasus,Azerbaijan,Khankendi,,,Khankendi,39.8177,46.7528,1,'
        'Azatutyun; Trend,National,"On 19 September 2023, fighting, ""heavy"".\nSecond line.",4,,1700000000')
LONG_DATE = ('AZE1002,16 February 2023,2023,2,Strategic developments,Strategic developments,Agreement,A,,1,B,,1,11,,'
             '31,Caucasus,Azerbaijan,Baku,,,Baku,40.3777,49.892,3,Trend,National,Talks held.,0,,1700000001')
BAD_DATE = LONG_DATE.replace("AZE1002,16 February 2023", "AZE1003,31/02/2023")  # day-first, not a real day
BAD_TYPE = GOOD.replace("AZE1001", "AZE1004").replace("Armed clash", "Alien landing").replace("Battles", "Unknown")
THIRD = (GOOD.replace("AZE1001,2023-09-19", "AZE1006,2023-09-20")  # another sub-event type, country and admin area
         .replace("Battles,Armed clash", "Explosions/Remote violence,Shelling/artillery/missile attack")
         .replace("Azerbaijan,Khankendi,,,", "Armenia,Syunik,Goris,,"))
BAD_COORD = GOOD.replace("AZE1001", "AZE1005").replace("39.8177,46.7528", "NaN,46.7528")


def test_conversion_maps_the_columns():
    table, sources, problems = acled.convert(read_csv(acled_csv(GOOD, LONG_DATE), "acled.csv"))
    assert problems == []
    (line1, row1), (line2, row2) = table.rows
    assert (line1, line2) == (2, 4)  # physical lines: the first row's notes span two lines
    assert row1 | {"summary": None} == row1 | {
        "event_id": "acled-AZE1001", "date": "2023-09-19", "date_precision": "day", "event_type": "clash",
        "geo_precision": "settlement", "claim_status": "claimed", "fatalities": "4", "source_ids": "acled-aze1001",
        "summary": None}
    assert row1["summary"].startswith('On 19 September 2023, fighting, "heavy".')
    assert (row2["date"], row2["date_precision"], row2["event_type"], row2["geo_precision"]) == (
        "2023-02-16", "week", "diplomatic", "region")
    source = sources["acled-aze1001"]
    assert source["outlet"] == "ACLED (citing: Azatutyun; Trend)"
    assert source["url"] == acled.ACLED_DATA_PAGE


@pytest.mark.parametrize(("row", "field", "reason"), [
    (BAD_DATE, "event_date", "'31/02/2023' is not a date ACLED exports use"),
    (BAD_TYPE, "sub_event_type", "unknown ACLED type 'Alien landing'"),
])
def test_unconvertible_rows_are_reported(row, field, reason):
    table, _, problems = acled.convert(read_csv(acled_csv(GOOD, row), "acled.csv"))
    assert len(problems) == 1
    line, got_field, message = problems[0]
    assert (line, got_field) == (4, field) and message.startswith(reason)
    assert table.rows[1][1].invalid == "acled"


def test_a_short_row_repeating_an_event_is_reported_not_a_crash():
    short = ",".join(GOOD.split(",")[:22])  # ends after `location`: no latitude, longitude, ...
    table, _, problems = acled.convert(read_csv(acled_csv(GOOD, short), "acled.csv"))
    assert problems == [(4, "latitude", "event AZE1001 repeats line 2 with another latitude ('')")]
    assert [row.invalid for _, row in table.rows] == [None, "acled"]


@pytest.mark.parametrize(("stamp", "published", "note"), [
    ("1700000000", "2023-11-14", "last changed"),
    ("1700000000.0", "2023-11-14", "last changed"),
    ("", "2023-09-19", "no timestamp"),
    ("99999999999999", "2023-09-19", "past the year 9999"),  # a timestamp no date can hold: not a crash
    ("\u00b2", "2023-09-19", "no timestamp"),  # a digit to str.isdigit, not to int()
])
def test_published_is_the_day_acled_last_changed_the_row(stamp, published, note):
    _, sources, problems = acled.convert(read_csv(acled_csv(GOOD.replace(",1700000000", f",{stamp}")), "a.csv"))
    assert problems == []
    assert sources["acled-aze1001"]["published"] == published and note in sources["acled-aze1001"]["note"]


def test_import_command_writes_events_and_sources_and_reimports_replace(tmp_path, atlas_dir):
    src = tmp_path / "export.csv"
    src.write_text(acled_csv(GOOD, LONG_DATE, BAD_DATE, BAD_COORD), encoding="utf-8")
    out = tmp_path / "mine.csv"
    run = [sys.executable, "-m", "dashboard"]
    result = subprocess.run([*run, "import-acled", src, "--out", out], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1  # some rows were rejected...
    assert "export.csv:5: event_date:" in result.stderr and "export.csv:6: lat: 'NaN' is not a finite number" \
        in result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["event_id"] for r in rows] == ["acled-AZE1001", "acled-AZE1002"]  # ...and the valid ones survive
    sources = list(csv.DictReader((tmp_path / "mine.sources.csv").open(encoding="utf-8")))
    assert {s["source_id"] for s in sources} == {"acled-aze1001", "acled-aze1002"}

    # the imported file works with --events on any command, its sidecar sources included
    validate = subprocess.run([*run, "validate", "--data", atlas_dir, "--events", out, "--json"],
                              capture_output=True, text=True, timeout=120)
    assert json.loads(validate.stdout)["events"] == {"valid": 2, "rejected": 0}

    # a corrected re-export replaces the events it already had instead of adding copies
    src.write_text(acled_csv(GOOD.replace("4,,1700000000", "5,,1700000099")), encoding="utf-8")
    again = subprocess.run([*run, "import-acled", src, "--out", out, "--merge"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted(r["event_id"] for r in rows) == ["acled-AZE1001", "acled-AZE1002"]
    assert next(r for r in rows if r["event_id"] == "acled-AZE1001")["fatalities"] == "5"


def test_import_refuses_a_file_that_is_not_acled(tmp_path):
    src = tmp_path / "x.csv"
    src.write_text("a,b\n1,2\n")
    result = subprocess.run([sys.executable, "-m", "dashboard", "import-acled", src, "--out", tmp_path / "o.csv"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "not an ACLED export" in result.stderr and "Traceback" not in result.stderr
