""".streamlit/config.toml: what a plain `streamlit run dashboard/app.py` (and Streamlit Community Cloud) reads."""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_config_serves_the_vendored_assets_and_bounds_uploads():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True  # dashboard/static at /app/static: offline map
    assert config["server"]["maxUploadSize"] == 50  # MB, the documented upload limit
    assert config["browser"]["gatherUsageStats"] is False


def test_static_files_sit_where_streamlit_serves_them():
    # Streamlit serves the folder `static` next to the main script; the app points Leaflet there.
    assert (REPO / "dashboard" / "static" / "vendor" / "leaflet" / "1.9.3" / "leaflet.js").is_file()
