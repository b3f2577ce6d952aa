"""Load, validate and index an atlas folder (``events.csv`` + ``geodata/``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import registry, tables
from .datadir import PACKAGED_DATA, REPO_ROOT, default_data_dir  # noqa: F401  (re-exported)
from .eventfile import sidecar_sources  # noqa: F401  (re-exported: cli, tests)
from .geojson import Unreadable, load_feature_collection
from .inputfile import Refused, read_bytes
from .layers import CRS, check_zone_overlaps, read_layer, whole_numbers, with_none
from .problems import Problem, Report
from .timemodel import EventIndex

"""Where an installed wheel keeps the atlas's data (setup.py copies events.csv and geodata/ there)."""
SOURCE_FIELDS = ("source_id", "outlet", "title", "published", "url", "accessed", "source_kind", "note")
"""What a resolved source carries, everywhere (popups, panels, exports)."""


def resolve_sources(sources: dict[str, dict], ids) -> list[dict]:
    """Full source records for ``ids``, in order, without repeats; unknown ids are skipped."""
    return [{k: sources[s].get(k) for k in SOURCE_FIELDS} for s in dict.fromkeys(ids or ()) if s in sources]
BACKGROUND_LAYERS = ("countries", "mapped_area")
INTEGER_COLUMNS = ("fatalities",)


@dataclass(eq=False)  # identity: modules memoise what they derive from an atlas (core.memo)
class Atlas:
    """Everything valid in one atlas folder, indexed for date and point queries."""

    data_dir: Path
    sources: dict[str, dict]
    places: gpd.GeoDataFrame
    events: gpd.GeoDataFrame
    layers: dict[str, gpd.GeoDataFrame]
    report: Report
    event_index: EventIndex = field(repr=False)
    events_provenance: str = ""  # "NAME (sha256:…)" when events come from a file given with --events

    def resolve_sources(self, ids) -> list[dict]:
        """Full source records for ``ids``, in order, without repeats; unknown ids are skipped."""
        return resolve_sources(self.sources, ids)

    @cached_property
    def joined_events(self) -> gpd.GeoDataFrame:
        """Events with the controller of the zone they fell in on their own date, corridor flag, nearest post."""
        from .query import join_events  # query asks questions of an atlas: it imports this module

        return join_events(self, self.events)

    @cached_property
    def day_range(self) -> tuple[str, str]:
        """First and last day the atlas covers."""
        return self.first_day, self.last_day

    @property
    def first_day(self) -> str:
        days = [f["valid_from"].min() for f in self.layers.values() if not f.empty]
        if not self.events.empty:
            days.append(self.events["date"].iloc[0])
        return min(days) if days else "1994-05-12"

    @property
    def last_day(self) -> str:
        days = [f["valid_to"].dropna().max() for f in self.layers.values() if f["valid_to"].notna().any()]
        days += [f["valid_from"].max() for f in self.layers.values() if not f.empty]
        if not self.events.empty:
            days.append(self.events["date"].iloc[-1])
        return max(days) if days else "2024-06-30"


def _points(records: list[dict], columns: list[str]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(records, columns=columns + ["_line"])
    frame = with_none(frame, [c for c in columns if c not in ("lat", "lon")])
    frame = whole_numbers(frame, [c for c in INTEGER_COLUMNS if c in columns])
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=CRS)


def read_events_path(path: Path, report: Report):
    """An ``--events`` file through ``eventfile`` (as an upload is read), its problems and notes in ``report``;
    None if it cannot be read at all."""
    from .csvfile import MAX_BYTES, TooLarge
    from .eventfile import read_event_file

    report.file("events", path.name)
    try:
        found = read_event_file(read_bytes(path, MAX_BYTES), path.name)
    except Refused as exc:
        report.add(Problem(path.name, 0, "file", str(exc)))
        return None
    except TooLarge as exc:
        report.add(exc.problem)
        return None
    for problem in found.problems:
        report.add(problem)
    report.notes.extend(f"{path.name}: {note}" for note in found.notes)
    return found


def load_atlas(data_dir: Path | None = None, *, events_path: Path | None = None) -> Atlas:
    """Read and validate every file; keep what is valid and report the rest.

    With ``events_path``, events come from that file instead of ``events.csv``; sources in its sidecar
    (``NAME.sources.csv``, if present) are added to the atlas's own.
    """
    data_dir = Path(data_dir or default_data_dir())
    report = Report()

    source_rows = tables.validate_table(tables.SOURCES, data_dir, report, None)
    if events_path is not None and sidecar_sources(events_path).exists():
        extra = sidecar_sources(events_path)  # counted as its own file, not under sources.csv
        source_rows += tables.validate_table(replace(tables.SOURCES, key="event_sources"), data_dir, report, None,
                                             path=extra, label=extra.name)
    sources = {r["source_id"]: r for r in source_rows}

    place_rows = tables.validate_table(tables.PLACES, data_dir, report, set(sources))
    places = _points(place_rows, [c.name for c in tables.PLACES.columns])

    label = events_path.name if events_path else None
    provenance = ""
    if events_path is None:
        known = set(sources)
        event_rows = tables.validate_table(tables.EVENTS, data_dir, report, known)
    else:  # any shape a user brings (atlas schema, ACLED, UCDP; CSV or .xlsx), read as the app reads an upload
        found = read_events_path(events_path, report)
        sources.update(found.sources if found else {})
        known = set(sources)
        event_rows = [] if found is None else tables.validate_rows(tables.EVENTS, found.table, label, report, known,
                                                                   consume=True, sparse=True)
        provenance = found.provenance if found else ""
    known_places = set(places["place_id"])
    kept = []
    for rec in event_rows:
        if rec.get("place_id") and rec["place_id"] not in known_places:
            report.add(Problem(label or tables.EVENTS.filename, rec["_line"], "place_id",
                               f"unknown place_id {rec['place_id']!r}"))
            report.files["events"].valid -= 1
            report.files["events"].rejected += 1
            continue
        kept.append(rec)
    events = _points(kept, [c.name for c in tables.EVENTS.columns])
    events = events.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)

    layers = {}
    for spec in registry.geojson_layers():
        frame = read_layer(spec, data_dir / spec.path, report, known)
        if spec.key == "control_zones":
            frame = check_zone_overlaps(frame, report, spec.filename)
        layers[spec.key] = frame.reset_index(drop=True)

    for name in BACKGROUND_LAYERS:  # optional, drawn only: an unreadable one is left out, and said so here
        path = data_dir / "geodata" / f"{name}.geojson"
        if path.exists() or path.is_symlink():
            try:
                load_feature_collection(path)
            except Unreadable as exc:
                report.add(Problem(path.name, 0, "file", f"{exc} (background layer left out)"))

    index = EventIndex(events["date"].tolist(), events["date_end"].tolist())
    atlas = Atlas(data_dir, sources, places, events, layers, report, index, provenance)
    if events_path is not None:  # the atlas's own events.csv reaches beyond the mapped area by design
        from .reach import atlas_reach, frame_rows, outside_warnings

        found_outside = outside_warnings(atlas_reach(atlas), frame_rows(events))
        report.warnings += [f"{events_path.name}: {w}" for w in found_outside]
    atlas.joined_events  # noqa: B018 - computed once, at load: every view and export reads it
    return atlas
