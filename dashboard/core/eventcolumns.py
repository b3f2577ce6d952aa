"""Events in the atlas schema held column by column, and their validation: what the ACLED converter builds, so
that a 100,000-row export is checked, written and uploaded without one object per row.

The validation gives the verdicts and messages of ``tables.validate_rows`` (same parsers, same order of
problems within a row, same duplicate rule), each distinct value of a column parsed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import collector
from .csvfile import Row
from .eventschema import ATLAS_HEADER, ATLAS_INDEX
from .problems import Problem, Report
from .tables import Column, Invalid, TableSpec, text


def objects(values, lists: bool = False) -> np.ndarray:
    """A 1-d object array of ``values``; with ``lists``, values may be lists or tuples, kept as elements
    (``np.array`` would make them a dimension)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    if lists:
        for i, v in enumerate(values):
            out[i] = v
    else:
        out[:] = values
    return out


def factorize(values) -> tuple[np.ndarray, list[int]]:
    """For each value, the position of its first occurrence, and those first positions in order: what
    ``pandas.factorize`` gives, for hashable objects, in one C-level pass (``map`` over ``dict.setdefault``),
    without importing pandas (~100 MB and ~0.3 s that ``import-acled`` does not otherwise need)."""
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    first: dict = {}
    codes = np.fromiter(map(first.setdefault, values, range(len(values))), dtype=np.intp, count=len(values))
    return codes, list(first.values())


def repeated(values) -> np.ndarray:
    """Whether each value occurs more than once."""
    codes, _ = factorize(values)
    return np.bincount(codes, minlength=len(codes))[codes] > 1 if len(codes) else np.zeros(0, dtype=bool)


def per_value(values, func) -> np.ndarray:
    """``func`` of each value, computed once per distinct value (a column's values repeat: dates, types,
    places); equal values get the same result object."""
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    codes, firsts = factorize(values)
    results = [func(values[i]) for i in firsts]
    table = np.empty(len(values), dtype=object)
    table[firsts] = objects(results, any(isinstance(r, (list, tuple)) for r in results))
    return table[codes]


@dataclass
class EventColumns:
    """Rows in the events schema by column (object arrays over every row), with their lines and verdicts so far.

    ``invalid[k]``: None for a row to validate, ``"merged"`` for one folded into an earlier row (a monadic
    export), else why it was rejected (its problem already reported). Absent columns read as empty.
    Quacks like ``csvfile.CsvRows`` (``header``, ``rows``, ``problems``, ``notes``) for readers of rows.
    """

    lines: list[int]
    columns: dict[str, np.ndarray]
    invalid: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] = field(default_factory=lambda: list(ATLAS_HEADER))

    def column(self, name: str) -> np.ndarray:
        found = self.columns.get(name)
        return np.full(len(self.lines), None, dtype=object) if found is None else found

    @property
    def rows(self) -> list[tuple[int, Row]]:
        """The rows one by one (``csvfile.Row``), for readers of rows; a fresh list each time."""
        none = [None] * len(self.lines)
        cells = [self.columns[c].tolist() if c in self.columns else none for c in ATLAS_HEADER]
        return [(line, Row(ATLAS_INDEX, [] if bad else list(values), bad))
                for line, bad, values in zip(self.lines, self.invalid.tolist(), zip(*cells, strict=True),
                                             strict=True)]

    def validate_rows(self, spec: TableSpec, label: str, report: Report, known_sources: set[str] | None,
                      progress=None, sparse: bool = False, keep_rows: bool = False) -> list:
        """``tables.validate_rows`` for these columns: the valid records (or rows, with ``keep_rows``)."""
        checked = validate(spec, self, label, report, known_sources, progress)
        if keep_rows:
            rows = EventColumns(checked.lines.tolist(), checked.text, np.full(len(checked), None, dtype=object))
            return [row for _, row in rows.rows]
        return checked.records(spec, sparse)


@dataclass
class Checked:
    """The valid rows: their lines, their cells as given (``text``) and as parsed (``parsed``), by column."""

    lines: np.ndarray
    text: dict[str, np.ndarray]
    parsed: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.lines)

    def records(self, spec: TableSpec, sparse: bool) -> list[dict]:
        """One dict per row (``tables.parse_row``'s records, with ``_line``)."""
        names = [c.name for c in spec.columns]
        cells = [self.parsed[n].tolist() for n in names]
        records = []
        for line, values in zip(self.lines.tolist(), zip(*cells, strict=True), strict=True):
            rec = {n: v for n, v in zip(names, values, strict=True) if v is not None or not sparse}
            rec["_line"] = line
            records.append(rec)
        return records


class _RowView(Mapping):
    """One row of parsed columns, read as the record a table's ``checks`` expect (None when empty)."""

    __slots__ = ("parsed", "k")

    def __init__(self, parsed: dict[str, np.ndarray], k: int):
        self.parsed, self.k = parsed, k

    def __getitem__(self, name):
        return self.parsed[name][self.k]

    def get(self, name, default=None):
        column = self.parsed.get(name)
        value = None if column is None else column[self.k]
        return default if value is None else value

    def __iter__(self):
        return iter(self.parsed)

    def __len__(self) -> int:
        return len(self.parsed)


