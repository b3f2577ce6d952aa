"""The browser benchmark's access to the tests' harness, and its figures on their own.

    .venv/bin/python -m dashboard.bench_browser [--data DIR]

Prints ``bench_time.app_figures``: key press on the map's date slider to the next frame, drag and play rates,
the app's panels following the date (see ``python -m dashboard bench``).

The app server, Chromium and the waits come from the tests' harness, ``tests/browser_harness.py``: the
browser bench runs from a source checkout (the shipped package has no tests).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import logging
import sys
from pathlib import Path

from .bench_stats import METHOD

REPO = Path(__file__).resolve().parent.parent
HARNESS = REPO / "tests" / "browser_harness.py"


class BrowserBenchUnavailable(RuntimeError):
    """The browser bench cannot run here (not a source checkout, or Playwright is not installed)."""


def quiet_bare_mode() -> None:
    """Silence streamlit's "missing ScriptRunContext" warning: the bench uses the app's modules outside an app run."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())


@functools.cache
def harness():
    """``tests/browser_harness.py`` of this checkout, imported under the name the tests use."""
    if not HARNESS.is_file():
        raise BrowserBenchUnavailable(
            f"the browser bench needs the tests' browser harness, {HARNESS.relative_to(REPO)}, from a source "
            f"checkout of the atlas (none under {REPO}: an installed package ships no tests). Run it from a "
            "clone: git clone <the atlas repository> && cd <clone> && make bench")
    if importlib.util.find_spec("playwright") is None:
        raise BrowserBenchUnavailable("the browser bench needs Playwright, a development requirement: "
                                      "make .venv/.dev (or pip install -r requirements-dev.txt)")
    if str(REPO) not in sys.path:  # run from elsewhere: find tests/ as pytest does, from the checkout's root
        sys.path.insert(0, str(REPO))
    quiet_bare_mode()  # the harness names the map's iframe after the app's component, declared on import
    module = importlib.import_module("tests.browser_harness")
    if Path(module.__file__).resolve() != HARNESS:
        raise BrowserBenchUnavailable(f"'tests.browser_harness' resolves to {module.__file__}, not to {HARNESS}")
    return module


def main(argv: list[str] | None = None) -> int:
    """The browser figures alone (``bench_time.app_figures``): the map's step, drag and play, panel sync."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="atlas folder (default: the repository's)")
    args = parser.parse_args(argv)
    try:
        harness()
    except BrowserBenchUnavailable as exc:
        print(f"bench_browser: {exc}", file=sys.stderr)
        return 2
    from . import bench_time

    result = bench_time.app_figures(args.data, lambda msg: print(msg, file=sys.stderr))
    for key, value in result.items():
        print(f"{key}: {value}")
    print(f"p50/p95: {METHOD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
