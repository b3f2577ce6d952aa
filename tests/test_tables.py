import pytest

from dashboard.core import tables
from dashboard.core.atlas import load_atlas
from tests.conftest import EVENTS, SOURCES, make_atlas, write_csv


@pytest.mark.parametrize(
    ("parse", "value", "expected"),
    [
        (tables.parse_date, "2020-09-27", "2020-09-27"),
        (tables.parse_date, "2020-02-30", tables.Invalid),
        (tables.parse_date, "27/09/2020", tables.Invalid),
        (tables.parse_date, "2020-9-27", tables.Invalid),
        (tables.parse_lat, "39.8", 39.8),
        (tables.parse_lat, "91", tables.Invalid),
        (tables.parse_lat, "nan", tables.Invalid),
        (tables.parse_lon, "46.75", 46.75),
        (tables.parse_lon, "inf", tables.Invalid),
        (tables.parse_lon, "46,7", tables.Invalid),
        (tables.parse_url, "https://en.wikipedia.org/wiki/Shusha", "https://en.wikipedia.org/wiki/Shusha"),
        (tables.parse_url, "http://example.org/x?y=1", "http://example.org/x?y=1"),
        (tables.parse_url, "javascript:alert(1)", tables.Invalid),
        (tables.parse_url, "ftp://example.org/file", tables.Invalid),
        (tables.parse_url, "https://example.org/\"onmouseover=x", tables.Invalid),
        (tables.parse_url, "//example.org/a", tables.Invalid),
        (tables.parse_int, "12", 12),
        (tables.parse_int, "-3", tables.Invalid),
        (tables.source_ident, "tass-20201115-posts", "tass-20201115-posts"),
        (tables.source_ident, "TASS posts", tables.Invalid),
    ],
)
def test_field_parsers(parse, value, expected):
    if expected is tables.Invalid:
        with pytest.raises(tables.Invalid):
            parse(value)
    else:
        parsed = parse(value)
        assert parsed == expected
        assert type(parsed) is type(expected)  # a number comes back as a number, not the text


def _problems(report):
    return [str(p) for p in report.problems]


def test_every_problem_is_reported_and_valid_rows_survive(tmp_path):
    bad = [
        dict(EVENTS[0], event_id="bad-date", date="2020-02-30"),
        dict(EVENTS[0], event_id="bad-type", event_type="massacre", lat="95"),
        dict(EVENTS[0], event_id="e1"),  # duplicate of the first valid row: the later one is rejected
        dict(EVENTS[0], event_id="no-source", source_ids="nope"),
        dict(EVENTS[0], event_id="ends-early", date_end="2020-09-01"),
    ]
    root = make_atlas(tmp_path, events=EVENTS + bad)
    atlas = load_atlas(root)
    assert list(atlas.events["event_id"]) == ["e1", "e3", "e2"]
    assert atlas.report.files["events"].valid == 3
    assert atlas.report.files["events"].rejected == 5
    assert _problems(atlas.report) == [
        "events.csv:5: date: '2020-02-30' is not a real date",
        "events.csv:6: event_type: 'massacre' is not one of " + ", ".join(tables.vocab.EVENT_TYPES),
        "events.csv:6: lat: 95 is outside -90..90",
        "events.csv:7: event_id: duplicate id 'e1' (first on line 2)",
        "events.csv:8: source_ids: unknown source_id nope",
        "events.csv:9: date_end: 2020-09-01 is before date 2020-10-01",
    ]


def test_missing_required_column_rejects_every_row(tmp_path):
    rows = [{k: v for k, v in e.items() if k != "summary"} for e in EVENTS]
    root = make_atlas(tmp_path)
    write_csv(root / "events.csv", rows)
    atlas = load_atlas(root)
    assert atlas.events.empty
    assert "events.csv:1: summary: required column is missing" in _problems(atlas.report)
    assert atlas.report.files["events"].rejected == 3


def test_non_http_source_url_is_rejected_and_its_users_too(tmp_path):
    sources = [SOURCES[0], dict(SOURCES[1], url="javascript:alert(1)")]
    atlas = load_atlas(make_atlas(tmp_path, sources=sources))
    assert "sources.csv:3: url: 'javascript:alert(1)' is not an http(s) URL" in _problems(atlas.report)
    assert "src-b" not in atlas.sources
    assert list(atlas.events["event_id"]) == ["e1"]  # e2 and e3 cite src-b


def test_unknown_place_id_is_rejected(tmp_path):
    atlas = load_atlas(make_atlas(tmp_path, events=[dict(EVENTS[0], place_id="atlantis")]))
    assert _problems(atlas.report) == ["events.csv:2: place_id: unknown place_id 'atlantis'"]
    assert atlas.report.files["events"].rejected == 1


def test_bom_and_crlf_files_load(tmp_path):
    root = make_atlas(tmp_path)
    write_csv(root / "events.csv", EVENTS, bom=True, crlf=True)
    atlas = load_atlas(root)
    assert atlas.report.ok, _problems(atlas.report)
    assert len(atlas.events) == 3


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"published": "", "accessed": "2026-11-21"}, None),  # an undated page says when it was read
        ({"published": "2020-11-10", "accessed": "2026-11-21"}, None),
        ({"published": "", "accessed": ""}, "sources.csv:3: published: missing value (leave it empty only when "
                                            "`accessed` gives the day the page was read)"),
        ({"accessed": "2026-02-30"}, "sources.csv:3: accessed: '2026-02-30' is not a real date"),
        ({"source_kind": "wire_agency"}, None),
        ({"source_kind": "blog"}, "sources.csv:3: source_kind: 'blog' is not one of "
                                  + ", ".join(tables.vocab.SOURCE_KINDS)),
        # a title is the page's own, or one the atlas supplies in [brackets] with the reason in its note
        ({"title": "[Shelling of Martuni (descriptive)]", "note": "title supplied (not visible on the page)"}, None),
        # brackets inside a page's own title are the page's
        ({"title": "Shelling of Martuni [update]", "note": ""}, None),
        ({"title": "[Shelling of Martuni]", "note": ""},
         "sources.csv:3: note: a supplied [bracketed] title needs a note saying why the page's own title is not given"),
        ({"title": "Shelling of Martuni (untitled in search excerpt)", "note": ""},
         "sources.csv:3: title: 'Shelling of Martuni (untitled in search excerpt)' carries a research note "
         "('search excerpt'): give the page's own title, or a supplied title in [square brackets] with the reason "
         "in `note`"),
        ({"title": "[Shelling of Martuni (title paraphrased)]", "note": "title supplied"},
         "sources.csv:3: title: '[Shelling of Martuni (title paraphrased)]' carries a research note "
         "('title paraphrased'): give the page's own title, or a supplied title in [square brackets] with the "
         "reason in `note`"),
    ],
)
def test_source_dates_kind_and_title_are_checked(tmp_path, changes, problem):
    sources = [SOURCES[0], dict(SOURCES[1], **changes)]
    atlas = load_atlas(make_atlas(tmp_path, sources=sources))
    if problem is None:
        assert atlas.report.ok, _problems(atlas.report)
        assert "src-b" in atlas.sources
    else:
        assert problem in _problems(atlas.report)
        assert "src-b" not in atlas.sources


def test_group_id_must_be_an_id(tmp_path):
    events = [dict(EVENTS[0], group_id="g-2020-10-01"), dict(EVENTS[1], group_id="not an id")]
    atlas = load_atlas(make_atlas(tmp_path, events=events))
    assert _problems(atlas.report) == [
        "events.csv:3: group_id: 'not an id' is not a valid id (letters, digits, . _ : -)"]
