"""Event files as users bring them (issue 14): one reader for the upload, --events and the importers.

Fixtures are written here on the real column sets: ACLED's 31-column export (tests/test_acled.py HEADER) and
UCDP GED's 49 columns. Places, actors, outlets and figures in them are placeholders, not data.
"""

import csv
import io
from datetime import datetime

import pytest

from dashboard.core import tables
from dashboard.core.eventdates import date_order
from dashboard.core.eventfile import read_event_file
from dashboard.core.user_events import read_user_events
from tests.test_acled import HEADER

COLUMNS = HEADER.split(",")
GED = ("id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
       "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,side_b_new_id,side_b,"
       "number_of_sources,source_article,source_office,source_date,source_headline,source_original,where_prec,"
       "where_coordinates,where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,"
       "region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,"
       "high,low,gwnoa,gwnob").split(",")


def acled_row(event_id="XYZ1", date="2020-10-01", **fields) -> dict:
    row = dict.fromkeys(COLUMNS, "")
    row.update(event_id_cnty=event_id, event_date=date, year="2020", time_precision="1", event_type="Battles",
               sub_event_type="Armed clash", actor1="Side A", actor2="Side B", country="Country",
               admin1="Alpha", location="West", latitude="39.5", longitude="46.5", geo_precision="1",
               source="Outlet A", source_scale="National", notes="Placeholder.", fatalities="2",
               timestamp="1601510400")
    row.update(fields)
    return row


def ged_row(ged_id="1", **fields) -> dict:
    row = dict.fromkeys(GED, "")
    row.update(id=ged_id, year="2020", type_of_violence="1", conflict_name="Placeholder conflict",
               dyad_name="Side A - Side B", side_a="Side A", side_b="Side B", source_article="Outlet A, 2020-10-02",
               source_office="Outlet A", source_date="2020-10-02", where_prec="1", where_coordinates="West",
               adm_1="Alpha", latitude="39.5", longitude="46.5", country="Country", date_prec="1",
               date_start="2020-10-01 00:00:00.000", date_end="2020-10-01 00:00:00.000", best="5", low="3", high="9")
    row.update(fields)
    return row


def csv_bytes(rows, columns=None, delimiter=",", encoding="utf-8", header=None) -> bytes:
    columns = columns or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header or columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return buffer.getvalue().encode(encoding)


def events(data: bytes, atlas, name="export.csv"):
    uploaded = read_user_events(data, name, atlas)
    return uploaded, uploaded.events.set_index("event_id")


# 1, 2: delimiters and header case ---------------------------------------------------------------------------


@pytest.mark.parametrize(("delimiter", "header"), [
    (";", None), ("\t", None), (",", [c.upper() for c in COLUMNS]),
    (";", [c.replace("_", " ").title() for c in COLUMNS]),
])
def test_any_delimiter_and_header_case_reads_as_acled(atlas, delimiter, header):
    uploaded, by_id = events(csv_bytes([acled_row(), acled_row("XYZ2")], COLUMNS, delimiter, header=header), atlas)
    assert uploaded.kind == "acled" and list(by_id.index) == ["acled-XYZ1", "acled-XYZ2"]
    assert uploaded.problems == []


# 3: dates as spreadsheets re-save them ----------------------------------------------------------------------


@pytest.mark.parametrize(("values", "expected", "note"), [
    (["3-Dec-20", "5-Aug-24", "2020-12-03 00:00:00", "16 February 2023"],
     ["2020-12-03", "2024-08-05", "2020-12-03", "2023-02-16"], None),
    (["03/12/2020", "25/12/2020"], ["2020-12-03", "2020-12-25"], "read day-first (DD/MM/YYYY)"),
    (["12/03/2020", "12/25/2020"], ["2020-12-03", "2020-12-25"], "read month-first (MM/DD/YYYY)"),
    (["03.12.20", "13.01.21"], ["2020-12-03", "2021-01-13"], "read day-first"),
])
def test_dates_are_read_for_the_whole_file(atlas, values, expected, note):
    rows = [acled_row(f"D{i}", v) for i, v in enumerate(values)]
    uploaded, by_id = events(csv_bytes(rows, COLUMNS), atlas)
    assert [by_id.loc[f"acled-D{i}", "date"] for i in range(len(values))] == expected
    assert uploaded.problems == []
    assert (note is None and uploaded.notes == []) or any(note in n for n in uploaded.notes)


@pytest.mark.parametrize(("values", "reason"), [
    (["03/04/2020", "05/06/2020"], "could be day-first or month-first, and no date in the file decides"),
    (["25/12/2020", "12/25/2020"], "mixes day-first dates ('25/12/2020', line 2) and month-first dates"),
])
def test_a_file_whose_dates_cannot_be_read_one_way_is_refused_once(atlas, values, reason):
    uploaded, by_id = events(csv_bytes([acled_row(f"D{i}", v) for i, v in enumerate(values)], COLUMNS), atlas)
    assert len(by_id) == 0 and len(uploaded.problems) == 1
    assert uploaded.problems[0].line == 1 and reason in uploaded.problems[0].message
    assert uploaded.report.files["user_events"].rejected == len(values)


