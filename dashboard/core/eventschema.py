"""Rows in the atlas's events schema, as the importers (ACLED, UCDP) build them."""

from __future__ import annotations

from .csvfile import Row, header_index
from .tables import EVENTS

ATLAS_HEADER = [c.name for c in EVENTS.columns]
ATLAS_INDEX = header_index(ATLAS_HEADER)


def atlas_row(values: dict[str, str]) -> Row:
    """A row of the events schema from the fields an importer has; the others are None (read as empty by the
    validation and written as empty cells)."""
    return Row(ATLAS_INDEX, list(map(values.get, ATLAS_HEADER)))
