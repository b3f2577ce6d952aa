"""Bounded, streaming CSV reading that keeps physical line numbers.

Every limit is checked while the file is read, and reading stops at the first one crossed with one message
(``TooLarge``): a hostile file costs no more than the rows it is allowed to have. Rows are kept as lists of
their fields behind one shared header index (``Row``), not as a dict per row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .inputfile import Refused, read_bytes
from .problems import Problem
from .words import plural

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 500
MAX_FIELD = 10 * 1024 * 1024  # characters in one field

csv.field_size_limit(MAX_FIELD)
_SURROGATE = re.compile("[\udc80-\udcff]")


class TooLarge(ValueError):
    """A file over one of the documented limits, refused whole; ``problem`` says which limit and where."""

    def __init__(self, problem: Problem):
        super().__init__(f"{problem.file}: {problem.message}")
        self.problem = problem


class Row(Mapping):
    """One CSV row: its fields in a list, read by column name through the header's index.

    Missing trailing fields read as ``""``. ``invalid`` names why the reader (or a converter) rejected the row
    (its problem is already reported); such a row has no fields.
    """

    __slots__ = ("index", "values", "invalid")

    def __init__(self, index: dict[str, int], values: list[str], invalid: str | None = None):
        self.index = index
        self.values = values
        self.invalid = invalid

    def __getitem__(self, name: str) -> str:
        i = self.index[name]
        return self.values[i] if i < len(self.values) else ""

    def get(self, name: str, default=None):
        """``Mapping.get`` without its ``try``/``KeyError`` round trip: this is the readers' inner loop."""
        i = self.index.get(name)
        if i is None:
            return default
        values = self.values
        return values[i] if i < len(values) else ""

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)

    def __or__(self, other: Mapping) -> dict[str, str]:
        return {**self, **other}

    def __repr__(self) -> str:
        return f"Row(invalid={self.invalid!r})" if self.invalid else f"Row({dict(self)!r})"


def header_index(header: list[str]) -> dict[str, int]:
    """Column name -> position (for a repeated name, its last position, as a dict per row would have it)."""
    return {h: i for i, h in enumerate(header)}


@dataclass
class CsvRows:
    """The header and the rows of one CSV file, each row with the line it starts on.

    ``notes`` are warnings that reject nothing (the encoding or delimiter the reader had to guess), for
    users to see beside the counts.
    """

    header: list[str]
    rows: list[tuple[int, Row]]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


def duplicate_names(header) -> list[str]:
    """Non-empty names that appear more than once, sorted; one pass over the header (linear time)."""
    return sorted(h for h, n in Counter(header).items() if n > 1 and h)