def test_date_order_takes_the_first_proof():
    assert date_order([(2, "2020-01-01"), (3, "1 May 2020")], "d").day_first is None  # nothing slashed


# 4: monadic exports -----------------------------------------------------------------------------------------


def test_a_monadic_export_is_merged_per_event(atlas):
    rows = [acled_row("M1", actor1="Side A", actor2="", assoc_actor_1="Militia X"),
            acled_row("M1", actor1="Side B", actor2="", assoc_actor_1="Militia Y"),
            acled_row("M2"), acled_row("M2", actor1="Side B", actor2="Side A"),
            acled_row("M3"), acled_row("M3", event_date="2020-10-05")]
    uploaded, by_id = events(csv_bytes(rows, COLUMNS), atlas)
    assert list(by_id.index) == ["acled-M1", "acled-M2", "acled-M3"]
    assert (by_id.loc["acled-M1", "actor1"], by_id.loc["acled-M1", "actor2"]) == ("Side A", "Side B")
    assert by_id.loc["acled-M1", "assoc_actors"] == "Militia X; Militia Y"
    assert by_id.loc["acled-M2", "actor2"] == "Side B"
    assert [str(p) for p in uploaded.problems] == [
        "export.csv:7: event_date: event M3 repeats line 6 with another event_date ('2020-10-05')"]
    assert uploaded.report.files["user_events"].rejected == 1  # merged rows are not rejections
    assert any("monadic export" in n for n in uploaded.notes)


# 5: legacy encodings ----------------------------------------------------------------------------------------


def test_a_windows_1252_export_keeps_its_accented_names(atlas):
    data = csv_bytes([acled_row(location="Xocavənd / Martuni".replace("ə", "e") + " café")], COLUMNS,
                     encoding="cp1252")
    uploaded, by_id = events(data, atlas)
    assert by_id.loc["acled-XYZ1", "location"] == "Xocavend / Martuni café"
    assert uploaded.notes == ["the file is not UTF-8: read as Windows-1252 (cp1252), the usual encoding of older "
                              "exports"]


# 6: pre-2019 event types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old_type", "atlas_type"), [
    ("Battle-No change of territory", "clash"), ("Battle-Government regains territory", "capture"),
    ("Battle-Non-state actor overtakes territory", "capture"), ("Remote violence", "strike"),
    ("Riots/Protests", "protest"), ("Strategic development", "other"),
    ("Non-violent transfer of territory", "handover"), ("Headquarters or base established", "deployment"),
    ("Violence against civilians", "incident"),
])
def test_pre_2019_event_types_are_mapped_and_their_wording_kept(atlas, old_type, atlas_type):
    _, by_id = events(csv_bytes([acled_row(event_type=old_type, sub_event_type="")], COLUMNS), atlas)
    assert by_id.loc["acled-XYZ1", "event_type"] == atlas_type
    assert by_id.loc["acled-XYZ1", "source_event_type"] == old_type


# 9: .xlsx ---------------------------------------------------------------------------------------------------


def xlsx_bytes(rows, columns) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_export_with_date_cells_is_read(atlas):
    rows = [acled_row(event_date=datetime(2020, 10, 1)), acled_row("XYZ2", event_date=datetime(2020, 11, 2),
                                                                   fatalities=3, latitude=39.5, longitude=46.5)]
    uploaded, by_id = events(xlsx_bytes(rows, COLUMNS), atlas, name="export.xlsx")
    assert uploaded.kind == "acled" and uploaded.problems == []
    assert list(by_id["date"]) == ["2020-10-01", "2020-11-02"] and by_id.loc["acled-XYZ2", "fatalities"] == 3
    assert uploaded.report.files["user_events"].name == "export.xlsx"


def test_a_broken_workbook_is_one_problem(atlas):
    uploaded = read_user_events(b"PK\x03\x04 not really a zip", "broken.xlsx", atlas)
    assert [p.field for p in uploaded.problems] == ["file"] and "not a readable .xlsx" in uploaded.problems[0].message


# 10: the smaller ones ---------------------------------------------------------------------------------------


def test_hxl_rows_re_saved_numbers_na_and_acled_fields(atlas):
    hxl = dict(zip(COLUMNS, ["#event+code", "#date", "", "", "", "#event+type", "#event+type+sub", "#group+name+first",
                             "", "", "#group+name+second"], strict=False))
    rows = [hxl, acled_row(fatalities="3.0", time_precision="1.0", actor2="NA", assoc_actor_1="NA",
                           admin2="Beta", admin3="Gamma", civilian_targeting="Civilian targeting", tags="NA")]
    uploaded, by_id = events(csv_bytes(rows, COLUMNS), atlas)
    assert uploaded.problems == [] and any("HXL tag row" in n for n in uploaded.notes)
    event = by_id.loc["acled-XYZ1"]
    assert event["fatalities"] == 3 and event["actor2"] is None and event["tags"] is None
    assert (event["sub_event_type"], event["source_event_type"], event["admin1"], event["admin2"], event["admin3"],
            event["civilian_targeting"], event["source_scale"], event["country"]) == (
        "Armed clash", "Battles", "Alpha", "Beta", "Gamma", "Civilian targeting", "National", "Country")
    source = uploaded.sources["acled-xyz1"]
    assert source["published"] == "2020-10-01" and "last changed" in source["note"]  # the timestamp's day


