"""In the browser: text a visitor controls (link parameters, an upload's file name) is shown as plain text.

Uses the app server and browser of test_browser (tiny atlas, every non-local request blocked, no sleeps).
"""

from dashboard.ui import labels as L
from tests.conftest import EVENTS
from tests.test_browser import pytestmark  # noqa: F401  (browser marker, skipped without Chromium)

HOSTILE_KEY = "![x](https://evil.invalid/t.png) [**Sign in again**](https://evil.invalid/login)"
EVIL_MARKUP = 'a[href*="evil"], img[src*="evil"], .atlas-notice strong, .atlas-notice a'


def test_a_hostile_permalink_shows_only_plain_text(open_app):
    page, frame, blocked, errors = open_app(f"?date=2020-11-10&{HOSTILE_KEY}=1")
    alert = page.locator('.atlas-notice').filter(has_text=L.NOTICE_PREFIX)
    alert.wait_for()
    assert alert.inner_text().strip() == f"{L.NOTICE_PREFIX}: unknown parameter {HOSTILE_KEY!r} ignored"
    assert page.locator(EVIL_MARKUP).count() == 0  # no link, no image, no bold: text
    assert not [u for u in blocked if "evil" in u]  # the remote image was never even requested
    assert errors == []


def test_an_uploads_file_name_is_plain_text_with_bidi_controls_shown(open_app):
    page, frame, blocked, errors = open_app("?date=2020-11-16&window=all")
    columns = ["event_id", "date", "date_precision", "event_type", "location", "lat", "lon", "geo_precision",
               "claim_status", "summary", "source_ids", "fatalities"]
    rows = [dict(EVENTS[0], event_id="mine1", fatalities="3")]
    text = ",".join(columns) + "\n" + "".join(",".join(r.get(c, "") for c in columns) + "\n" for r in rows)
    name = "[Sign in](evil.invalid) **now** \u202etxt.csv"
    page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    status = page.locator(".atlas-notice").filter(has_text="on the map")
    status.wait_for()
    assert status.inner_text().strip() == ("[Sign in](evil.invalid) **now** [U+202E]txt.csv (atlas-schema CSV): "
                                           "1 event on the map, 0 rows rejected.")
    assert page.locator(EVIL_MARKUP).count() == 0
    # Streamlit's own cap is the documented 50 MB (.streamlit/config.toml), shown under the uploader
    page.get_by_text("50MB per file").first.wait_for()
    assert errors == [] and blocked == []
