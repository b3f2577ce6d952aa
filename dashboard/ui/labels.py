"""Widget keys and labels, declared once: the app builds its widgets from these and the tests find them here."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.view import LAYER_TITLES


@dataclass(frozen=True)
class Widget:
    key: str
    label: str
    help: str | None = None
    shortcut: str | None = None


# Date controls (inside the map fragment). The slider, change buttons and play are the map's own
# (dashboard/map/static/atlas/control.js); ``DAY`` is the session key of the date they report.
DAY = Widget("day", "Date", "Arrow keys move one day, Page Up / Page Down a month, Home / End go to the ends.")
KEY_DATE = Widget("key_date", "Jump to a key date", "Ceasefires, captures, handovers, blockade, offensive, withdrawal.")

# Sidebar.
LAYERS = {key: Widget(f"layer_{key}", title) for key, title in LAYER_TITLES.items()}
WINDOW_MODE = Widget("window_mode", "Events shown", "Which events the map shows on the chosen date.")
WINDOW_DAYS = Widget("window_days", "Number of days")
WINDOW_SINCE = Widget("window_since", "Since")
EVENT_TYPES = Widget("event_types", "Event types", "Leave empty for all types.")
ACTORS = Widget("actors", "Actors", "Events with any of these as actor 1 or actor 2; empty for all.")
CLAIMS = Widget("claims", "Claim status", "Leave empty for all.")
SOURCING = Widget("sourcing", "Sources", "A party's own sources: official statements or media of Azerbaijan, Armenia "
                  "or the Nagorno-Karabakh authorities (each source's kind is in its popup).")
FIELD_FILTERS = {
    "sub_event_types": Widget("sub_event_types", "Sub-event types (source data)",
                              "ACLED's sub-event type of imported events. Once you choose, events without one "
                              "(most of the atlas's own) are left out."),
    "countries": Widget("countries", "Countries (source data)",
                        "The country an imported event's file gives. Once you choose, events without one are "
                        "left out."),
    "admin_areas": Widget("admin_areas", "Admin areas (source data)",
                          "Events whose admin1, admin2 or admin3 (as an ACLED or UCDP file gives it) is any of these. "
                          "Once you choose, events without one are left out."),
}
"""The source-data filters (``core.vocab.FIELD_FILTERS``), shown only when loaded events carry the field."""
SOURCINGS = {"all": "All events"}
"""The source filter's options: "all" here, the others from ``core.view.SOURCINGS``."""
NAMES = Widget("names", "Place names", "How places with an Azerbaijani and an Armenian name are labelled.")
BASEMAP = Widget("basemap", "Basemap", "Tiles are fetched from the internet; with none the map works offline.")
PLACE = Widget("place", "Find a place", "Type an Azerbaijani, Armenian or Russian name; the map flies there.")

MAP = "map"
"""The map component's key (its value: the clicked feature, the view and the date)."""
FRAGMENT = "mapview"
"""The key of the fragment holding the date controls, the map and the date-dependent panels."""

WINDOW_MODES = {"last": "Last N days", "since": "Since a date", "all": "All up to the date"}

TITLE = "Karabakh Conflict Atlas"
SELECTED_HEADER = "Selected feature"
SELECTED_EMPTY = "Click a zone, road, post, incident, event or place on the map to see its sources here."
CHANGES_HEADER = "What changed"
CHART_EVENTS = "Events per week"
CHART_AREA = "Area held by each side"
NOTICE_PREFIX = "Some link parameters were ignored"

# Export and upload (sidebar).
EXPORT_HEADER = "Export this view"
EXPORT_FORMAT = Widget("export_format", "Format", "Every export shows this date, these layers, window and filters; "
                       "the whole dataset is every table of the atlas (see README).")
EXPORT_PREPARE = Widget("export_prepare", "Prepare file", "PNG and zip take a second or two; progress is shown.")
EXPORT_DOWNLOAD = Widget("export_download", "Download")
UPLOAD_HEADER = "Your events"
UPLOAD_EVENTS = Widget("upload_events", "Events file (CSV or .xlsx: atlas, ACLED or UCDP GED)",
                       "Validated row by row like the atlas's own; rejected rows are listed with their reasons.")
UPLOAD_SOURCES = Widget("upload_sources", "Its sources.csv (optional)",
                        "For a CSV in the atlas schema whose source_ids are not the atlas's own.")
UPLOAD_PROBLEMS = Widget("upload_problems", "Download the rejected rows (CSV)")
