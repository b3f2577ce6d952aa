"""The whole atlas as tables with typed fields: what ``export-dataset`` writes (see ``dataset_files``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from . import registry, tables, vocab
from .atlas import Atlas
from .build import tables as build_tables
from .problems import Report

# Field types of the Frictionless Table Schema; the GeoPackage and CSV writers follow them.
STRING, DATE, BOOLEAN, INTEGER, NUMBER = "string", "date", "boolean", "integer", "number"
_PARSE_TYPES = {tables.parse_date: DATE, tables.parse_lat: NUMBER, tables.parse_lon: NUMBER,
                tables.parse_int: INTEGER, tables.parse_bool: BOOLEAN}
_INTERNAL = ("_line", "_index")

FIELD_DESCRIPTIONS = {
    "id": "unique id of the feature within its layer",
    "valid_from": "first day the feature holds (a feature is visible on D iff valid_from <= D < valid_to)",
    "valid_to": "first day it no longer holds; empty while it still holds",
    "source_ids": "';'-separated source_id values of sources (see source_links for one row per pair)",
    "controller": "AZ = Azerbaijani forces, ARM = Armenian and Nagorno-Karabakh forces",
    "peacekeeping_zone": "inside the zone of the Russian peacekeeping mission (Nov 2020 - 2024)",
    "peacekeeping_stage": "stage of the peacekeeping mission on the zone's dates (peacekeeping_stages)",
    "peacekeeping_note": "summary of that stage",
    "claim_status": "confirmed, claimed (one side's or one outlet's claim) or disputed (denied by the other side)",
    "method": "how the geometry was derived",
    "precision_note": "how exact the geometry is, and what it approximates",
    "geo_precision": "exact (the spot), settlement, district or region: what the coordinate stands for",
    "date": "first day of the event", "date_end": "last day, when it spans days",
    "date_precision": "day, week or month: how exact the date is",
    "lat": "latitude, WGS84", "lon": "longitude, WGS84",
    "place_id": "the gazetteer place (places) the coordinate is taken from",
    "geometry_wkt": "the geometry as WKT, WGS84 (EPSG:4326) longitude latitude",
    "source_id": "id of a source (sources)",
}
TABLE_DESCRIPTIONS = {
    "control_zones": "Who held the ground: zones dissolved by controller for each period between control changes, "
                     "derived from the dated control changes (an approximation: see precision_note), with the "
                     "peacekeeping mission's zone and stage.",
    "lachin_corridor": "The Lachin corridor: routes (lines) and the corridor zone (polygons), one feature per "
                       "status period.",
    "peacekeeper_posts": "Russian peacekeepers' posts as reported, with their dates; where positions were not "
                         "published the post stands at a reported place (geo_precision says so).",
    "border_incidents": "Incidents on the Armenia-Azerbaijan border, each with both sides' claims where given.",
    "events": "Geocoded events of the conflict, one row per event.",
    "places": "The gazetteer: places with their Azerbaijani, Armenian and Russian names and sourced coordinates.",
    "control_changes": "The dated control changes the control zones are derived from (scope names settlements).",
    "peacekeeping_stages": "Stages of the Russian peacekeeping mission; zones in force between the dates carry them.",
    "sources": "Every source cited by any table: outlet, title, publication date and canonical URL.",
    "source_links": "One row per (table, record, source): the source_ids lists of every table, unfolded.",
}
ENUMS = {"controller": vocab.CONTROLLERS, "claim_status": vocab.CLAIM_STATUSES, "geo_precision": vocab.GEO_PRECISIONS,
         "date_precision": vocab.DATE_PRECISIONS, "event_type": vocab.EVENT_TYPES,
         "incident_type": vocab.INCIDENT_TYPES, "peacekeeping_stage": vocab.PEACEKEEPING_STAGES,
         "stage": vocab.PEACEKEEPING_STAGES, "area": vocab.PLACE_AREAS}
KIND_ENUMS = {"places": vocab.PLACE_KINDS, "peacekeeper_posts": vocab.POST_KINDS,
              "lachin_corridor": vocab.CORRIDOR_KINDS}
TABLE_ENUMS = {("lachin_corridor", "status"): vocab.CORRIDOR_STATUSES, ("peacekeeper_posts", "zone"): vocab.POST_ZONES}
FOREIGN_KEYS = {"events": ("place_id",), "border_incidents": ("place_id",), "peacekeeper_posts": ("place_id",),
                "source_links": ("source_id",)}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str = ""
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One table of the dataset: its rows, typed fields, key, and whether it has geometry."""

    name: str
    frame: pd.DataFrame
    fields: tuple[Field, ...]
    key: str

    @property
    def spatial(self) -> bool:
        return isinstance(self.frame, gpd.GeoDataFrame)

    @property
    def description(self) -> str:
        return TABLE_DESCRIPTIONS.get(self.name, "")


