"""The Python API: docs/API.md's examples run, ``import dashboard`` stays light, and the answers are the core's."""

import datetime
import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import dashboard
from dashboard.core.query import point_query as core_point_query

DOC = Path(__file__).resolve().parent.parent / "docs" / "API.md"


def test_the_examples_in_docs_api_run():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=flags)
    assert result.attempted > 10 and result.failed == 0


def test_import_dashboard_pulls_in_neither_streamlit_nor_folium():
    code = ("import sys, dashboard; a = dashboard.load_atlas(sys.argv[1]); dashboard.state_on(a, '2020-11-12'); "
            "dashboard.point_query(a, '2020-11-12', 39.5, 46.5); "
            "print(sorted(m for m in ('streamlit', 'folium', 'matplotlib') if m in sys.modules))")
    light = subprocess.run([sys.executable, "-c", "import sys, dashboard; print('geopandas' in sys.modules)"],
                           capture_output=True, text=True, check=True)
    assert light.stdout.strip() == "False"  # the API is imported on first use
    used = subprocess.run([sys.executable, "-c", code, str(Path(__file__).resolve().parent.parent)],
                          capture_output=True, text=True, check=True)
    assert used.stdout.strip() == "[]"


def test_state_on_is_the_map_state_without_internal_columns(atlas):
    state = dashboard.state_on(atlas, datetime.date(2020, 11, 12))
    assert set(state["control_zones"]["id"]) == {"z-west-az", "z-east-az"}
    assert set(state["peacekeeper_posts"]["id"]) == {"p1"}
    assert list(state["events"]["event_id"]) == ["e1", "e3"]
    assert not any(c.startswith("_") for frame in state.values() for c in frame.columns)
    state["control_zones"].loc[:, "controller"] = "changed"  # a copy: the atlas is untouched
    assert set(dashboard.state_on(atlas, "2020-11-12")["control_zones"]["controller"]) == {"AZ"}


def test_point_query_is_the_at_commands_answer(atlas):
    assert dashboard.point_query(atlas, datetime.date(2020, 11, 12), 39.5, 46.5) == \
        core_point_query(atlas, "2020-11-12", 39.5, 46.5)


@pytest.mark.parametrize("day", ["2020-02-30", "12/11/2020", 20201112])
def test_a_day_that_is_not_a_date_is_refused(atlas, day):
    with pytest.raises(ValueError):
        dashboard.state_on(atlas, day)


def test_unknown_names_still_raise():
    with pytest.raises(AttributeError):
        dashboard.compare_dates  # noqa: B018  (no such name: the API is the names in dashboard.__all__)
