"""Karabakh Conflict Atlas: an interactive, sourced map of the Nagorno-Karabakh conflict, 1994-2024.

``import dashboard`` stays light: the Python API (``load_atlas``, ``state_on``, ``point_query``, ``diff``; docs/API.md)
is imported on first use, and never pulls in streamlit or folium.
"""

__version__ = "0.1.0"

_API = ("Atlas", "LAYER_NAMES", "diff", "load_atlas", "point_query", "state_on")
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'dashboard' has no attribute {name!r}")