def _inferred(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return BOOLEAN
    if pd.api.types.is_integer_dtype(series):
        return INTEGER
    if pd.api.types.is_float_dtype(series):
        return NUMBER
    return STRING


def _fields(name: str, frame: pd.DataFrame, declared: dict[str, str]) -> tuple[Field, ...]:
    out = []
    for column in frame.columns:
        if column == "geometry":
            continue
        kind = declared.get(column) or _inferred(frame[column])
        enum = KIND_ENUMS.get(name, ()) if column == "kind" else ENUMS.get(column, ())
        if (name, column) in TABLE_ENUMS:
            enum = TABLE_ENUMS[(name, column)]
        out.append(Field(column, kind, FIELD_DESCRIPTIONS.get(column, ""), tuple(enum)))
    return tuple(out)


def _spec_types(columns) -> dict[str, str]:
    return {c.name: _PARSE_TYPES.get(c.parse, STRING) for c in columns}


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns, dtype=object)


def _public(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in _INTERNAL if c in frame.columns]).reset_index(drop=True)


def layer_tables(atlas: Atlas) -> list[Table]:
    """The four time layers, the events and the places, with geometry."""
    out = []
    for spec in registry.geojson_layers():
        key = spec.key
        declared = {"valid_from": DATE, "valid_to": DATE, **_spec_types(spec.columns)}
        if key == "border_incidents":
            declared.update(_spec_types(build_tables.BORDER_INCIDENTS.columns))
        frame = _public(atlas.layers[key])
        out.append(Table(key, frame, _fields(key, frame, declared), "id"))
    for name, spec, frame in (("events", tables.EVENTS, atlas.events), ("places", tables.PLACES, atlas.places)):
        frame = _public(frame)
        out.append(Table(name, frame, _fields(name, frame, _spec_types(spec.columns)), spec.id_column))
    return out


def attribute_tables(atlas: Atlas) -> list[Table]:
    """The control changes, peacekeeping stages and sources: tables without geometry."""
    out = []
    for spec in (build_tables.CONTROL_CHANGES, build_tables.PEACEKEEPING_STAGES):
        if not (atlas.data_dir / spec.path).exists():  # an atlas of GeoJSON layers alone has no build tables
            continue
        rows = tables.validate_table(spec, atlas.data_dir, Report(), set(atlas.sources))
        columns = [c.name for c in spec.columns]
        out.append(Table(spec.key, _frame(rows, columns), _fields(spec.key, _frame(rows, columns),
                                                                     _spec_types(spec.columns)), spec.id_column))
    columns = [c.name for c in tables.SOURCES.columns]
    sources = _frame([atlas.sources[k] for k in sorted(atlas.sources)], columns)
    out.append(Table("sources", sources, _fields("sources", sources, _spec_types(tables.SOURCES.columns)),
                     "source_id"))
    return out


def source_links(parts: list[Table]) -> Table:
    """One row per (table, record, source) from every table's ``source_ids``."""
    rows = []
    for table in parts:
        if "source_ids" not in table.frame.columns:
            continue
        for record, ids in zip(table.frame[table.key], table.frame["source_ids"], strict=True):
            rows += [{"table": table.name, "record_id": record, "source_id": sid} for sid in as_list(ids)]
    frame = _frame(rows, ["table", "record_id", "source_id"])
    fields = (Field("table", STRING, "name of the table the record is in"),
              Field("record_id", STRING, "the record's key in that table"),
              Field("source_id", STRING, FIELD_DESCRIPTIONS["source_id"]))
    return Table("source_links", frame, fields, "")


def dataset_tables(atlas: Atlas) -> list[Table]:
    """Every table of the dataset, in the order of its Data Package."""
    parts = layer_tables(atlas) + attribute_tables(atlas)
    return parts + [source_links(parts)]


def as_list(value) -> list[str]:
    """A ``source_ids`` value (list, array or ';'-separated text) as a list."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [s for s in value.split(";") if s]
    return [str(v) for v in value]


def plain_value(value, kind: str):
    """A field's value as a Python value of its type (None when missing); lists become ';'-joined text."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(as_list(value))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if kind == BOOLEAN:
        return bool(value)
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    return str(value)
