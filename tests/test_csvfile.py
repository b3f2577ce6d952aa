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


def test_undecodable_row_is_rejected_and_the_others_survive():
    data = b"id,text\n1,ok\n2,caf\xe9\n3,fine\n"
    table = read_csv(data, "latin.csv")
    assert [row.get("id") for _, row in table.rows if not row.invalid] == ["1", "3"]
    assert [str(p) for p in table.problems] == ["latin.csv:3: row: not valid UTF-8 text (row rejected)"]


def test_row_wider_than_header_is_rejected():
    table = read_csv("a,b\n1,2,3\n4,5\n", "w.csv")
    assert table.rows[0][1].invalid == "width"
    assert table.rows[1] == (3, {"a": "4", "b": "5"})
    assert "3 fields but the header has 2" in str(table.problems[0])


def test_short_rows_are_padded_and_blank_lines_skipped():
    table = read_csv("a,b\n\n1\n", "s.csv")
    assert table.rows == [(3, {"a": "1", "b": ""})]
