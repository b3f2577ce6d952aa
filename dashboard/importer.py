"""``import-acled`` and ``import-ucdp``: an export converted to an events file in the atlas schema (+ sidecar).

The file is read by ``core.eventfile``, exactly as the app reads an upload; the events CSV and its sources
(``NAME.sources.csv``) are written through ``core.outfile``: to a temporary file renamed over the target
once complete, so an interrupted run leaves the previous files as they were.
"""

from __future__ import annotations

import csv
import io
import string
import sys
from itertools import chain

from .core import collector, outfile, tables
from .core.cells import safe_cell
from .core.csvfile import MAX_BYTES, TooLarge, read_csv
from .core.eventcolumns import EventColumns, validate
from .core.eventfile import KINDS, read_event_file, sidecar_sources
from .core.eventschema import ATLAS_INDEX
from .core.inputfile import Refused, read_bytes
from .core.problems import Report
from .core.words import plural

PLAIN_FIRST = frozenset(string.ascii_letters + string.digits)
SOURCE_COLUMNS = ["source_id", "outlet", "source_kind", "title", "published", "accessed", "url", "note"]
EXPECTED = {"acled": "no event_id_cnty/event_date columns: not an ACLED export",
            "ucdp": "no id/date_start/where_prec/best columns: not a UCDP GED file"}


def _writer(header: list[str], rows):
    """A function writing ``rows`` (lists of cells) as UTF-8 CSV to a binary file (``outfile.write``'s)."""

    def write(binary) -> None:
        fh = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        fh.flush()
        fh.detach()  # the binary file is outfile.write's to close

    return write


def _outside(points: list[tuple], columns: list[str]) -> list[str]:
    """Warnings for the written events off the bundled atlas's mapped area or dates (rows of the written file).

    ``points``: each written row's lat, lon, date and date_end, in the order of ``PLACE_COLUMNS``.
    """
    from .core.datadir import default_data_dir
    from .core.reach import outside_warnings, reach_of

    return outside_warnings(reach_of(default_data_dir()), (
        (line, float(lat), float(lon), day, end or None) for line, (lat, lon, day, end) in enumerate(points, start=2)))


PLACE_COLUMNS = ("lat", "lon", "date", "date_end")


def _recorded(rows, columns: list[str], points: list[tuple]):
    """``rows`` as they are written, keeping each one's place and dates in ``points`` (for ``_outside``)."""
    at = [columns.index(c) for c in PLACE_COLUMNS]
    for row in rows:
        points.append(tuple(row[i] for i in at))
        yield row


def _safe_column(values: list) -> list[str]:
    """``safe_cell`` of each value; a text starting with a letter or digit, most of them, is safe as it is."""
    return [v if type(v) is str and v[:1] in PLAIN_FIRST else safe_cell(v) for v in values]


@collector.paused()  # a short-lived command building 100,000s of rows: no collection walks them (~0.3 s)
def run_import(args, kind: str) -> int:
    """Convert ``args.file`` (an export of ``kind``) to ``args.out``; problems and notes on stderr."""
    name = args.file.name
    sidecar = sidecar_sources(args.out)
    try:
        outfile.check(args.out, "csv", args.force)
        outfile.check(sidecar, "sources", args.force)
    except outfile.OutError as exc:
        raise SystemExit(f"error: --out {exc}") from None
    try:
        found = read_event_file(read_bytes(args.file, MAX_BYTES), name)
    except Refused as exc:
        raise SystemExit(f"error: {args.file}: {exc}") from None
    except TooLarge as exc:
        raise SystemExit(f"error: {exc.problem}") from None
    if found.kind != kind:
        raise SystemExit(f"error: {name} has {EXPECTED[kind]} (it reads as: {KINDS[found.kind]})")
    report = Report()
    for problem in found.problems:
        report.add(problem)
    sources = dict(found.sources)
    # The converter's rows are already in the atlas schema: the valid ones are written as they are.
    columns = [c.name for c in tables.EVENTS.columns]
    at = columns.index("source_ids")
    if isinstance(found.table, EventColumns):  # converted column by column: checked and written so
        checked = validate(tables.EVENTS, found.table, name, report, set(sources))
        found.table = None
        cells = [checked.text[c].tolist() if c in checked.text else [None] * len(checked) for c in columns]
        count, new_ids, kept = len(checked), cells[at], set(cells[0])
        rows = zip(*cells, strict=True)  # written as they are made: no list of every row
    else:
        rows = [row.values if row.index is ATLAS_INDEX else [row.get(c, "") for c in columns]
                for row in tables.validate_rows(tables.EVENTS, found.table, name, report, set(sources),
                                                consume=True, sparse=True, keep_rows=True)]
        count, new_ids, kept = len(rows), [r[at] for r in rows], {r[0] for r in rows}
    previous = []
    if args.merge and args.out.exists():  # a re-import replaces the events it already had, never duplicates
        try:
            old = read_csv(args.out, args.out.name)
            previous = [raw for _, raw in old.rows if raw.get("event_id") not in kept and not raw.invalid]
            if sidecar.exists():
                for _, raw in read_csv(sidecar, sidecar.name).rows:
                    sources.setdefault(raw.get("source_id"), dict(raw))
        except TooLarge as exc:
            raise SystemExit(f"error: --merge: {exc.problem}") from None
    previous = [[raw.get(c, "") for c in columns] for raw in previous]
    used = {s.strip() for ids in chain((r[at] for r in previous), new_ids) for s in (ids or "").split(";")
            if s.strip()}
    points: list[tuple] = []
    events = _recorded(chain(previous, rows), columns, points)
    cited = [sources[s] for s in sorted(used) if s in sources]
    cited = list(zip(*(_safe_column([s.get(c) for s in cited]) for c in SOURCE_COLUMNS), strict=True))
    try:  # sources first: events whose sources are missing would not load; extra sources are harmless
        outfile.write(sidecar, _writer(SOURCE_COLUMNS, cited), "sources", args.force)
        outfile.write(args.out, _writer(columns, events), "csv", args.force)
    except outfile.OutError as exc:
        raise SystemExit(f"error: --out {exc}") from None
    for note in found.notes:
        print(f"{name}: note: {note}", file=sys.stderr)
    for warning in _outside(points, columns):
        print(f"{args.out.name}: warning: {warning}", file=sys.stderr)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    rejected = report.files["events"].rejected if "events" in report.files else 0
    print(f"{name}: {plural(count, 'event')} written to {args.out} (+ {sidecar.name}), "
          f"{plural(rejected, 'row')} rejected" + (f", {len(previous):,} kept from before" if args.merge else ""),
          file=sys.stderr)
    return 1 if report.problems else 0
