"""In the browser: upload your own events (an ACLED export), see them on the map and the rejected rows; export.

Uses the app server and browser of test_browser (tiny atlas, every non-local request blocked, no sleeps).
"""

import io
import json
import zipfile

from tests.test_acled import BAD_DATE, GOOD, LONG_DATE, acled_csv
from tests.test_browser import pytestmark  # noqa: F401  (browser marker, skipped without Chromium)

FEATURE_IDS = "() => { const ids = []; window.map.eachLayer(l => { if (l.feature) ids.push(l.feature.id); });" \
              " return ids; }"


def test_upload_acled_export_shows_its_layer_and_rejected_rows(open_app, tmp_path):
    page, frame, blocked, errors = open_app("?date=2023-09-20&window=last-365")
    export_file = tmp_path / "acled.csv"
    export_file.write_text(acled_csv(GOOD, LONG_DATE, BAD_DATE), encoding="utf-8")
    page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(str(export_file))
    page.get_by_text("2 events on the map, 1 row rejected").wait_for()
    # the rejected row with its reason, in the (canvas-drawn) table's accessible cells
    page.get_by_text("is not a date ACLED exports use").first.wait_for(state="attached")
    frame.wait_for_function(FEATURE_IDS.replace("return ids;", "return ids.includes('user_events:acled-AZE1001');"))
    assert errors == [] and blocked == []


def test_export_cite_this_view_zip_from_the_app(open_app):
    page, frame, blocked, errors = open_app("?date=2020-11-15&window=all")
    sidebar = page.locator('[data-testid="stSidebar"]')
    choose = sidebar.get_by_role("combobox", name="Format")
    choose.click()
    choose.fill("Cite")  # keyboard: type to filter the options, Enter to pick
    page.get_by_role("option", name="Cite this view").wait_for()
    choose.press("Enter")
    sidebar.get_by_role("button", name="Prepare file").click()
    button = sidebar.get_by_role("button", name="Download")
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    data = open(info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["README.md", "events.csv", "map.png", "sources.csv", "view.geojson"]
        assert json.loads(zf.read("view.geojson"))["properties"]["date"] == "2020-11-15"
        assert "the situation on 2020-11-15" in zf.read("README.md").decode()
    assert errors == [] and blocked == []