def is_utf8(data: bytes, chunk: int = 1 << 20) -> bool:
    """Whether ``data`` is valid UTF-8, checked in chunks (no second copy of the whole text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), chunk):
            decoder.decode(view[start:start + chunk])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


# Bytes that look like UTF-8 multi-byte characters: a file with these and invalid bytes mixes encodings.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


def detect_encoding(data: bytes) -> tuple[str, str | None]:
    """``(encoding, note)`` for the whole file: UTF-8 if it is valid UTF-8; Windows-1252 (or Latin-1) if it has
    no UTF-8 sequences at all (a legacy export: every accented name decodes); ``"mixed"`` when both kinds
    occur, in which case undecodable rows are rejected one by one rather than guessed."""
    if is_utf8(data):
        return "utf-8", None
    if _UTF8_SEQUENCE.search(data):
        return "mixed", ("the file is mostly UTF-8 but some rows are not: those rows are rejected, not guessed "
                         "(save it again as UTF-8)")
    try:
        data.decode("cp1252")
        return "cp1252", "the file is not UTF-8: read as Windows-1252 (cp1252), the usual encoding of older exports"
    except UnicodeDecodeError:
        return "latin-1", "the file is not UTF-8: read as Latin-1 (ISO-8859-1)"


def detect_delimiter(data: bytes) -> str:
    """The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes
    (comma when none occurs)."""
    end = data.find(b"\n", 0, 1 << 16)
    head = data[:end if end >= 0 else 1 << 16]
    head = re.sub(rb'"[^"]*"', b"", head)  # quoted names may contain any of them
    counts = {d: head.count(d.encode()) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _bytes(source: Path | bytes | str, label: str, max_bytes: int) -> bytes:
    if isinstance(source, Path):
        try:
            return read_bytes(source, max_bytes)
        except Refused as exc:
            raise TooLarge(Problem(label, 0, "file", str(exc))) from None
    data = source.encode("utf-8") if isinstance(source, str) else source
    if len(data) > max_bytes:
        raise TooLarge(Problem(label, 0, "file", f"the file is {len(data) / 2**20:,.1f} MB; "
                                                  f"the limit is {max_bytes // 2**20} MB"))
    return data


SHARE_MAX_CHARS = 40
SHARE_MAX_VALUES = 100_000


def _share_repeats(record: list[str], shared: dict[str, str]) -> list[str]:
    """The record with equal short values as one string object each (across the file).

    Dates, types, places, actors and coordinates repeat down a column; one object per distinct value instead
    of one per field saves ~50 bytes a field (a third of a big file's memory). Past ``SHARE_MAX_VALUES``
    distinct values (a file of ids or free text) new values are no longer remembered, only looked up.
    """
    if len(shared) < SHARE_MAX_VALUES:
        remember = shared.setdefault
        return [remember(v, v) if len(v) <= SHARE_MAX_CHARS else v for v in record]
    known = shared.get
    return [known(v, v) for v in record]


def read_csv(source: Path | bytes | str, label: str, *, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS,
             max_columns: int = MAX_COLUMNS, delimiter: str | None = None) -> CsvRows:
    """Read a CSV file; problems are reported against ``label`` (the file name users see).

    Raises ``TooLarge`` at the first limit crossed (bytes, rows, columns, field length) and for a path that
    is not a regular file; too-wide rows (and undecodable ones in a file of mixed encodings) are rejected one
    by one, with their line. The encoding is decided for the whole file and the delimiter (comma, semicolon,
    tab) from the header line, unless ``delimiter`` is given; a guess is said in ``notes``.
    """
    data = _bytes(source, label, max_bytes)
    if not data.strip():
        return CsvRows([], [], [Problem(label, 1, "file", "empty file: no header row")])
    encoding, encoding_note = detect_encoding(data)
    bad_bytes = encoding == "mixed"
    delimiter = detect_delimiter(data) if delimiter is None else delimiter
    # Lines are decoded as csv asks for them: the text of the whole file is never held at once.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig" if encoding in ("utf-8", "mixed") else encoding,
                              errors="surrogateescape" if bad_bytes else "strict", newline="")
    reader = csv.reader(stream, strict=False, delimiter=delimiter)
    problems: list[Problem] = []
    header: list[str] = []
    index: dict[str, int] = {}
    shared: dict[str, str] = {}
    rows: list[tuple[int, Row]] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if len(record) > max_columns:
                what = "the header has" if not header else "the row has"
                raise TooLarge(Problem(label, line, "file", f"{what} {len(record):,} columns; "
                                                            f"the limit is {max_columns:,}"))
            if not header:
                header = [h.strip() for h in record]
                if bad_bytes and any(_SURROGATE.search(h) for h in header):
                    problems.append(Problem(label, line, "file", "header is not valid UTF-8"))
                    return CsvRows([], [], problems, encoding=encoding, delimiter=delimiter)
                for h in duplicate_names(header):
                    problems.append(Problem(label, line, h, "column appears more than once"))
                index = header_index(header)
                continue
            if not any(v.strip() for v in record):
                continue  # blank line
            if len(rows) >= max_rows:
                raise TooLarge(Problem(label, line, "file", f"more than {max_rows:,} rows; "
                                                            f"the limit is {max_rows:,}"))
            if bad_bytes and any(_SURROGATE.search(v) for v in record):
                problems.append(Problem(label, line, "row", "not valid UTF-8 text (row rejected)"))
                rows.append((line, Row(index, [], "encoding")))
                continue
            if len(record) > len(header) and any(v.strip() for v in record[len(header):]):
                problems.append(Problem(label, line, "row",
                                        f"{plural(len(record), 'field')} but the header has {len(header)}"))
                rows.append((line, Row(index, [], "width")))
                continue
            del record[len(header):]  # empty trailing fields beyond the header
            rows.append((line, Row(index, _share_repeats(record, shared))))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TooLarge(Problem(label, start, "file", f"a field is longer than {MAX_FIELD:,} characters, "
                                                         "the limit")) from None
        problems.append(Problem(label, start, "file", f"unreadable CSV: {exc}"))
    notes = [encoding_note] if encoding_note else []
    if delimiter != ",":
        notes.append(f"columns separated by {DELIMITER_NAMES[delimiter]}")
    return CsvRows(header, rows, problems, notes, encoding, delimiter)
