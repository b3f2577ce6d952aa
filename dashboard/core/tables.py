"""The CSV tables of the data contract: column specs and row validation."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from . import vocab
from .csvfile import TooLarge, read_csv
from .problems import Problem, Report

# Ids people use (``AZE-2023_001``, ``Reuters.2020.10``), and nothing that could break a URL or HTML.
SOURCE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")


class Invalid(ValueError):
    """A field value that breaks the contract; the message is the reason shown to users."""


def parse_date(value: str) -> str:
    """Return ``value`` if it is a real ISO date (YYYY-MM-DD)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise Invalid(f"{value!r} is not a date in YYYY-MM-DD form")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a real date") from None
    return value


def _number(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a number") from None
    if not math.isfinite(x):
        raise Invalid(f"{value!r} is not a finite number")
    return x


def parse_lat(value: str) -> float:
    x = _number(value)
    if not -90 <= x <= 90:
        raise Invalid(f"{value} is outside -90..90")
    return x


def parse_lon(value: str) -> float:
    x = _number(value)
    if not -180 <= x <= 180:
        raise Invalid(f"{value} is outside -180..180")
    return x


def parse_url(value: str) -> str:
    """Accept only absolute http(s) URLs: anything else must never become a link."""
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c in value for c in " \"'<>`"):
        raise Invalid(f"{value!r} is not an http(s) URL")
    return value


def safe_url(value) -> str | None:
    """The URL if ``parse_url`` accepts it, else None (for links drawn from data)."""
    if not isinstance(value, str):
        return None
    try:
        return parse_url(value.strip())
    except Invalid:
        return None


def parse_int(value: str) -> int:
    if not re.fullmatch(r"\d+", value):
        raise Invalid(f"{value!r} is not a whole number")
    return int(value)


def parse_source_ids(value: str) -> list[str]:
    ids = [s.strip() for s in value.split(";") if s.strip()]
    if not ids:
        raise Invalid("no source_id given")
    return ids


def parse_bool(value: str) -> bool:
    low = value.lower()
    if low in ("yes", "true", "1"):
        return True
    if low in ("no", "false", "0"):
        return False
    raise Invalid(f"{value!r} is not yes/no")


def choice(options: Iterable[str]) -> Callable[[str], str]:
    options = tuple(options)

    def parse(value: str) -> str:
        if value not in options:
            raise Invalid(f"{value!r} is not one of {', '.join(options)}")
        return value

    return parse


def ident(value: str) -> str:
    if not ID_RE.match(value):
        raise Invalid(f"{value!r} is not a valid id (letters, digits, . _ : -)")
    return value


def source_ident(value: str) -> str:
    if not SOURCE_ID_RE.match(value):
        raise Invalid(f"{value!r} is not a valid source_id (letters, digits, - _ . ; at most 200)")
    return value


def text(value: str) -> str:
    return value


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], object] = text
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One CSV table: where it lives, its key column and its columns."""

    key: str  # report key, e.g. "events"
    path: str  # relative to the data folder
    id_column: str
    columns: tuple[Column, ...]
    checks: tuple[Callable[[dict], Iterable[tuple[str, str]]], ...] = ()

    @property
    def filename(self) -> str:
        return Path(self.path).name

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _end_not_before_start(start: str, end: str):
    def check(rec: dict):
        if rec.get(end) and rec.get(start) and rec[end] < rec[start]:
            yield end, f"{rec[end]} is before {start} {rec[start]}"

    return check


def _dated(rec: dict):
    """A page without a date of its own must say when it was read."""
    if not rec.get("published") and not rec.get("accessed"):
        yield "published", "missing value (leave it empty only when `accessed` gives the day the page was read)"


# Words of a research log, not of a page's title (docs/DATA.md, `title`).
RESEARCH_WORDS = ("search excerpt", "untitled", "not visible", "descriptive title", "title paraphrased",
                  "url slug", "title translated", "title from")


def _titled(rec: dict):
    """A title is the page's own, or a supplied one in [square brackets] that the note explains."""
    title = rec.get("title") or ""
    found = [w for w in RESEARCH_WORDS if w in title.lower()]
    if found:
        yield "title", (f"{title!r} carries a research note ({found[0]!r}): give the page's own title, or a "
                        "supplied title in [square brackets] with the reason in `note`")
    elif title.startswith("[") and title.endswith("]") and "title" not in (rec.get("note") or "").lower():
        yield "note", "a supplied [bracketed] title needs a note saying why the page's own title is not given"


