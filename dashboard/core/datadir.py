"""Where the bundled data is: the package's copy when installed from a wheel, else the checkout's own.

Its own module so that commands which load no atlas (``import-acled``) find the data without importing
geopandas and pandas (~0.6 s and ~100 MB).
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGED_DATA = Path(__file__).resolve().parents[1] / "data"


def default_data_dir() -> Path:
    """The bundled data: the package's copy when installed from a wheel, else the checkout's own."""
    if (PACKAGED_DATA / "events.csv").exists():
        return PACKAGED_DATA
    return REPO_ROOT