def _parse_cell(col: Column, value) -> tuple[object, str | None]:
    """``(parsed value or None, problem or None)`` of one cell, as ``tables`` reads a row's cell."""
    value = value.strip() if isinstance(value, str) else ""  # None (factorize: NaN) reads as empty
    if not value:
        return None, "missing value" if col.required else None
    if col.parse is text:
        return value, None
    try:
        return col.parse(value), None
    except Invalid as exc:
        return None, str(exc)


def _parse_column(col: Column, values: np.ndarray) -> tuple[np.ndarray, dict[int, str]]:
    """The parsed column, and the rows whose cell is a problem (row -> reason): each distinct value parsed
    once."""
    values = values.tolist()
    codes, firsts = factorize(values)
    found = [_parse_cell(col, values[i]) for i in firsts]
    parsed = np.empty(len(values), dtype=object)
    parsed[firsts] = objects((v for v, _ in found), any(isinstance(v, list) for v, _ in found))  # source_ids
    messages = {i: m for i, (_, m) in zip(firsts, found, strict=True) if m is not None}
    rows = np.flatnonzero(np.isin(codes, list(messages))) if messages else ()
    return parsed[codes], {int(k): messages[codes[k]] for k in rows}


def _unknown_sources(ids: np.ndarray, known: set[str]) -> dict[int, str]:
    """The rows citing a source_id not in ``known`` (row -> reason), each distinct id list looked at once."""
    seen: dict[tuple, str | None] = {}
    out = {}
    for k, value in enumerate(ids):
        if not value:
            continue
        key = tuple(value)
        if key not in seen:
            unknown = [s for s in value if s not in known]
            seen[key] = f"unknown source_id {', '.join(unknown)}" if unknown else None
        if seen[key]:
            out[k] = seen[key]
    return out


def _duplicates(keys: np.ndarray, lines: np.ndarray) -> dict[int, str]:
    """Rows whose id an earlier row has: the problem, naming the first line (ids that failed to parse aside)."""
    named = np.flatnonzero(np.fromiter((isinstance(k, str) for k in keys), dtype=bool, count=len(keys)))
    seen: dict[str, int] = {}
    found = {}
    for k in named[repeated(keys[named])]:
        key = keys[k]
        if key in seen:
            found[int(k)] = f"duplicate id {key!r} (first on line {seen[key]})"
        else:
            seen[key] = int(lines[k])
    return found


@collector.paused()
def validate(spec: TableSpec, table: EventColumns, label: str, report: Report, known_sources: set[str] | None,
             progress=None, text: bool = True) -> Checked:
    """Check every row to validate, column by column; report each rejected row's problems in row order.

    ``progress(done, total)`` as in ``tables.validate_rows``; without ``text``, only the parsed values are
    kept (an upload needs no copy of the cells as given)."""
    counter = report.file(spec.key, label)
    for p in table.problems:
        report.add(p)
    todo = np.flatnonzero(table.invalid == None)  # noqa: E711 - element-wise on an object array
    counter.rejected += sum(1 for v in table.invalid.tolist() if v is not None and v != "merged")
    lines = np.asarray(table.lines, dtype=np.int64)[todo]
    parsed, problems = {}, []
    for i, col in enumerate(spec.columns):
        parsed[col.name], column_problems = _parse_column(col, table.column(col.name)[todo])
        problems.append((col.name, column_problems))
        if progress is not None and i:
            progress(len(todo) * i // len(spec.columns), len(todo))
    if known_sources is not None and "source_ids" in parsed:
        problems.append(("source_ids", _unknown_sources(parsed["source_ids"], known_sources)))
    bad = set().union(*(found for _, found in problems))
    checked = {}
    for k in (k for k in range(len(todo)) if k not in bad) if spec.checks else ():
        found = [p for check in spec.checks for p in check(_RowView(parsed, k))]
        if found:
            checked[k] = found
    duplicates = _duplicates(parsed[spec.id_column], lines)
    rejected = sorted(bad | set(checked) | set(duplicates))
    for k in rejected:
        line = int(lines[k])
        found = [(name, column_problems[k]) for name, column_problems in problems if k in column_problems]
        found += checked.get(k, []) + ([(spec.id_column, duplicates[k])] if k in duplicates else [])
        for name, message in found:
            report.add(Problem(label, line, name, message))
    ok = np.ones(len(todo), dtype=bool)
    ok[rejected] = False
    counter.rejected += len(todo) - int(ok.sum())
    counter.valid += int(ok.sum())
    keep = todo[ok]
    return Checked(lines[ok], {c: table.columns[c][keep] for c in table.columns} if text else {},
                   {c: v[ok] for c, v in parsed.items()})
