"""Any events file users bring -> rows in the atlas schema: one code path for the app's upload, ``--events``
and the ``import-*`` commands.

Shapes read: a CSV (comma, semicolon or tab; UTF-8, or Windows-1252/Latin-1 said so) or an Excel workbook
(``.xlsx``, its first sheet; date cells read as dates), holding the atlas schema, an ACLED export or a UCDP GED
file. Headers are matched in any case (``EVENT_DATE``, ``Event Date``), and an HDX HXL tag row (``#event+code``)
under the header is skipped.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from . import acled, collector, ucdp
from .csvfile import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, CsvRows, Row, TooLarge, header_index, read_csv
from .eventcolumns import EventColumns
from .problems import Problem

KINDS = {"atlas": "atlas-schema CSV", "acled": "ACLED export", "ucdp": "UCDP GED file"}
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class EventFile:
    """An events file in the atlas schema, what it was, the sources its converter wrote, and what was found."""

    name: str
    kind: str  # "atlas", "acled" or "ucdp"
    table: CsvRows | EventColumns | None  # None once consumed (validated)
    sources: dict[str, dict]
    problems: list[Problem]
    notes: list[str] = field(default_factory=list)
    sha256: str = ""

    @property
    def provenance(self) -> str:
        """``NAME (sha256:0123456789abcdef)``: which file, exactly, user events came from."""
        return f"{self.name} (sha256:{self.sha256[:16]})"


def sidecar_sources(events_path):
    """Where the sources of an events file written by ``import-*`` live: ``NAME.sources.csv`` beside it."""
    return events_path.with_name(events_path.stem + ".sources.csv")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, label: str, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS) -> CsvRows:
    """The first sheet of a workbook as CSV rows (line = spreadsheet row); date cells become ISO dates.

    openpyxl in read-only mode streams the sheet, so the row and column limits stop it as early as a CSV.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike mean "not a workbook"
        return CsvRows([], [], [Problem(label, 0, "file", f"not a readable .xlsx workbook: {exc}")])
    try:
        sheet = book.worksheets[0]
        header: list[str] = []
        rows: list[tuple[int, Row]] = []
        index: dict[str, int] = {}
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(values) > max_columns and any(v is not None for v in values[max_columns:]):
                raise TooLarge(Problem(label, number, "file", f"the row has more than {max_columns:,} columns; "
                                                              f"the limit is {max_columns:,}"))
            cells = [_cell(v) for v in values[:max_columns]]
            if not header:
                if any(cells):
                    header = [c.strip() for c in cells]
                    while header and not header[-1]:
                        header.pop()
                    index = header_index(header)
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= max_rows:
                raise TooLarge(Problem(label, number, "file", f"more than {max_rows:,} rows; "
                                                              f"the limit is {max_rows:,}"))
            rows.append((number, Row(index, cells[:len(header)])))
    finally:
        book.close()
    if not header:
        return CsvRows([], [], [Problem(label, 1, "file", "empty sheet: no header row")])
    return CsvRows(header, rows, [], ["read from the first sheet of the workbook; date cells as dates"],
                   encoding="xlsx")


def _normalised(table: CsvRows) -> CsvRows:
    """Headers lower-cased (spaces as ``_``), and an HXL hashtag row under the header dropped."""
    header = [h.strip().lower().replace(" ", "_") for h in table.header]
    index = header_index(header)
    rows, notes = table.rows, list(table.notes)
    if rows and not rows[0][1].invalid:
        first = [v.strip() for v in rows[0][1].values if v.strip()]
        if first and all(v.startswith("#") for v in first):
            rows = rows[1:]
            notes.append(f"line {table.rows[0][0]} is an HXL tag row (#event+code…): skipped")
    for _, row in rows:
        row.index = index
    return CsvRows(header, rows, table.problems, notes, table.encoding, table.delimiter)


def read_event_file(data: bytes, name: str, *, max_bytes: int = MAX_BYTES) -> EventFile:
    """Read, recognise and convert an events file; raises ``TooLarge`` at the first limit crossed."""
    if len(data) > max_bytes:
        raise TooLarge(Problem(name, 0, "file", f"the file is {len(data) / 2**20:,.1f} MB; "
                                                f"the limit is {max_bytes // 2**20} MB"))
    digest = hashlib.sha256(data).hexdigest()
    is_xlsx = data.startswith(XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))
    with collector.paused():
        table = _normalised(read_xlsx(data, name) if is_xlsx else read_csv(data, name))
        kind = "acled" if acled.is_acled(table.header) else "ucdp" if ucdp.is_ucdp(table.header) else "atlas"
        sources: dict[str, dict] = {}
        problems = list(table.problems)
        if kind != "atlas":
            table, sources, found = (acled if kind == "acled" else ucdp).convert(table)
            problems += [Problem(name, line, fld, message) for line, fld, message in found]
    table.problems = []  # all of them are in ``problems``, reported once by whoever validates the rows
    return EventFile(name, kind, table, sources, problems, list(table.notes), digest)
