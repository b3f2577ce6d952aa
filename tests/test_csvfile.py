import pytest

from dashboard.core.csvfile import read_csv


def test_bom_crlf_and_multiline_fields_keep_physical_lines():
    data = '\ufeffid,text\r\n1,"two\r\nlines"\r\n2,plain\r\n'.encode()
    table = read_csv(data, "f.csv")
    assert table.header == ["id", "text"]
    assert [(line, row["id"]) for line, row in table.rows] == [(2, "1"), (4, "2")]
    assert table.rows[0][1]["text"] == "two\r\nlines"
    assert table.problems == []


def test_empty_file_is_a_problem_not_a_crash():
    table = read_csv(b"", "empty.csv")
    assert table.rows == []
    assert str(table.problems[0]) == "empty.csv:1: file: empty file: no header row"


def test_a_legacy_file_is_read_whole_in_its_encoding_and_said_so():
    data = "id,text\n1,ok\n2,Xankəndi café\n".encode().replace("ə".encode(), b"e") \
        .replace("é".encode(), b"\xe9")  # Windows-1252, as older exports and Excel save it
    table = read_csv(data, "latin.csv")
    assert [row["text"] for _, row in table.rows] == ["ok", "Xankendi café"]
    assert table.encoding == "cp1252" and table.problems == []
    assert table.notes == ["the file is not UTF-8: read as Windows-1252 (cp1252), the usual encoding of older exports"]
    assert read_csv(b"id\n\x81\xe9\n", "x.csv").encoding == "latin-1"  # 0x81 is not in cp1252


def test_in_a_file_of_mixed_encodings_undecodable_rows_are_rejected_not_guessed():
    data = "id,text\n1,Şuşa\n".encode() + b"2,caf\xe9\n3,fine\n"
    table = read_csv(data, "mixed.csv")
    assert [row.get("id") for _, row in table.rows if not row.invalid] == ["1", "3"]
    assert [str(p) for p in table.problems] == ["mixed.csv:3: row: not valid UTF-8 text (row rejected)"]
    assert table.encoding == "mixed" and "rejected, not guessed" in table.notes[0]


@pytest.mark.parametrize(("data", "delimiter"), [
    (b"a;b;c\n1;2,5;3\n", ";"), (b"a\tb\n1\t2\n", "\t"), (b'"x;y",b\n1,2\n', ","), (b"a\n1\n", ",")])
def test_the_delimiter_comes_from_the_header_line(data, delimiter):
    table = read_csv(data, "d.csv")
    assert table.delimiter == delimiter and table.problems == []
    assert all(len(row.values) == len(table.header) for _, row in table.rows)


def test_row_wider_than_header_is_rejected():
    table = read_csv("a,b\n1,2,3\n4,5\n", "w.csv")
    assert table.rows[0][1].invalid == "width"
    assert table.rows[1] == (3, {"a": "4", "b": "5"})
    assert "3 fields but the header has 2" in str(table.problems[0])


def test_short_rows_are_padded_and_blank_lines_skipped():
    table = read_csv("a,b\n\n1\n", "s.csv")
    assert table.rows == [(3, {"a": "1", "b": ""})]


# --- limits, checked while reading (issue 18) ---------------------------------------------------------------

import tracemalloc  # noqa: E402

from dashboard.core import csvfile  # noqa: E402
from dashboard.core.csvfile import MAX_COLUMNS, TooLarge, duplicate_names  # noqa: E402


def _refusal(data, **limits) -> str:
    with pytest.raises(TooLarge) as info:
        read_csv(data, "h.csv", **limits)
    return str(info.value.problem)


@pytest.mark.parametrize(("data", "limits", "expected"), [
    ("a,b\n" + "1,2\n" * 11, {"max_rows": 10}, "h.csv:12: file: more than 10 rows; the limit is 10"),
    (",".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\nx\n", {},
     f"h.csv:1: file: the header has {MAX_COLUMNS + 1:,} columns; the limit is {MAX_COLUMNS:,}"),
    ("a,b\n1,2\n" + "," * 40 + "\n", {"max_columns": 20}, "h.csv:3: file: the row has 41 columns; the limit is 20"),
    ("a,b\n1,2\n", {"max_bytes": 5}, "h.csv:0: file: the file is 0.0 MB; the limit is 0 MB"),
])
def test_each_limit_stops_the_read_with_one_message(data, limits, expected):
    assert _refusal(data, **limits) == expected


def test_reading_stops_at_the_row_limit_and_never_reads_past_it():
    # after the limit comes an unreadable line (a NUL byte): it is never reached, so never reported
    data = b"a,b\n" + b"1,2\n" * 11 + b"\x00,\x00\n" + b"3,4\n" * 1000
    assert _refusal(data, max_rows=10) == "h.csv:12: file: more than 10 rows; the limit is 10"


def test_a_field_over_the_length_limit_is_refused_not_kept(monkeypatch):
    import csv

    before = csv.field_size_limit()
    csv.field_size_limit(100)
    try:
        message = _refusal("a,b\n1," + "x" * 101 + "\n")
    finally:
        csv.field_size_limit(before)
    assert message.startswith("h.csv:2: file: a field is longer than")


def test_the_issues_hostile_wide_file_costs_almost_nothing():
    # the issue's shape, a tenth of the lines: a 3,000-column header over one-field lines
    data = (",".join(f"c{i}" for i in range(3000)) + "\n" + "x\n" * 3000).encode()
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            read_csv(data, "wide.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20  # the old reader built a 3,000-key dict per line: ~300 MB here


def test_rows_are_lists_behind_one_shared_index_not_dicts():
    table = read_csv("a,b,c\n1,2,3\n4\n", "r.csv")
    (_, first), (_, second) = table.rows
    assert first.values == ["1", "2", "3"] and second.values == ["4"]  # a short row stays short
    assert first.index is second.index
    assert dict(second) == {"a": "4", "b": "", "c": ""}


def test_equal_short_values_of_a_column_share_one_string():
    table = read_csv("d,n\n" + "".join(f"2020-10-01,{i}\n" for i in range(50)), "s.csv")
    days = [row.values[0] for _, row in table.rows]
    assert len({id(d) for d in days}) == 1


def test_duplicate_headers_are_found_in_one_pass():
    names = iter(["a", "b", "a", "", "", "c", "b", "a"])  # an iterator can only be walked once
    assert duplicate_names(names) == ["a", "b"]
    table = read_csv("a,b,a\n1,2,3\n", "d.csv")
    assert [str(p) for p in table.problems] == ["d.csv:1: a: column appears more than once"]


def test_a_path_that_is_not_a_regular_file_is_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    with pytest.raises(TooLarge) as info:
        read_csv(fifo, "events.csv")  # opening a FIFO to read would block until a writer came
    assert str(info.value.problem) == "events.csv:0: file: a FIFO (named pipe), not a regular file"
    (tmp_path / "zero.csv").symlink_to("/dev/zero")
    with pytest.raises(TooLarge, match="a device, not a regular file"):
        read_csv(tmp_path / "zero.csv", "zero.csv")
    assert csvfile.MAX_BYTES == 50 * 2**20
