""".streamlit/config.toml: what a plain `streamlit run dashboard/app.py` (and Streamlit Community Cloud) reads."""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_config_bounds_uploads():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == 50  # MB, the documented upload limit
    assert config["browser"]["gatherUsageStats"] is False


def test_the_map_files_sit_in_the_component_folder():
    # The map component serves its own folder (no --server.enableStaticServing needed).
    assert (REPO / "dashboard" / "map" / "static" / "vendor" / "leaflet" / "1.9.3" / "leaflet.js").is_file()
    assert (REPO / "dashboard" / "map" / "static" / "index.html").is_file()
