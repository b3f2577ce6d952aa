"""Tolerant CSV reading that keeps physical line numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

csv.field_size_limit(10 * 1024 * 1024)  # a 10 MB field is hostile, not a crash


@dataclass
class CsvRows:
    """The header and the rows of one CSV file, each row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem]


def _decode(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 with or without BOM; undecodable bytes become surrogates (flagged per row)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="surrogateescape"), True


def _has_surrogates(values) -> bool:
    return any(any("\udc80" <= ch <= "\udcff" for ch in v) for v in values if v)


def read_csv(source: Path | bytes | str, label: str) -> CsvRows:
    """Read a CSV file; problems are reported against ``label`` (the file name users see)."""
    if isinstance(source, Path):
        data = source.read_bytes()
    elif isinstance(source, str):
        data = source.encode("utf-8")
    else:
        data = source
    text, bad_bytes = _decode(data)
    problems: list[Problem] = []
    if not text.strip():
        return CsvRows([], [], [Problem(label, 1, "file", "empty file: no header row")])

    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not header:
                header = [h.strip() for h in record]
                if bad_bytes and _has_surrogates(header):
                    problems.append(Problem(label, line, "file", "header is not valid UTF-8"))
                    return CsvRows([], [], problems)
                dupes = sorted({h for h in header if header.count(h) > 1 and h})
                for h in dupes:
                    problems.append(Problem(label, line, h, "column appears more than once"))
                continue
            if not any(v.strip() for v in record):
                continue  # blank line
            if bad_bytes and _has_surrogates(record):
                problems.append(Problem(label, line, "row", "not valid UTF-8 text (row rejected)"))
                rows.append((line, {"__invalid__": "encoding"}))
                continue
            if len(record) > len(header):
                extra = record[len(header):]
                if any(v.strip() for v in extra):
                    problems.append(
                        Problem(label, line, "row", f"{len(record)} fields but the header has {len(header)}")
                    )
                    rows.append((line, {"__invalid__": "width"}))
                    continue
            values = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
            rows.append((line, values))
    except csv.Error as exc:
        problems.append(Problem(label, start, "file", f"unreadable CSV: {exc}"))
    return CsvRows(header, rows, problems)
