"""Events users bring (``eventfile``: the atlas schema, ACLED, UCDP GED; CSV or .xlsx), validated row by row
and joined like ours.

Limits (documented in the README, checked while reading: see ``csvfile``): ``MAX_BYTES``, ``MAX_ROWS``,
``MAX_COLUMNS`` and ``MAX_FIELD``; a file over one is refused whole (``TooLarge``) with the reason, rather
than half-read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from . import collector, tables
from .atlas import INTEGER_COLUMNS, Atlas, resolve_sources
from .csvfile import MAX_BYTES, MAX_COLUMNS, MAX_FIELD, MAX_ROWS, TooLarge, read_csv
from .eventcolumns import Checked, EventColumns, objects, validate
from .eventfile import read_event_file
from .layers import CRS, whole_numbers
from .problems import Problem, Report
from .query import join_events
from .reach import atlas_reach, frame_rows, outside_warnings
from .snapshot import safe_cell
from .timemodel import EventIndex, EventWindow
from .words import plural

__all__ = ["MAX_BYTES", "MAX_COLUMNS", "MAX_FIELD", "MAX_ROWS", "TooLarge", "UserEvents", "problems_csv",
           "read_user_events"]


@dataclass(eq=False)  # identity: the map memoises its features per upload
class UserEvents:
    """Valid uploaded events (joined, sorted by date), their sources, and every problem found."""

    name: str
    kind: str  # "atlas", "acled" or "ucdp" (eventfile.KINDS)
    events: gpd.GeoDataFrame
    sources: dict[str, dict]
    report: Report
    index: EventIndex = field(repr=False)
    places: gpd.GeoDataFrame = field(repr=False)  # the atlas's gazetteer (names of the events' places)
    atlas_sources: dict[str, dict] = field(repr=False)
    notes: list[str] = field(default_factory=list)  # what the reader had to decide (encoding, date order…)
    warnings: list[str] = field(default_factory=list)  # kept events off the mapped area or the atlas's dates
    provenance: str = ""  # "NAME (sha256:…)": the exact file the events came from

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    def in_window(self, day: str, window: EventWindow) -> gpd.GeoDataFrame:
        return self.between(*window.bounds(day))

    def between(self, first: str, last: str) -> gpd.GeoDataFrame:
        """The uploaded events in the window [first, last]."""
        return self.events.iloc[self.index.window(first, last)]

    @property
    def joined_events(self) -> gpd.GeoDataFrame:
        """The uploaded events, joined with the atlas's zones, corridor and posts when they were read."""
        return self.events

    def resolve_sources(self, ids) -> list[dict]:
        """Sources of uploaded events: the upload's own, then the atlas's (an atlas CSV may cite either)."""
        return resolve_sources({**self.atlas_sources, **self.sources}, ids)


def problems_csv(problems: list[Problem]) -> str:
    """Rejected rows as a downloadable CSV (line, field, reason), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "line", "field", "reason"])
    for p in problems:
        writer.writerow([safe_cell(p.file), safe_cell(p.line), safe_cell(p.field), safe_cell(p.message)])
    return out.getvalue()


@collector.paused()  # rows, columns and the frame hold no cycles; collections walking them cost ~0.3 s at 100k
def read_user_events(
    data: bytes,
    name: str,
    atlas: Atlas,
    sources_data: bytes | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> UserEvents:
    """Parse, validate and join an uploaded events file; nothing is dropped without a reported reason."""
    progress = progress or (lambda *_: None)
    progress(0.05, "reading")
    found = read_event_file(data, name)  # raises TooLarge at the first limit crossed
    report = Report()
    known = dict(atlas.sources)
    if sources_data is not None:
        sidecar = read_csv(sources_data, "sources.csv")
        extra = tables.validate_rows(replace(tables.SOURCES, key="user_sources"), sidecar, "sources.csv", report,
                                     None)
        known.update({s["source_id"]: s for s in extra})
    known.update(found.sources)
    counter = report.file("user_events", name)
    for problem in found.problems:
        report.add(problem)
    progress(0.3, "validating rows")
    spec, table, found.table = replace(tables.EVENTS, key="user_events"), found.table, None  # consumed below

    def validated(done: int, total: int) -> None:
        progress(0.3 + 0.5 * done / total, f"validated {done:,} of {total:,} rows")

    if isinstance(table, EventColumns):  # a converted export, checked and framed by column
        columns = _checked_columns(validate(spec, table, name, report, set(known), validated, text=False))
    else:
        columns = _sorted_columns(tables.validate_rows(spec, table, name, report, set(known), consume=True,
                                                       sparse=True, progress=validated))
    del table  # the frame is built from ``columns`` alone
    events = _frame(columns)
    progress(0.8, "joining with zones, corridor and posts")
    warnings = outside_warnings(atlas_reach(atlas), frame_rows(events))
    if len(events):
        events = join_events(atlas, events, in_place=True)
    used = {s for ids in events["source_ids"] for s in ids} if len(events) else set()
    sources = {s: known[s] for s in used if s in known}
    progress(1.0, f"{plural(len(events), 'event')} kept, {counter.rejected:,} rejected")
    return UserEvents(name, found.kind, events, sources, report,
                      EventIndex(events["date"].tolist(), events["date_end"].tolist()), notes=found.notes,
                      warnings=warnings, provenance=found.provenance, places=atlas.places,
                      atlas_sources=atlas.sources)


COLUMNS = [c.name for c in tables.EVENTS.columns] + ["_line"]


def _sorted_columns(records: list[dict]) -> dict[str, list]:
    """The valid records' values by column, sorted by date and id; empties ``records``."""
    order = sorted(range(len(records)), key=lambda i: (records[i]["date"], records[i]["event_id"]))
    columns = {c: [records[i].get(c) for i in order] for c in COLUMNS}
    records.clear()
    return columns


def _checked_columns(checked: Checked) -> dict[str, np.ndarray]:
    """Checked columns (``eventcolumns``) sorted by date and id."""
    parsed = checked.parsed
    order = np.lexsort((parsed["event_id"], parsed["date"]))
    columns = {c: parsed.pop(c)[order] for c in COLUMNS[:-1]}
    columns["_line"] = objects(checked.lines[order].tolist())
    return columns


def _frame(columns: dict) -> gpd.GeoDataFrame:
    """The valid events as a frame, from their values by column (``_sorted_columns``, ``_checked_columns``).

    A frame from a list of dicts costs several times the records' size at its peak; one object column at a
    time keeps a 200,000-row upload small. Empty columns are added after: pandas copies every column it
    builds a frame from into one block.
    """
    data, empty = {}, []
    for c in COLUMNS:
        values = columns.pop(c)
        if c in ("lat", "lon"):
            data[c] = np.fromiter(values, dtype=float, count=len(values))
        elif any(v is not None for v in values):
            data[c] = pd.Series(values, dtype=object)
        else:
            empty.append(c)
    frame = pd.DataFrame(data)
    for c in empty:
        frame[c] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    frame = whole_numbers(frame, INTEGER_COLUMNS)  # fatalities 3, not 3.0, in popups, panel and exports
    # The points added as a column, then the frame taken as it is: ``GeoDataFrame(frame, geometry=points)``
    # copied every object column into one block first (~100 MB at the peak of a 200,000-row upload).
    frame["geometry"] = gpd.GeoSeries(gpd.points_from_xy(data["lon"], data["lat"]), index=frame.index, crs=CRS)
    return gpd.GeoDataFrame(frame, geometry="geometry", copy=False)
