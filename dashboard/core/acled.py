"""ACLED exports -> events in the atlas schema, row by row, with a reason for every row that cannot be taken.

ACLED rows name their sources in free text (no URLs). An imported event's provenance is "ACLED, event
<event_id_cnty>, citing: <source>", linked to ACLED's data export page rather than to an invented URL.
"""

from __future__ import annotations

import re
from datetime import datetime

from .csvfile import CsvRows, Row, header_index

ACLED_REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "location")
ACLED_DATA_PAGE = "https://acleddata.com/data-export-tool/"
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "settlement", "2": "district", "3": "region"}
# sub_event_type (lower case) -> atlas event_type; event_type is the fallback below.
SUB_EVENT_TYPES = {
    "armed clash": "clash",
    "shelling/artillery/missile attack": "shelling",
    "air/drone strike": "strike",
    "grenade": "strike",
    "suicide bomb": "strike",
    "remote explosive/landmine/ied": "incident",
    "government regains territory": "capture",
    "non-state actor overtakes territory": "capture",
    "non-violent transfer of territory": "handover",
    "headquarters or base established": "deployment",
    "agreement": "diplomatic",
    "peaceful protest": "protest",
    "protest with intervention": "protest",
    "excessive force against protesters": "protest",
    "violent demonstration": "protest",
    "mob violence": "protest",
    "arrests": "incident",
    "attack": "incident",
    "abduction/forced disappearance": "incident",
    "sexual violence": "incident",
    "looting/property destruction": "incident",
    "disrupted weapons use": "incident",
    "change to group/activity": "other",
    "other": "other",
}
EVENT_TYPES = {
    "battles": "clash",
    "explosions/remote violence": "strike",
    "violence against civilians": "incident",
    "protests": "protest",
    "riots": "protest",
    "strategic developments": "other",
}
ID_SAFE = re.compile(r"[^A-Za-z0-9._:-]+")
ATLAS_HEADER = ["event_id", "date", "date_precision", "event_type", "location", "lat", "lon", "geo_precision",
                "claim_status", "actor1", "actor2", "summary", "fatalities", "fatalities_note", "tags", "source_ids"]
ATLAS_INDEX = header_index(ATLAS_HEADER)


def is_acled(header: list[str]) -> bool:
    """Whether a CSV header is an ACLED export's."""
    return "event_id_cnty" in header and "event_date" in header


def parse_acled_date(value: str) -> str | None:
    """ISO date of an ACLED ``event_date`` in one of the documented forms, else None."""
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _event_type(raw: dict) -> str | None:
    sub = (raw.get("sub_event_type") or "").strip().lower()
    if sub in SUB_EVENT_TYPES:
        return SUB_EVENT_TYPES[sub]
    return EVENT_TYPES.get((raw.get("event_type") or "").strip().lower())


def convert(table: CsvRows) -> tuple[CsvRows, dict[str, dict], list[tuple[int, str, str]]]:
    """ACLED rows as atlas-schema rows (same physical lines), one generated source per event, and problems.

    Rows that cannot be converted keep their line with the reason; the atlas validation then checks the rest.
    """
    problems: list[tuple[int, str, str]] = []
    missing = [c for c in ACLED_REQUIRED if c not in table.header]
    if missing:
        return CsvRows([], [], table.problems), {}, [(1, c, "required ACLED column is missing") for c in missing]
    rows, sources = [], {}
    for line, raw in table.rows:
        if raw.invalid:
            rows.append((line, raw))
            continue
        before = len(problems)
        acled_id = (raw.get("event_id_cnty") or "").strip()
        day = parse_acled_date(raw.get("event_date") or "")
        if not day:
            problems.append((line, "event_date", f"{raw.get('event_date')!r} is not a date ACLED exports use "
                                                 "(YYYY-MM-DD or '16 February 2023')"))
        event_type = _event_type(raw)
        if event_type is None:
            problems.append((line, "sub_event_type", f"unknown ACLED type {raw.get('sub_event_type') or ''!r} / "
                                                     f"{raw.get('event_type') or ''!r}"))
        time_precision = (raw.get("time_precision") or "1").strip()
        geo_precision = (raw.get("geo_precision") or "").strip()
        if time_precision not in TIME_PRECISION:
            problems.append((line, "time_precision", f"{time_precision!r} is not 1, 2 or 3"))
        if geo_precision and geo_precision not in GEO_PRECISION:
            problems.append((line, "geo_precision", f"{geo_precision!r} is not 1, 2 or 3"))
        if len(problems) > before:  # this row had a problem (counting, not searching: linear in the file)
            rows.append((line, Row(ATLAS_INDEX, [], "acled")))
            continue
        safe_id = ID_SAFE.sub("-", acled_id)
        source_id = "acled-" + safe_id.lower().replace(".", "-").replace(":", "-").replace("_", "-")
        cited = " ".join((raw.get("source") or "").split()) or "no source named"
        stamp = (raw.get("timestamp") or "").strip()
        sources[source_id] = {
            "source_id": source_id, "outlet": f"ACLED (citing: {cited})",
            "title": f"ACLED event {acled_id}", "published": day, "url": ACLED_DATA_PAGE, "source_kind": "dataset",
            "note": f"ACLED row last changed at timestamp {stamp}" if stamp else "",
        }
        record = {
            "event_id": f"acled-{safe_id}" if safe_id else "", "date": day,
            "date_precision": TIME_PRECISION[time_precision], "event_type": event_type,
            "location": raw.get("location") or "", "lat": raw.get("latitude") or "",
            "lon": raw.get("longitude") or "", "geo_precision": GEO_PRECISION.get(geo_precision, "settlement"),
            "claim_status": "claimed", "actor1": raw.get("actor1") or "", "actor2": raw.get("actor2") or "",
            "summary": raw.get("notes") or f"{raw.get('event_type') or ''}: {raw.get('sub_event_type') or ''}",
            "fatalities": (raw.get("fatalities") or "").strip(),
            "fatalities_note": "ACLED estimate" if (raw.get("fatalities") or "").strip() else "",
            "tags": ";".join(t.strip() for t in (raw.get("tags") or "").split(";") if t.strip()),
            "source_ids": source_id,
        }
        rows.append((line, Row(ATLAS_INDEX, [record[c] for c in ATLAS_HEADER])))
    return CsvRows(list(ATLAS_HEADER), rows, table.problems), sources, problems
