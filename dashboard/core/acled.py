"""ACLED exports -> events in the atlas schema, row by row, with a reason for every row that cannot be taken.

ACLED rows name their sources in free text (no URLs). An imported event's provenance is "ACLED, event
<event_id_cnty>, citing: <source>", linked to ACLED's data export page rather than to an invented URL.

Exports as users bring them are read as they are: headers in any case (``eventfile`` lowers them), dates as
spreadsheets re-save them (``eventdates``: one decision for the whole file), the event types of exports
before 2019, numbers re-saved as ``3.0``, R's ``NA`` for an empty cell, and monadic exports (one row per
actor, the event id repeated), whose rows are merged into one event.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .csvfile import CsvRows, Row
from .eventdates import date_order
from .eventschema import ATLAS_INDEX, atlas_row

ACLED_REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "location")
ACLED_DATA_PAGE = "https://acleddata.com/data-export-tool/"
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
    # the event types of ACLED exports before 2019 (no sub-event types then)
    "battle-no change of territory": "clash",
    "battle-government regains territory": "capture",
    "battle-non-state actor overtakes territory": "capture",
    "remote violence": "strike",
    "riots/protests": "protest",
    "strategic development": "other",
    "non-violent transfer of territory": "handover",
    "headquarters or base established": "deployment",
}
EPOCH = date(1970, 1, 1)
CHANGED_NOTE = "published: the day ACLED last changed this row (its timestamp)"  # one string for every event
NA_VALUES = frozenset({"na", "n/a", "#n/a", "nan", "null", "none"})
NA_SPELLINGS = frozenset(v for na in NA_VALUES for v in (na, na.upper(), na.title(), na.capitalize())) | {"NaN"}
ID_SAFE = re.compile(r"[^A-Za-z0-9._:-]+")
_WHOLE = re.compile(r"^(\d+)(?:\.0+)?$")
# Fields that must agree between the rows of one event in a monadic export.
SAME_EVENT = ("event_date", "latitude", "longitude", "location")


def is_acled(header: list[str]) -> bool:
    """Whether a (lower-cased) CSV header is an ACLED export's."""
    return "event_id_cnty" in header and "event_date" in header


def text(raw: Row, name: str) -> str:
    """A text cell, with R's and spreadsheets' spellings of "empty" read as empty."""
    value = (raw.get(name) or "").strip()
    return "" if value.lower() in NA_VALUES else value


def whole(value: str) -> str:
    """``3`` for ``3`` or ``3.0`` (a number re-saved by pandas or a spreadsheet); anything else unchanged."""
    if value.isdigit():
        return value
    m = _WHOLE.match(value.strip())
    return m.group(1) if m else value.strip()


def parse_acled_date(value: str) -> str | None:
    """ISO date of an ACLED ``event_date`` in an unambiguous form, else None (kept for callers)."""
    from .eventdates import parse_unambiguous

    return parse_unambiguous(value)


def _cleaned(header: list[str], raw: Row) -> dict[str, str]:
    """One row's cells by column, stripped, with R's and spreadsheets' spellings of "empty" as empty."""
    # a short row lacks its last cells: read every cell with .get(name, "")
    return {k: "" if (s := v.strip()) in NA_SPELLINGS else s for k, v in zip(header, raw.values, strict=False)}