SOURCES = TableSpec(
    "sources", "geodata/sources.csv", "source_id",
    (
        Column("source_id", source_ident), Column("outlet"), Column("source_kind", choice(vocab.SOURCE_KINDS), False),
        Column("title"), Column("published", parse_date, False), Column("accessed", parse_date, False),
        Column("url", parse_url),
        Column("archive_url", parse_url, False), Column("language", text, False), Column("note", text, False),
    ),
    (_dated, _titled),
)

EVENTS = TableSpec(
    "events", "events.csv", "event_id",
    (
        Column("event_id", ident), Column("date", parse_date), Column("date_end", parse_date, False),
        Column("date_precision", choice(vocab.DATE_PRECISIONS)), Column("event_type", choice(vocab.EVENT_TYPES)),
        Column("location"), Column("place_id", ident, False), Column("lat", parse_lat), Column("lon", parse_lon),
        Column("geo_precision", choice(vocab.GEO_PRECISIONS)), Column("claim_status", choice(vocab.CLAIM_STATUSES)),
        Column("actor1", text, False), Column("actor2", text, False), Column("summary"),
        Column("fatalities", parse_int, False), Column("fatalities_note", text, False), Column("tags", text, False),
        Column("source_ids", parse_source_ids), Column("group_id", ident, False),
        # What imported datasets say in their own terms (docs/DATA.md), kept for filters and exports.
        Column("sub_event_type", text, False), Column("source_event_type", text, False),
        Column("assoc_actors", text, False), Column("country", text, False), Column("admin1", text, False),
        Column("admin2", text, False), Column("admin3", text, False), Column("civilian_targeting", text, False),
        Column("source_scale", text, False), Column("fatalities_low", parse_int, False),
        Column("fatalities_high", parse_int, False),
    ),
    (_end_not_before_start("date", "date_end"),),
)

PLACES = TableSpec(
    "places", "geodata/places.csv", "place_id",
    (
        Column("place_id", ident), Column("name_en"), Column("name_az", text, False), Column("name_hy", text, False),
        Column("name_ru", text, False), Column("lat", parse_lat), Column("lon", parse_lon), Column("district"),
        Column("area", choice(vocab.PLACE_AREAS), False), Column("kind", choice(vocab.PLACE_KINDS)),
        Column("source_ids", parse_source_ids),
    ),
)


def validate_table(
    spec: TableSpec,
    data_dir: Path,
    report: Report,
    known_sources: set[str] | None,
    *,
    path: Path | None = None,
    label: str | None = None,
) -> list[dict]:
    """Read and check one table; return its valid records (each with ``_line``), report the rest."""
    path = path or data_dir / spec.path
    label = label or spec.filename
    report.file(spec.key, label)  # listed even when the file is missing
    if not path.exists():
        report.add(Problem(label, 0, "file", "file not found"))
        return []
    try:
        table = read_csv(path, label)
    except TooLarge as exc:  # refused whole: over a limit, or not a regular file
        report.add(exc.problem)
        return []
    if table.encoding != "utf-8":  # the data contract is UTF-8: read anyway, but it is a problem to fix
        table.problems.insert(0, Problem(label, 0, "file", table.notes[0]))
    return validate_rows(spec, table, label, report, known_sources, consume=True)


