"""Events users bring: a CSV in the atlas schema or an ACLED export, validated row by row and joined like ours.

Limits (documented in the README): at most ``MAX_BYTES`` and ``MAX_ROWS``; larger files are refused whole
with a clear reason rather than half-read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from . import acled, tables
from .atlas import Atlas, resolve_sources
from .csvfile import read_csv
from .layers import CRS, with_none
from .problems import Problem, Report
from .query import JOIN_COLUMNS, join_points
from .snapshot import safe_cell
from .timemodel import EventIndex, EventWindow
from .vocab import CONTROLLER_LABELS

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000


class TooLarge(ValueError):
    """The upload is over the documented limits."""


@dataclass(eq=False)  # identity: the map memoises its features per upload
class UserEvents:
    """Valid uploaded events (joined, sorted by date), their sources, and every problem found."""

    name: str
    kind: str  # "atlas" or "acled"
    events: gpd.GeoDataFrame
    sources: dict[str, dict]
    report: Report
    index: EventIndex = field(repr=False)
    places: gpd.GeoDataFrame = field(repr=False)  # the atlas's gazetteer (names of the events' places)
    atlas_sources: dict[str, dict] = field(repr=False)

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


def read_user_events(
    data: bytes,
    name: str,
    atlas: Atlas,
    sources_data: bytes | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> UserEvents:
    """Parse, validate and join an uploaded events file; nothing is dropped without a reported reason."""
    progress = progress or (lambda *_: None)
    if len(data) > MAX_BYTES:
        raise TooLarge(f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 1024 // 1024} MB")
    progress(0.05, "reading")
    table = read_csv(data, name)
    if len(table.rows) > MAX_ROWS:
        raise TooLarge(f"{name} has {len(table.rows):,} rows; the limit is {MAX_ROWS:,}")
    report = Report()
    known = dict(atlas.sources)
    if sources_data is not None:
        extra = tables.validate_rows(tables.SOURCES, read_csv(sources_data, "sources.csv"), "sources.csv", report,
                                     None)
        known.update({s["source_id"]: s for s in extra})
    kind = "acled" if acled.is_acled(table.header) else "atlas"
    if kind == "acled":
        progress(0.2, "converting ACLED columns")
        table, generated, conversion = acled.convert(table)
        known.update(generated)
        for line, fld, message in conversion:
            report.add(Problem(name, line, fld, message))
    progress(0.3, "validating rows")
    records = tables.validate_rows(
        replace(tables.EVENTS, key="user_events"), table, name, report, set(known),
        progress=lambda done, total: progress(0.3 + 0.5 * done / total, f"validated {done:,} of {total:,} rows"))
    progress(0.8, "joining with zones, corridor and posts")
    events = _frame(records)
    if len(events):
        joined = join_points(atlas, events["date"].to_numpy(dtype=object), events["lat"].to_numpy(float),
                             events["lon"].to_numpy(float))
        for col in JOIN_COLUMNS:
            values = joined[col].to_numpy()
            events[col] = pd.Series(values, index=events.index, dtype=values.dtype)
        events["controller_label"] = events["controller"].map(CONTROLLER_LABELS)
    used = {s for ids in events["source_ids"] for s in ids} if len(events) else set()
    sources = {s: known[s] for s in used if s in known}
    progress(1.0, f"{len(events):,} events kept, {report.files['user_events'].rejected:,} rejected")
    return UserEvents(name, kind, events, sources, report,
                      EventIndex(events["date"].tolist(), events["date_end"].tolist()), atlas.places, atlas.sources)


def _frame(records: list[dict]) -> gpd.GeoDataFrame:
    columns = [c.name for c in tables.EVENTS.columns]
    frame = pd.DataFrame(records, columns=columns + ["_line"])
    frame = with_none(frame, [c for c in columns if c not in ("lat", "lon")])
    frame = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"].astype(float),
                                                                frame["lat"].astype(float)), crs=CRS)
    order = np.lexsort((frame["event_id"].astype(str).to_numpy(), frame["date"].astype(str).to_numpy()))
    return frame.iloc[order].reset_index(drop=True)
