"""The small human-editable tables the GeoJSON layers are built from."""

from __future__ import annotations

from .. import vocab
from ..tables import (
    Column,
    TableSpec,
    choice,
    ident,
    parse_bool,
    parse_date,
    parse_int,
    parse_lat,
    parse_lon,
    parse_source_ids,
    text,
)


def _after(start: str, end: str):
    def check(rec: dict):
        if rec.get(end) and rec.get(start) and rec[end] <= rec[start]:
            yield end, f"{rec[end]} is not after {start} {rec[start]}"

    return check


def _some_change(rec: dict):
    if rec.get("controller") is None and rec.get("peacekeeping_zone") is None:
        yield "controller", "a change must set controller, peacekeeping_zone or both"


CONTROL_CHANGES = TableSpec(
    "control_changes", "geodata/control_changes.csv", "change_id",
    (
        Column("change_id", ident), Column("date", parse_date), Column("date_precision", choice(vocab.DATE_PRECISIONS)),
        Column("scope"), Column("controller", choice(vocab.CONTROLLERS), False),
        Column("peacekeeping_zone", parse_bool, False), Column("claim_status", choice(vocab.CLAIM_STATUSES)),
        Column("source_ids", parse_source_ids), Column("note", text, False),
    ),
    (_some_change,),
)

PEACEKEEPING_STAGES = TableSpec(
    "peacekeeping_stages", "geodata/peacekeeping_stages.csv", "stage_id",
    (
        Column("stage_id", ident), Column("stage", choice(vocab.PEACEKEEPING_STAGES)), Column("valid_from", parse_date),
        Column("valid_to", parse_date), Column("summary"), Column("source_ids", parse_source_ids),
        Column("note", text, False),
    ),
    (_after("valid_from", "valid_to"),),
)

CORRIDOR_ROUTES = TableSpec(
    "corridor_routes", "geodata/corridor_routes.csv", "waypoint_id",
    (
        Column("waypoint_id", ident), Column("route"), Column("seq", parse_int), Column("place_id", ident),
        Column("note", text, False),
    ),
)

CORRIDOR_STATUS = TableSpec(
    "corridor_status", "geodata/corridor_status.csv", "status_id",
    (
        Column("status_id", ident), Column("route"), Column("status", choice(vocab.CORRIDOR_STATUSES)),
        Column("valid_from", parse_date), Column("valid_to", parse_date, False), Column("source_ids", parse_source_ids),
        Column("note", text, False),
    ),
    (_after("valid_from", "valid_to"),),
)

PEACEKEEPER_POSTS = TableSpec(
    "peacekeeper_posts_table", "geodata/peacekeeper_posts.csv", "post_id",
    (
        Column("post_id", ident), Column("name"), Column("kind", choice(vocab.POST_KINDS)),
        Column("zone", choice(vocab.POST_ZONES)), Column("count", parse_int, False), Column("place_id", ident),
        Column("geo_precision", choice(vocab.GEO_PRECISIONS)), Column("valid_from", parse_date),
        Column("valid_to", parse_date, False), Column("source_ids", parse_source_ids), Column("note", text, False),
    ),
    (_after("valid_from", "valid_to"),),
)

BORDER_INCIDENTS = TableSpec(
    "border_incidents_table", "geodata/border_incidents.csv", "incident_id",
    (
        Column("incident_id", ident), Column("date", parse_date), Column("date_end", parse_date, False),
        Column("date_precision", choice(vocab.DATE_PRECISIONS)), Column("incident_type", choice(vocab.INCIDENT_TYPES)),
        Column("location"), Column("place_id", ident, False), Column("lat", parse_lat), Column("lon", parse_lon),
        Column("geo_precision", choice(vocab.GEO_PRECISIONS)), Column("claim_status", choice(vocab.CLAIM_STATUSES)),
        Column("claim_az", text, False), Column("claim_arm", text, False), Column("casualties", text, False),
        Column("casualties_as_of", parse_date, False), Column("summary"), Column("source_ids", parse_source_ids),
    ),
)