def validate_rows(spec: TableSpec, table, label: str, report: Report, known_sources: set[str] | None,
                  progress=None, consume: bool = False, sparse: bool = False, keep_rows: bool = False) -> list:
    """Check rows already read from a CSV (``csvfile.CsvRows``); return the valid records, report the rest.

    ``progress(done, total)`` is called every few thousand rows, for long uploads. With ``consume``, each
    row is released from ``table.rows`` once checked (replaced by None), so that a big file's raw rows and
    its records are not both held in full. ``sparse``: see ``parse_row``. With ``keep_rows``, the valid rows
    themselves are returned (as read), not their parsed records: for writing them out again unchanged.
    """
    if hasattr(table, "validate_rows"):  # events by column (``eventcolumns.EventColumns``), checked by column
        return table.validate_rows(spec, label, report, known_sources, progress, sparse, keep_rows)
    counter = report.file(spec.key, label)
    for p in table.problems:
        report.add(p)
    if not table.header:
        counter.rejected += len(table.rows)
        return []
    missing = [c for c in spec.required if c not in table.header]
    for name in missing:
        report.add(Problem(label, 1, name, "required column is missing"))
    if missing:
        counter.rejected += len(table.rows)
        return []

    seen: dict[str, int] = {}
    valid: list[dict] = []
    plans: dict[int, list] = {}
    rows = table.rows
    for i in range(len(rows)):
        line, raw = rows[i]
        if consume:
            rows[i] = None
        if progress is not None and i and i % 5_000 == 0:
            progress(i, len(rows))
        if raw.invalid == "merged":  # folded into an earlier row of the same event (a monadic export)
            continue
        if raw.invalid:  # already reported by the reader or the converter
            counter.rejected += 1
            continue
        rec, problems = _parse_any(spec, raw, plans, known_sources, sparse)
        key = rec.get(spec.id_column)
        if isinstance(key, str):
            if key in seen:
                problems.append((spec.id_column, f"duplicate id {key!r} (first on line {seen[key]})"))
            else:
                seen[key] = line
        if problems:
            for fld, msg in problems:
                report.add(Problem(label, line, fld, msg))
            counter.rejected += 1
            continue
        rec["_line"] = line
        valid.append(raw if keep_rows else rec)
        counter.valid += 1
    return valid


def _parse_any(spec: TableSpec, raw, plans: dict, known_sources: set[str] | None, sparse: bool):
    """``parse_fields`` for a ``csvfile.Row`` (its plan made once per header), else ``parse_row``."""
    values = getattr(raw, "values", None)
    if not isinstance(values, list):
        return parse_row(spec, raw, known_sources, sparse)
    plan = plans.get(id(raw.index))
    if plan is None:
        plan = plans[id(raw.index)] = [(col, raw.index.get(col.name)) for col in spec.columns]
    return parse_fields(spec, plan, values, known_sources, sparse)


def parse_fields(spec: TableSpec, plan, values: list[str], known_sources: set[str] | None, sparse: bool = False):
    """``parse_row`` for a row's field list: ``plan`` pairs each column with its position (or None)."""
    n = len(values)
    return _parse_values(spec, ((col, values[i] if i is not None and i < n else "") for col, i in plan),
                         known_sources, sparse)


def _parse_values(spec: TableSpec, pairs, known_sources: set[str] | None, sparse: bool):
    """Each ``(column, raw text)`` parsed into the record, or a problem; then the row's own checks."""
    rec: dict = {}
    problems: list[tuple[str, str]] = []
    for col, value in pairs:
        if value:
            value = value.strip()
        if not value:
            if col.required:
                problems.append((col.name, "missing value"))
            if col.required or not sparse:
                rec[col.name] = None
            continue
        if col.parse is text:
            rec[col.name] = value
            continue
        try:
            rec[col.name] = col.parse(value)
        except Invalid as exc:
            problems.append((col.name, str(exc)))
            rec[col.name] = None
    return _finish(spec, rec, problems, known_sources)


def _finish(spec: TableSpec, rec: dict, problems: list, known_sources: set[str] | None):
    if known_sources is not None and rec.get("source_ids"):
        unknown = [s for s in rec["source_ids"] if s not in known_sources]
        if unknown:
            problems.append(("source_ids", f"unknown source_id {', '.join(unknown)}"))
    if not problems:
        for check in spec.checks:
            problems.extend(check(rec))
    return rec, problems


def parse_row(spec: TableSpec, raw, known_sources: set[str] | None, sparse: bool = False):
    """Parse one raw row (a mapping, or a ``csvfile.Row``); return the record and a list of ``(field, reason)``.

    With ``sparse``, empty optional fields are left out of the record (read them with ``.get``): an imported
    file's many optional columns then cost nothing per row where they are empty.
    """
    get = raw.get
    return _parse_values(spec, ((col, get(col.name) or "") for col in spec.columns), known_sources, sparse)