def _published(stamp: str, day: str) -> tuple[str, str]:
    """When ACLED last changed the row (its ``timestamp``), and a note; the event's date, said so, if absent."""
    stamp = whole(stamp)
    if stamp.isdigit():
        changed = (EPOCH + timedelta(days=int(stamp) // 86_400)).isoformat()  # UTC day of a Unix time
        return changed, CHANGED_NOTE
    return day, "the export has no timestamp: 'published' is the event's date, not ACLED's"


def _groups(table: CsvRows) -> dict[str, list[int]]:
    """Row positions per ACLED event id, for the ids that repeat (monadic exports)."""
    first: dict[str, int] = {}
    repeats: dict[str, list[int]] = {}
    pos = table.header.index("event_id_cnty")
    for i, (_, raw) in enumerate(table.rows):
        if raw.invalid or pos >= len(raw.values):
            continue
        key = raw.values[pos].strip()
        if key in first:
            repeats.setdefault(key, [first[key]]).append(i)
        elif key:
            first[key] = i
    return repeats


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _actors(header, table: CsvRows, group, r: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The event's actors and associated actors: its own row's, or every row's of a monadic event."""
    if group:
        members = [_cleaned(header, table.rows[j][1]) for j in group]
        actors = _unique(m.get(f, "") for m in members for f in ("actor1", "actor2"))
        assoc = _unique(a.strip() for m in members for f in ("assoc_actor_1", "assoc_actor_2") if m.get(f)
                        for a in m[f].split(";"))
        return actors, assoc
    actors = _unique((r.get("actor1", ""), r.get("actor2", "")))  # one row, the usual case: no merging to do
    if not (r.get("assoc_actor_1") or r.get("assoc_actor_2")):
        return actors, ()
    return actors, _unique(a.strip() for f in ("assoc_actor_1", "assoc_actor_2") for a in r.get(f, "").split(";"))


def convert(table: CsvRows) -> tuple[CsvRows, dict[str, dict], list[tuple[int, str, str]]]:
    """ACLED rows as atlas-schema rows (same physical lines), one generated source per event, and problems.

    Rows that cannot be converted keep their line with the reason; the atlas validation then checks the rest.
    A file-wide reason (dates that cannot be read one way) is one problem, on the header line.
    """
    problems: list[tuple[int, str, str]] = []
    missing = [c for c in ACLED_REQUIRED if c not in table.header]
    if missing:
        return CsvRows([], [], table.problems), {}, [(1, c, "required ACLED column is missing") for c in missing]
    order = date_order(((line, raw.get("event_date") or "") for line, raw in table.rows if not raw.invalid),
                       "event_date")
    notes = list(table.notes) + ([order.note] if order.note else [])
    if order.refusal:
        rows = [(line, Row(ATLAS_INDEX, [], "acled")) for line, _ in table.rows]
        return CsvRows([], rows, table.problems, notes), {}, [(1, "event_date", order.refusal)]
    repeats = _groups(table)
    header = table.header
    shared: dict[str, str] = {}  # outlets and days repeat: one string each, not one per event
    merged = 0
    rows, sources = [], {}
    for i, (line, raw) in enumerate(table.rows):
        if raw.invalid:
            rows.append((line, raw))
            continue
        r = _cleaned(header, raw)
        acled_id = r.get("event_id_cnty", "")
        group = repeats.get(acled_id)
        if group is None:
            table.rows[i] = None  # read once: released (the caller's table is consumed)
        elif group[0] != i:  # a later row of a monadic event: merged into the first
            first_line, base = table.rows[group[0]]
            base = _cleaned(header, base)
            differ = [f for f in SAME_EVENT if r.get(f, "") != base.get(f, "")]
            if differ:
                problems.append((line, differ[0], f"event {acled_id} repeats line {first_line} with "
                                                  f"another {differ[0]} ({r.get(differ[0], '')!r})"))
            else:
                merged += 1
            rows.append((line, Row(ATLAS_INDEX, [], "merged" if not differ else "acled")))
            continue
        before = len(problems)
        day = order.parse(r.get("event_date", ""))
        if not day:
            problems.append((line, "event_date", f"{r.get('event_date', '')!r} is not a date ACLED exports use "
                                                 "(YYYY-MM-DD or '16 February 2023')"))
        sub, kind = r.get("sub_event_type", ""), r.get("event_type", "")
        event_type = SUB_EVENT_TYPES.get(sub.lower()) or EVENT_TYPES.get(kind.lower())
        if event_type is None:
            problems.append((line, "sub_event_type", f"unknown ACLED type {sub!r} / {kind!r}"))
        time_precision, geo_precision = whole(r.get("time_precision", "")), whole(r.get("geo_precision", ""))
        for name, value in (("time_precision", time_precision), ("geo_precision", geo_precision)):
            if not value:
                problems.append((line, name, "missing value (1, 2 or 3): the atlas does not guess a precision"))
            elif value not in TIME_PRECISION:
                problems.append((line, name, f"{value!r} is not 1, 2 or 3"))
        if len(problems) > before:  # this row had a problem (counting, not searching: linear in the file)
            rows.append((line, Row(ATLAS_INDEX, [], "acled")))
            continue
        actors, assoc = _actors(header, table, group, r)
        safe_id = ID_SAFE.sub("-", acled_id)
        source_id = "acled-" + safe_id.lower().replace(".", "-").replace(":", "-").replace("_", "-")
        cited = " ".join(r.get("source", "").split()) or "no source named"
        published, note = _published(r.get("timestamp", ""), day)
        outlet = f"ACLED (citing: {cited})"
        sources[source_id] = {"source_id": source_id, "outlet": shared.setdefault(outlet, outlet),
                              "title": f"ACLED event {acled_id}", "published": shared.setdefault(published, published),
                              "url": ACLED_DATA_PAGE, "note": note, "source_kind": "dataset"}
        fatalities = whole(r.get("fatalities", ""))
        tags = r.get("tags", "")
        rows.append((line, atlas_row({
            "event_id": f"acled-{safe_id}" if safe_id else "", "date": day,
            "date_precision": TIME_PRECISION[time_precision], "event_type": event_type,
            "location": r.get("location"), "lat": raw.get("latitude") or "", "lon": raw.get("longitude") or "",
            "geo_precision": GEO_PRECISION[geo_precision], "claim_status": "claimed",
            "actor1": actors[0] if actors else "", "actor2": "; ".join(actors[1:]),
            "summary": r.get("notes") or f"{kind}: {sub}",
            "fatalities": fatalities, "fatalities_note": "ACLED estimate" if fatalities else "",
            "tags": ";".join(t.strip() for t in tags.split(";") if t.strip()) if tags else "",
            "source_ids": source_id, "sub_event_type": sub, "source_event_type": kind,
            "assoc_actors": "; ".join(assoc), "country": r.get("country"), "admin1": r.get("admin1"),
            "admin2": r.get("admin2"), "admin3": r.get("admin3"), "civilian_targeting": r.get("civilian_targeting"),
            "source_scale": r.get("source_scale"),
        })))
    if merged:
        notes.append(f"{merged:,} rows repeat an event of another actor (a monadic export): merged into their "
                     "events, actors kept")
    return CsvRows(list(ATLAS_INDEX), rows, table.problems, notes), sources, problems
