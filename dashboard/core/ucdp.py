"""UCDP Georeferenced Event Dataset (GED) rows -> events in the atlas schema, with UCDP cited as the source.

GED (https://ucdp.uu.se/downloads/, CC BY 4.0) codes each event of organised violence with a start and end
date, a date precision (``date_prec``), coordinates with a location precision (``where_prec``), the two sides,
and a best, low and high estimate of deaths; ``source_article`` names the reports it was coded from.

Precision, mapped without claiming more than UCDP does: ``where_prec`` 1 (the exact place) and 2 (within about
25 km of a known place) -> ``settlement``; 3 (a second-order administrative unit) -> ``district``; 4 (a
first-order unit) -> ``region``; 5 and above (a wider area, the country, or outside any country) cannot be drawn
as a point honestly and are rejected with the reason. ``date_prec`` 1 (the day) -> ``day``; 2 (within 2-6 days)
and 3 (the week) -> ``week``; 4 (the month) -> ``month``; 5 (only the year is known) is rejected. The event's
start and end dates are kept (``date``, ``date_end``). The codes are those of the UCDP GED codebook
(https://ucdp.uu.se/downloads/): ``where_prec`` 1-7, ``date_prec`` 1-5, each larger number less precise.
"""

from __future__ import annotations

from .acled import text, whole
from .csvfile import CsvRows, Row
from .eventdates import parse_unambiguous
from .eventschema import ATLAS_INDEX, atlas_row

UCDP_REQUIRED = ("id", "date_start", "date_end", "date_prec", "where_prec", "latitude", "longitude", "best")
UCDP_PAGE = "https://ucdp.uu.se/downloads/"
UCDP_LICENCE = "UCDP GED, CC BY 4.0"
WHERE_PRECISION = {"1": "settlement", "2": "settlement", "3": "district", "4": "region"}
DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month"}
VIOLENCE = {"1": ("clash", "state-based conflict"), "2": ("clash", "non-state conflict"),
            "3": ("incident", "one-sided violence")}


def is_ucdp(header: list[str]) -> bool:
    """Whether a (lower-cased) header is a UCDP GED file's."""
    return {"id", "date_start", "where_prec", "best"} <= set(header)


def _first_date(value: str) -> str | None:
    for part in value.replace(";", ",").split(","):
        found = parse_unambiguous(part)
        if found:
            return found
    return None


def convert(table: CsvRows) -> tuple[CsvRows, dict[str, dict], list[tuple[int, str, str]]]:
    """GED rows as atlas-schema rows (same physical lines), one UCDP source per event, and problems."""
    problems: list[tuple[int, str, str]] = []
    missing = [c for c in UCDP_REQUIRED if c not in table.header]
    if missing:
        return CsvRows([], [], table.problems), {}, [(1, c, "required UCDP GED column is missing") for c in missing]
    rows, sources = [], {}
    for line, raw in table.rows:
        if raw.invalid:
            rows.append((line, raw))
            continue
        before = len(problems)
        ged_id = whole(text(raw, "id"))
        start, end = parse_unambiguous(text(raw, "date_start")), parse_unambiguous(text(raw, "date_end"))
        for name, value in (("date_start", start), ("date_end", end)):
            if value is None:
                problems.append((line, name, f"{text(raw, name)!r} is not a date (YYYY-MM-DD)"))
        date_prec, where_prec = whole(text(raw, "date_prec")), whole(text(raw, "where_prec"))
        if date_prec not in DATE_PRECISION:
            problems.append((line, "date_prec", f"{date_prec!r}: only events dated to the month or better (1-4) "
                                                "can be placed on the time slider"))
        if where_prec not in WHERE_PRECISION:
            problems.append((line, "where_prec", f"{where_prec!r}: only events placed within a first-order "
                                                 "administrative unit or better (1-4) can be drawn as a point"))
        kind = VIOLENCE.get(whole(text(raw, "type_of_violence")))
        if kind is None:
            problems.append((line, "type_of_violence", f"{text(raw, 'type_of_violence')!r} is not 1, 2 or 3"))
        if len(problems) > before:
            rows.append((line, Row(ATLAS_INDEX, [], "ucdp")))
            continue
        source_id = f"ucdp-ged-{ged_id.lower()}"
        article = " ".join(text(raw, "source_article").split())
        office = " ".join(text(raw, "source_office").split())
        published = _first_date(text(raw, "source_date"))
        sources[source_id] = {
            "source_id": source_id, "outlet": f"UCDP GED (citing: {office or article or 'no source named'})",
            "title": f"UCDP GED event {ged_id}" + (f": {text(raw, 'source_headline')}"
                                                    if text(raw, "source_headline") else ""),
            "published": published or end, "url": UCDP_PAGE, "source_kind": "dataset",
            "note": (f"{UCDP_LICENCE}. Coded from: {article}" if article else UCDP_LICENCE)
                    + ("" if published else "; no source date in the row: 'published' is the event's end date"),
        }
        best, low, high = (whole(text(raw, c)) for c in ("best", "low", "high"))
        place = text(raw, "where_coordinates") or text(raw, "adm_2") or text(raw, "adm_1") or text(raw, "country")
        described = text(raw, "where_description")
        rows.append((line, atlas_row({
            "event_id": f"ucdp-ged-{ged_id}", "date": start, "date_end": end if end != start else "",
            "date_precision": DATE_PRECISION[date_prec], "event_type": kind[0], "location": place,
            "lat": raw.get("latitude") or "", "lon": raw.get("longitude") or "",
            "geo_precision": WHERE_PRECISION[where_prec], "claim_status": "claimed",
            "actor1": text(raw, "side_a"), "actor2": text(raw, "side_b"),
            "summary": f"UCDP GED event ({kind[1]}): {text(raw, 'dyad_name') or text(raw, 'conflict_name')}"
                       + (f". Location: {described}" if described else "."),
            "fatalities": best, "fatalities_low": low, "fatalities_high": high,
            "fatalities_note": f"UCDP best estimate (low {low or '?'}, high {high or '?'})" if best else "",
            "source_ids": source_id, "source_event_type": kind[1], "country": text(raw, "country"),
            "admin1": text(raw, "adm_1"), "admin2": text(raw, "adm_2"),
        })))
    return CsvRows(list(ATLAS_INDEX), rows, table.problems, list(table.notes)), sources, problems
