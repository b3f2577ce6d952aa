"""The bench's own pieces: the one percentile definition, the map component's arguments caught, and the browser
harness found in a checkout (or a clear refusal outside one)."""

import pytest

from dashboard import bench, bench_browser
from dashboard.bench_stats import METHOD, percentiles


@pytest.mark.parametrize(
    ("values", "digits", "expected"),
    [
        ([7.0], 2, {"p50": 7.0, "p95": 7.0, "n": 1}),
        ([1, 2, 3, 4], 2, {"p50": 2.5, "p95": 3.85, "n": 4}),  # nearest-rank would say 2 and 4
        ([4, 1, 3, 2], 2, {"p50": 2.5, "p95": 3.85, "n": 4}),  # order does not matter
        (list(range(1, 101)), 2, {"p50": 50.5, "p95": 95.05, "n": 100}),
        ([10, 20, 30, 41], 0, {"p50": 25, "p95": 39, "n": 4}),  # 30 + 0.85 * 11 = 39.35, in whole ms
    ],
)
def test_percentiles_interpolate_linearly_between_closest_ranks(values, digits, expected):
    assert percentiles(values, digits) == expected
    assert all(type(percentiles(values, digits)[k]) is type(expected[k]) for k in expected)


def test_percentiles_of_nothing_is_an_error():
    with pytest.raises(ValueError, match="no values"):
        percentiles([])


def test_the_bench_names_its_percentile_definition(atlas, monkeypatch):
    monkeypatch.setattr(bench, "scrub", lambda atlas, days: ([1.0, 2.0], [3.0, 4.0]))
    monkeypatch.setattr(bench, "_exports", lambda atlas, progress: {})
    out = bench.run(atlas.data_dir, events=0, every=1, browser=False, progress=lambda msg: None)
    assert out["percentiles"] == METHOD
    assert out["scrub_step_ms"] == percentiles([1.0, 2.0])


def test_scrub_catches_the_map_components_arguments(atlas):
    times, sizes = bench.scrub(atlas, ["2020-11-09", "2020-11-10"])
    assert len(times) == len(sizes) == 2 and all(t > 0 for t in times)
    assert all(0 < size < 1 for size in sizes)  # KB of the map's per-run arguments: the browser holds the map


def test_component_calls_lets_other_components_through():
    from streamlit.components.v1.custom_component import CustomComponent

    real = CustomComponent.__call__
    with bench.component_calls("not.this.one") as sent:
        assert CustomComponent.__call__ is not real
    assert sent == [] and CustomComponent.__call__ is real  # put back on the way out


def test_the_browser_bench_uses_the_tests_harness():
    from tests import browser_harness

    assert bench_browser.harness() is browser_harness  # one module, whoever imports it first


def test_outside_a_checkout_the_browser_bench_says_why(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bench_browser, "HARNESS", tmp_path / "tests" / "browser_harness.py")
    monkeypatch.setattr(bench_browser, "REPO", tmp_path)
    bench_browser.harness.cache_clear()
    try:
        assert bench.main(["--browser", "--events", "0"]) == 2
        assert bench_browser.main([]) == 2
    finally:
        bench_browser.harness.cache_clear()
    err = capsys.readouterr().err
    assert "needs the tests' browser harness" in err and "source checkout" in err
    assert err.count("bench") >= 2
