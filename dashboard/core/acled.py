"""ACLED exports -> events in the atlas schema, with a reason for every row that cannot be taken.

ACLED rows name their sources in free text (no URLs). An imported event's provenance is "ACLED, event
<event_id_cnty>, citing: <source>", linked to ACLED's data export page rather than to an invented URL.

Exports as users bring them are read as they are: headers in any case (``eventfile`` lowers them), dates as
spreadsheets re-save them (``eventdates``: one decision for the whole file), the event types of exports
before 2019, numbers re-saved as ``3.0``, R's ``NA`` for an empty cell, and monadic exports (one row per
actor, the event id repeated), whose rows are merged into one event.

The work is done column by column (numpy object arrays; each distinct value of a column worked out once), and
the result is ``eventcolumns.EventColumns``, which the validation, ``import-acled`` and the upload read by
column: a 100,000-row export makes no object per row after it is read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from operator import itemgetter

import numpy as np

from .csvfile import CsvRows, Row, header_index
from .eventcolumns import EventColumns, factorize, per_value, repeated
from .eventdates import DateOrder, date_order
from .eventschema import ATLAS_HEADER, ATLAS_INDEX
from .words import plural

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
LAST_DAY = (date.max - EPOCH).days
CHANGED_NOTE = "published: the day ACLED last changed this row (its timestamp)"  # one string for every event
NA_VALUES = frozenset({"na", "n/a", "#n/a", "nan", "null", "none"})
NA_SPELLINGS = frozenset(v for na in NA_VALUES for v in (na, na.upper(), na.title(), na.capitalize())) | {"NaN"}
ID_SAFE = re.compile(r"[^A-Za-z0-9._:-]+")
_WHOLE = re.compile(r"^(\d+)(?:\.0+)?$")
_SECONDS = re.compile("[0-9]{1,11}")  # a Unix time numpy takes as it is (up to the year 5138)
# Fields that must agree between the rows of one event in a monadic export.
SAME_EVENT = ("event_date", "latitude", "longitude", "location")
ASSOC = ("assoc_actor_1", "assoc_actor_2")
# The ACLED columns the conversion reads.
USED = ("event_id_cnty", "event_date", "time_precision", "geo_precision", "event_type", "sub_event_type", "actor1",
        "actor2", *ASSOC, "civilian_targeting", "country", "admin1", "admin2", "admin3", "location", "latitude",
        "longitude", "source", "source_scale", "notes", "fatalities", "tags", "timestamp")


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


def _published(stamp: str, day: str) -> tuple[str, str]:
    """When ACLED last changed the row (its ``timestamp``), and a note; the event's date, said so, if absent."""
    stamp = whole(stamp)
    if stamp.isascii() and stamp.isdigit():
        if int(stamp) // 86_400 <= LAST_DAY:
            changed = (EPOCH + timedelta(days=int(stamp) // 86_400)).isoformat()  # UTC day of a Unix time
            return changed, CHANGED_NOTE
        return day, f"the export's timestamp {stamp} is past the year 9999: 'published' is the event's date"
    return day, "the export has no timestamp: 'published' is the event's date, not ACLED's"


def _cleaned(value: str) -> str:
    """A cell stripped, with R's and spreadsheets' spellings of "empty" read as empty."""
    return "" if (s := value.strip()) in NA_SPELLINGS else s


class _Columns:
    """The cells of a file's valid rows, by column (``raw``, as read; ``cols[name]``: stripped, R's and
    spreadsheets' "empty" as empty); a short row's missing cells and an absent column's read as empty."""

    def __init__(self, table: CsvRows, valid: list[int]):
        self.n = len(valid)
        self.raw: dict[str, np.ndarray] = {}
        self._clean: dict[str, np.ndarray] = {}
        index = header_index(table.header)
        width = len(table.header)
        records = [table.rows[i][1].values for i in valid]
        records = [v if len(v) == width else v + [""] * (width - len(v)) for v in records]  # short rows padded
        for name in USED:  # the columns read, not all of them
            pos = index.get(name)
            self.raw[name] = np.full(self.n, "", dtype=object) if pos is None else _array(map(itemgetter(pos), records))

    def __getitem__(self, name: str) -> np.ndarray:
        found = self._clean.get(name)
        if found is None:
            found = self._clean[name] = per_value(self.raw[name], _cleaned)
        return found


def _published_days(stamps: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_published`` for whole columns: Unix times as UTC days by numpy, one string object per distinct day."""
    stamps = per_value(stamps, whole)
    plain = np.fromiter(map(bool, map(_SECONDS.fullmatch, stamps.tolist())), dtype=bool, count=len(stamps))
    published = np.empty(len(stamps), dtype=object)
    notes = np.full(len(stamps), CHANGED_NOTE, dtype=object)
    if plain.any():
        seconds = np.asarray(stamps[plain].tolist(), dtype=np.int64)
        published[plain] = per_value(seconds // 86_400, lambda d: (EPOCH + timedelta(days=int(d))).isoformat())
    for i in np.flatnonzero(~plain):  # no timestamp, or one numpy is not given: one row at a time
        published[i], notes[i] = _published(stamps[i], days[i])
    return published, notes


def _event_type(pair: tuple[str, str]) -> str | None:
    sub, kind = pair
    return SUB_EVENT_TYPES.get(sub.lower()) or EVENT_TYPES.get(kind.lower())


def _pairs(a: np.ndarray, b: np.ndarray, func) -> np.ndarray:
    """``func((a, b))`` per row, computed once per distinct pair."""
    cache: dict = {}
    return _array(cache[k] if (k := (x, y)) in cache else cache.setdefault(k, func(k))
                  for x, y in zip(a, b, strict=True))


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _assoc(pair: tuple[str, str]) -> str:
    if not (pair[0] or pair[1]):
        return ""
    return "; ".join(_unique(a.strip() for f in pair for a in f.split(";")))


def _tags(tags: str) -> str:
    return ";".join(t.strip() for t in tags.split(";") if t.strip()) if tags else ""


def _outlet(source: str) -> str:
    return f"ACLED (citing: {' '.join(source.split()) or 'no source named'})"


def _groups(ids: np.ndarray) -> np.ndarray:
    """Whether each row's event id repeats (a monadic export: one row per actor)."""
    return repeated(ids) & (ids != "")


def _merge_monadic(cols: _Columns, lines: list[int], monadic: np.ndarray, out: dict,
                   problems: dict[int, list]) -> int:
    """Later rows of a monadic event checked against its first row and folded into it, their actors kept;
    returns how many were merged. ``out["invalid"]`` marks the folded rows."""
    ids = cols["event_id_cnty"]
    members: dict[str, list[int]] = {}
    for k in np.flatnonzero(monadic):
        members.setdefault(ids[k], []).append(int(k))
    merged = 0
    for group in members.values():
        first = group[0]
        for k in group[1:]:
            differ = [f for f in SAME_EVENT if cols[f][k] != cols[f][first]]
            if differ:
                problems[k] = [(lines[k], differ[0], f"event {ids[k]} repeats line {lines[first]} with another "
                                                     f"{differ[0]} ({cols[differ[0]][k]!r})")]
            merged += not differ
            out["invalid"][k] = "acled" if differ else "merged"
        actors = _unique(cols[f][j] for j in group for f in ("actor1", "actor2"))
        out["actor1"][first] = actors[0] if actors else ""
        out["actor2"][first] = "; ".join(actors[1:])
        out["assoc_actors"][first] = "; ".join(_unique(a.strip() for j in group for f in ASSOC
                                                       for a in cols[f][j].split(";")))
    return merged


def _row_problems(cols: _Columns, lines: list[int], out: dict, problems: dict[int, list]) -> None:
    """The reasons rows cannot be converted (date, type, precisions; in that order within a row)."""
    checks = [("event_date", out["date"] == None,  # noqa: E711 - element-wise on an object array
               lambda k: f"{cols['event_date'][k]!r} is not a date ACLED exports use (YYYY-MM-DD or "
                         "'16 February 2023')"),
              ("sub_event_type", out["event_type"] == None,  # noqa: E711
               lambda k: f"unknown ACLED type {cols['sub_event_type'][k]!r} / {cols['event_type'][k]!r}")]
    for name in ("time_precision", "geo_precision"):
        value = out[name]
        checks.append((name, value == "", lambda k: "missing value (1, 2 or 3): the atlas does not guess a precision"))
        checks.append((name, (value != "") & ~np.isin(value, list(TIME_PRECISION)),
                       lambda k, v=value: f"{v[k]!r} is not 1, 2 or 3"))
    todo = out["invalid"] == None  # noqa: E711 - rows not folded into another
    for k in np.flatnonzero(np.logical_or.reduce([bad for _, bad, _ in checks]) & todo):
        problems[int(k)] = [(lines[k], name, message(k)) for name, bad, message in checks if bad[k]]
        out["invalid"][k] = "acled"


def _converted(cols: _Columns, order) -> dict[str, np.ndarray]:
    """The atlas columns of every row, computed column by column (each distinct value once)."""
    ids = cols["event_id_cnty"]
    safe = [ID_SAFE.sub("-", v) for v in ids]
    a1, a2 = cols["actor1"], cols["actor2"]
    sub, kind, notes = cols["sub_event_type"], cols["event_type"], cols["notes"]
    day = per_value(cols["event_date"], order.parse)
    fatalities = per_value(cols["fatalities"], whole)
    estimate = np.full(cols.n, "", dtype=object)
    estimate[fatalities != ""] = "ACLED estimate"
    out = {
        "invalid": np.full(cols.n, None, dtype=object), "acled_id": ids, "date": day,
        "event_id": _array(f"acled-{s}" if s else "" for s in safe),
        "source_ids": _array("acled-" + s.lower().replace(".", "-").replace(":", "-").replace("_", "-")
                             for s in safe),
        "time_precision": per_value(cols["time_precision"], whole),
        "geo_precision": per_value(cols["geo_precision"], whole),
        "event_type": _pairs(sub, kind, _event_type), "location": cols["location"],
        "lat": cols.raw["latitude"], "lon": cols.raw["longitude"], "claim_status": np.full(cols.n, "claimed", object),
        "actor1": np.where(a1 != "", a1, a2), "actor2": np.where((a1 != "") & (a2 != "") & (a2 != a1), a2, ""),
        "summary": np.where(notes != "", notes, _pairs(kind, sub, lambda p: f"{p[0]}: {p[1]}")),
        "fatalities": fatalities, "fatalities_note": estimate, "tags": per_value(cols["tags"], _tags),
        "sub_event_type": sub, "source_event_type": kind,
        "assoc_actors": _pairs(cols["assoc_actor_1"], cols["assoc_actor_2"], _assoc),
        "outlet": per_value(cols["source"], _outlet),
    }
    out["published"], out["note"] = _published_days(cols["timestamp"], day)
    for name in ("country", "admin1", "admin2", "admin3", "civilian_targeting", "source_scale"):
        out[name] = cols[name]
    return out


def _array(values) -> np.ndarray:
    """A 1-d object array of strings (``np.array`` of a list of strings would make fixed-width ones)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _sources(out: dict, accepted: np.ndarray) -> dict[str, dict]:
    """One generated source per converted event: ACLED, citing the outlets the row names."""
    columns = [out[c][accepted].tolist() for c in ("source_ids", "outlet", "acled_id", "published", "note")]
    return {source_id: {"source_id": source_id, "outlet": outlet, "title": f"ACLED event {acled_id}",
                        "published": published, "url": ACLED_DATA_PAGE, "note": note, "source_kind": "dataset"}
            for source_id, outlet, acled_id, published, note in zip(*columns, strict=True)}


def _event_columns(out: dict, valid: list[int], total: int) -> dict[str, np.ndarray]:
    """The atlas columns over every row of the file (precision codes as words; rows not converted, None)."""
    out["date_precision"] = per_value(out["time_precision"], TIME_PRECISION.get)
    out["geo_precision"] = per_value(out["geo_precision"], GEO_PRECISION.get)
    if len(valid) == total:  # no row rejected by the reader: the columns as they are
        return {name: out[name] for name in ATLAS_HEADER if name in out}
    columns = {}
    for name in ATLAS_HEADER:
        if name in out:
            column = columns[name] = np.full(total, None, dtype=object)
            column[valid] = out[name]
    return columns


def _date_order(cols: _Columns, lines: list[int]) -> DateOrder:
    """``date_order`` of the file's event dates, each distinct value once, with the line it first appears on."""
    values = cols.raw["event_date"]
    return date_order(((lines[i], values[i]) for i in factorize(values)[1]), "event_date")


def convert(table: CsvRows) -> tuple[EventColumns | CsvRows, dict[str, dict], list[tuple[int, str, str]]]:
    """ACLED rows as atlas-schema rows (same physical lines; by column, ``EventColumns``), one generated source
    per event, and problems.

    Rows that cannot be converted keep their line with the reason; the atlas validation then checks the rest.
    A file-wide reason (dates that cannot be read one way) is one problem, on the header line. The work is
    done column by column (``_Columns``), each distinct value of a column once; the caller's table is
    consumed.
    """
    missing = [c for c in ACLED_REQUIRED if c not in table.header]
    if missing:
        return CsvRows([], [], table.problems), {}, [(1, c, "required ACLED column is missing") for c in missing]
    valid = [i for i, (_, raw) in enumerate(table.rows) if not raw.invalid]
    lines = [table.rows[i][0] for i in valid]
    cols = _Columns(table, valid)
    order = _date_order(cols, lines)
    notes = list(table.notes) + ([order.note] if order.note else [])
    if order.refusal:
        rows = [(line, Row(ATLAS_INDEX, [], "acled")) for line, _ in table.rows]
        return CsvRows([], rows, table.problems, notes), {}, [(1, "event_date", order.refusal)]
    verdicts = np.asarray([raw.invalid for _, raw in table.rows], dtype=object)  # the reader's, so far
    all_lines = [line for line, _ in table.rows]
    table.rows.clear()  # the cells are in ``cols``: the rows are released
    out = _converted(cols, order)
    found: dict[int, list] = {}
    monadic = _groups(out["acled_id"])
    merged = _merge_monadic(cols, lines, monadic, out, found) if monadic.any() else 0
    _row_problems(cols, lines, out, found)
    del cols  # the cells as read are no longer needed: released before the sources are made
    accepted = np.flatnonzero(out["invalid"] == None)  # noqa: E711 - element-wise on an object array
    sources = _sources(out, accepted)
    verdicts[valid] = out["invalid"]
    columns = _event_columns(out, valid, len(all_lines))
    if merged:
        notes.append(f"{plural(merged, 'row')} repeating an event of another actor (a monadic export): merged into "
                     "their events, actors kept")
    problems = [p for k in sorted(found) for p in found[k]]
    return EventColumns(all_lines, columns, verdicts, table.problems, notes), sources, problems
