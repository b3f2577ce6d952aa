"""Events checked by column (core/eventcolumns.py): the same verdicts, records and reasons, line by line, as
the row validator (tables.validate_rows) gives for the same rows. Fixtures are placeholders, not data."""

import numpy as np
import pytest

from dashboard.core import acled, tables
from dashboard.core.csvfile import CsvRows, read_csv
from dashboard.core.eventcolumns import EventColumns, validate
from dashboard.core.problems import Report
from tests.test_eventfile import acled_row, csv_bytes

ROWS = [
    acled_row("AAA1"),
    acled_row("AAA2", latitude="NaN"),  # not a finite number
    acled_row("AAA3", longitude="200", location=""),  # two reasons on one line
    acled_row("AAA1", date="2020-10-02", actor1="Side C"),  # repeats AAA1 with another date
    acled_row("AAA 4"),  # becomes acled-AAA-4 ...
    acled_row("AAA-4"),  # ... as this one does: a duplicate id
    acled_row("AAA5", fatalities="-1"),  # not a whole number
    acled_row("AAA6", time_precision="7"),  # refused by the converter, not by the validation
    acled_row("AAA7", fatalities="3.0", tags="a; b"),
]


def by_rows_and_by_columns(known, **options):
    """(records or rows, problems, counts) from the row validator and from the columns."""
    results = []
    for by_columns in (False, True):
        columns, _, _ = acled.convert(read_csv(csv_bytes(ROWS), "export.csv"))
        table = columns if by_columns else CsvRows(columns.header, columns.rows, list(columns.problems))
        report = Report()
        found = tables.validate_rows(tables.EVENTS, table, "export.csv", report, known, **options)
        if options.get("keep_rows"):
            found = [[v or "" for v in row.values] for row in found]
        results.append((found, [str(p) for p in report.problems],
                        {k: (c.valid, c.rejected) for k, c in report.files.items()}))
    return results


@pytest.mark.parametrize("known", [None, {"acled-aaa1", "acled-aaa7"}, "all"])
@pytest.mark.parametrize("options", [{"sparse": True}, {"sparse": False}, {"sparse": True, "keep_rows": True}])
def test_columns_are_checked_as_rows_are(known, options):
    if known == "all":
        known = set(acled.convert(read_csv(csv_bytes(ROWS), "export.csv"))[1])
    by_rows, by_columns = by_rows_and_by_columns(known, **options)
    assert by_columns == by_rows


def test_each_rejected_row_keeps_its_line_and_reasons():
    columns, sources, converted = acled.convert(read_csv(csv_bytes(ROWS), "export.csv"))
    assert isinstance(columns, EventColumns)
    report = Report()
    checked = validate(tables.EVENTS, columns, "export.csv", report, set(sources))
    assert [str(p) for p in report.problems] == [
        "export.csv:3: lat: 'NaN' is not a finite number",
        "export.csv:4: location: missing value",
        "export.csv:4: lon: 200 is outside -180..180",
        "export.csv:7: event_id: duplicate id 'acled-AAA-4' (first on line 6)",
        "export.csv:8: fatalities: '-1' is not a whole number",
    ]
    assert [line for line, _, _ in converted] == [5, 9]  # the converter's own (another date; precision 7)
    assert checked.lines.tolist() == [2, 6, 10]
    assert checked.parsed["fatalities"].tolist() == [2, 2, 3]
    assert checked.parsed["tags"].tolist() == [None, None, "a;b"]
    assert report.files["events"].valid == 3 and report.files["events"].rejected == 6


def test_a_table_check_and_a_duplicate_on_columns_the_converter_leaves_empty():
    def column(*values):
        return np.array(values, dtype=object)

    table = EventColumns([2, 3, 4, 5], {
        "event_id": column("a", "b", "b", "c"), "date": column(*["2020-01-02"] * 4),
        "date_end": column(None, "2020-01-01", "2020-01-05", "2019-12-31"), "date_precision": column(*["day"] * 4),
        "event_type": column(*["clash"] * 4), "location": column("w", "x", "y", "z"),
        "lat": column("1", "2", "3", "4"), "lon": column("1", "2", "3", "4"),
        "geo_precision": column(*["settlement"] * 4), "claim_status": column(*["claimed"] * 4),
        "summary": column(*["s"] * 4), "source_ids": column("s1", "s1; s2", "s1", "s1")}, column(*[None] * 4))
    report = Report()
    checked = validate(tables.EVENTS, table, "mine.csv", report, {"s1"})
    assert [str(p) for p in report.problems] == [
        "mine.csv:3: source_ids: unknown source_id s2",
        "mine.csv:4: event_id: duplicate id 'b' (first on line 3)",
        "mine.csv:5: date_end: 2019-12-31 is before date 2020-01-02",
    ]
    assert checked.lines.tolist() == [2]
    assert checked.parsed["source_ids"].tolist() == [["s1"]]
