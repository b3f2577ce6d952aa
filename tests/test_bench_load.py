"""The load bench's behaviour checks, on the tiny atlas: sessions scrubbing one server each end on their own date.

The 20-session run itself is ``python -m dashboard bench --load`` (CI runs it): here two sessions run the same
code in a few seconds, and a session that does not reach its date is shown to be reported.
"""

from dashboard import bench_load
from tests.test_browser import pytestmark  # noqa: F401  (browser marker, skipped without Chromium)


def test_two_sessions_scrubbing_one_server_each_end_on_their_own_date(browser, server):
    result = bench_load.run_sessions(browser, server, sessions=2, scrub_seconds=120, max_presses=3)
    assert result["errors"] == []
    assert result["presses_per_session"] == [3, 3]  # pressed in turn, then each showed 2020-10-04
    rss = result["server_rss_mb"]
    assert 0 < rss["idle"] <= rss["one_session"]


def test_a_session_that_does_not_reach_its_date_is_an_error(browser, server, monkeypatch):
    monkeypatch.setattr(bench_load, "SETTLE_MS", 1_000)
    errors: list[str] = []
    sessions, _ = bench_load._open(browser, server, 1, errors, [])
    try:
        sessions[0]["presses"] = 1  # counted, never pressed: the map stays on the start date
        bench_load._settle(sessions, errors)
    finally:
        sessions[0]["context"].close()
    assert errors == [f"session 0: shows {bench_load.START}, not 2020-10-02 after 1 presses (TimeoutError)"]

