"""The dashboard: ``streamlit run dashboard/app.py`` (``make run``).

Data: the repository's own atlas, or the folder named by ``--data DIR`` after ``--`` on the command line
(``streamlit run dashboard/app.py -- --data DIR``) or by the ``KARABAKH_ATLAS_DATA`` environment variable.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

try:  # `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root
    import dashboard  # noqa: F401  (installed by `pip install -e .`, as `make` does)
except ModuleNotFoundError:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard.core import changes
from dashboard.core.atlas import default_data_dir, load_atlas
from dashboard.ui import compare, mapview, panels, phone, sidebar
from dashboard.ui import labels as L
from dashboard.ui import notices as plain
from dashboard.ui import state as S

DATA_ENV = "KARABAKH_ATLAS_DATA"


def data_dir() -> Path:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data", type=Path)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return (args.data or Path(os.environ.get(DATA_ENV) or default_data_dir())).resolve()


@st.cache_resource(show_spinner="Loading the atlas…")
def atlas_for(path: str):
    return load_atlas(Path(path))


def main() -> None:
    st.set_page_config(page_title=L.TITLE, page_icon="🗺️", layout="wide", initial_sidebar_state="auto")
    st.markdown(panels.PANEL_CSS + phone.CSS, unsafe_allow_html=True)
    atlas = atlas_for(str(data_dir()))
    S.restore(atlas)
    compare.restore(atlas)

    st.title(L.TITLE)
    first, last = changes.day_range(atlas)
    st.caption(f"{first} to {last}: control zones, the Lachin corridor, peacekeeper posts, "
               "border incidents and events, each with its sources. Scrub the date; click anything on the map.")
    notices = st.session_state.pop(S.NOTICES, None)
    if notices:  # they quote the link's keys and values: plain text, never Markdown
        plain.warning(f"{L.NOTICE_PREFIX}: " + "; ".join(notices))
    if atlas.events.empty and all(layer.empty for layer in atlas.layers.values()):
        plain.info(f"No data in {atlas.data_dir}: run python -m dashboard build, or pass -- --data DIR.")

    sidebar.render(atlas)
    if compare.toggle(atlas):  # compare mode replaces the single-date map
        st.markdown(compare.COMPARE_CSS, unsafe_allow_html=True)
        compare.render(atlas)
        return
    st.fragment(mapview.fragment, key=L.FRAGMENT)(atlas)


main()
