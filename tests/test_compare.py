"""Compare mode in the app, driven by streamlit.testing (no browser): link, dates, map layers, side panel."""

from datetime import date

import pytest

from dashboard.ui import compare
from dashboard.ui import labels as L
from tests.conftest import make_atlas, write_csv
from tests.test_app import drawn, map_args, notices, side_panel
from tests.test_diff import CHANGE_COLUMNS, CHANGES, ZONES


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory):
    root = make_atlas(tmp_path_factory.mktemp("compare") / "atlas", layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    return root




def test_a_compare_link_opens_compare_mode_with_changes_and_sources(app):
    at = app(compare="2020-10-31..2020-11-20")
    assert not at.exception and not at.warning
    assert at.toggle(key=compare.ON.key).value is True
    assert at.date_input(key=compare.DAY_A.key).value == date(2020, 10, 31)
    assert at.date_input(key=compare.DAY_B.key).value == date(2020, 11, 20)
    args = map_args(at)
    assert "compare:arm-to-az-1" in drawn(args) and args["layers"]["day"] == "2020-11-20"
    panel = side_panel(at)
    assert "Gained by Azerbaijani forces" in panel and "Settlements that changed hands</dt><dd>1</dd>" in panel
    assert "Lambert azimuthal equal-area" in panel
    assert "2020-11-01: west-claimed" in panel and "2020-11-10: west-confirmed" in panel
    assert '<a href="https://example.org/b" target="_blank" rel="noopener noreferrer">Report B</a>' in panel
    assert "Changes from 2020-10-31 to 2020-11-20" in panel  # the legend
    assert at.query_params["compare"] == "2020-10-31..2020-11-20"


def test_clicking_a_changed_area_lists_its_settlements_dates_and_sources(app):
    at = app(compare="2020-10-31..2020-11-20")
    assert "Click a changed area" in side_panel(at)
    at.session_state[compare.MAP_KEY] = {"selected": "compare:arm-to-az-1"}
    at.run()
    panel = side_panel(at)
    assert 'data-area="arm-to-az-1"' in panel
    assert "<li>West / Arevmutk (Qərb): 2020-11-01 (confirmed)</li>" in panel
    assert "Armenian and Nagorno-Karabakh forces" in panel and "km² (equal-area projection)" in panel
    assert 'href="https://example.org/a"' in panel


def test_turning_compare_on_compares_the_slider_date_with_the_change_before_it(app):
    at = app(date="2020-11-12")
    assert "compare" not in at.query_params
    at.toggle(key=compare.ON.key).set_value(True).run()
    assert at.date_input(key=compare.DAY_B.key).value == date(2020, 11, 12)
    assert at.date_input(key=compare.DAY_A.key).value == date(2020, 11, 10)  # the last change before B
    at.button(key="compare_a_2020-09-27").click().run()
    assert at.date_input(key=compare.DAY_A.key).value == date(2020, 9, 27)
    at.button(key=compare.SWAP.key).click().run()
    assert at.query_params["compare"] == "2020-11-12..2020-09-27"
    assert "Gained by Armenian and Nagorno-Karabakh forces</dt><dd>9" in side_panel(at)  # swapped sides
    at.toggle(key=compare.ON.key).set_value(False).run()
    assert at.session_state[L.DAY.key] == date(2020, 11, 12)  # the single-date map kept its date
    assert map_args(at)["day"] == "2020-11-12"
    assert "compare" not in at.query_params


def test_the_map_of_a_or_b_with_the_changed_land_outlined(app):
    at = app(compare="2020-10-31..2020-11-20")
    at.radio(key=compare.SHOW.key).set_value("from").run()
    args = map_args(at)
    assert "control_zones:z-west-arm" in drawn(args) and "compare:arm-to-az-1" in drawn(args)
    assert args["layers"]["day"] == "2020-10-31"


def test_a_bad_compare_link_is_ignored_with_a_notice(app):
    at = app(compare="2020-10-31..someday")
    assert any("compare: '2020-10-31..someday'" in n for n in notices(at))  # plain text, never Markdown
    assert at.toggle(key=compare.ON.key).value is False


def test_the_summary_counts_settlements_in_words(tmp_path):
    from dashboard.core.atlas import load_atlas
    from dashboard.core.diff import compare as compare_dates

    root = make_atlas(tmp_path / "atlas", layers={"control_zones": ZONES})
    write_csv(root / "geodata" / "control_changes.csv", CHANGES, CHANGE_COLUMNS)
    html = compare.summary_html(compare_dates(load_atlas(root), "2020-10-31", "2020-11-20"))
    assert "1 settlement changed hands" in html and "settlement(s)" not in html