def test_a_missing_precision_is_refused_not_made_precise(atlas):
    uploaded, by_id = events(csv_bytes([acled_row(geo_precision=""), acled_row("XYZ2")], COLUMNS), atlas)
    assert list(by_id.index) == ["acled-XYZ2"]
    assert [f"{p.line}: {p.field}: {p.message}" for p in uploaded.problems] == [
        "2: geo_precision: missing value (1, 2 or 3): the atlas does not guess a precision"]


@pytest.mark.parametrize(("value", "ok"), [
    ("AZE_2023.001", True), ("Reuters-2020.10", True), ("src-a", True), ("a b", False), ("<b>", False),
    ("a/b", False), ("-x", False), ("x" * 201, False), ("a?b=c", False), ("a#b", False),
])
def test_source_ids_people_use_are_accepted_and_nothing_that_breaks_a_url(value, ok):
    if ok:
        assert tables.source_ident(value) == value
    else:
        with pytest.raises(tables.Invalid):
            tables.source_ident(value)


# UCDP GED ---------------------------------------------------------------------------------------------------


def test_ucdp_ged_rows_are_mapped_honestly(atlas):
    rows = [ged_row("1"), ged_row("2", where_prec="3", date_prec="4", date_end="2020-10-20 00:00:00.000",
                                  type_of_violence="3"),
            ged_row("3", where_prec="6"), ged_row("4", date_prec="5"), ged_row("5", where_prec="2", best="0",
                                                                                 low="0", high="0")]
    uploaded, by_id = events(csv_bytes(rows, GED), atlas, name="ged.csv")
    assert uploaded.kind == "ucdp" and list(by_id.index) == ["ucdp-ged-1", "ucdp-ged-2", "ucdp-ged-5"]
    one, two = by_id.loc["ucdp-ged-1"], by_id.loc["ucdp-ged-2"]
    assert (one["date"], one["date_end"], one["date_precision"], one["geo_precision"], one["event_type"]) == (
        "2020-10-01", None, "day", "settlement", "clash")
    assert (one["fatalities"], one["fatalities_low"], one["fatalities_high"]) == (5, 3, 9)
    assert (one["actor1"], one["actor2"], one["admin1"]) == ("Side A", "Side B", "Alpha")
    assert (two["date_end"], two["date_precision"], two["geo_precision"], two["event_type"],
            two["source_event_type"]) == ("2020-10-20", "month", "district", "incident", "one-sided violence")
    assert [(p.line, p.field) for p in uploaded.problems] == [(4, "where_prec"), (5, "date_prec")]
    source = uploaded.sources["ucdp-ged-1"]
    assert source["outlet"] == "UCDP GED (citing: Outlet A)" and source["url"] == "https://ucdp.uu.se/downloads/"
    assert "CC BY 4.0" in source["note"] and "Coded from: Outlet A, 2020-10-02" in source["note"]


def test_the_reader_says_what_a_file_is():
    assert read_event_file(csv_bytes([ged_row()], GED), "g.csv").kind == "ucdp"
    assert read_event_file(csv_bytes([acled_row()], COLUMNS), "a.csv").kind == "acled"
    found = read_event_file(b"event_id,date\n", "e.csv")
    assert found.kind == "atlas" and found.provenance.startswith("e.csv (sha256:")


def test_the_datasets_own_fields_reach_the_popup_and_side_panel(atlas):
    from dashboard.core.registry import describe

    _, by_id = events(csv_bytes([acled_row(assoc_actor_1="Militia X", admin2="Beta")], COLUMNS), atlas)
    uploaded = read_user_events(csv_bytes([ged_row("9")], GED), "ged.csv", atlas)
    facts = dict(describe(atlas, "user_events", by_id.reset_index().iloc[0]).facts)
    assert facts["Type in the source data"] == "Battles / Armed clash"
    assert facts["Associated actors"] == "Militia X" and facts["Area (source data)"] == "Beta, Alpha, Country"
    assert facts["Source scale"] == "National"
    ged = dict(describe(atlas, "user_events", uploaded.events.iloc[0]).facts)
    assert ged["Fatalities range"] == "3–9" and ged["Type in the source data"] == "state-based conflict"
    own = dict(describe(atlas, "events", atlas.events.iloc[0]).facts)  # the atlas's own events: nothing added
    assert "Type in the source data" not in own and "Fatalities range" not in own
