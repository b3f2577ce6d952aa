"""Plain values from what pandas and numpy hand out: JSON-safe, NaN-free."""

from __future__ import annotations

import math

import numpy as np


def plain(value):
    """A JSON-safe plain value (numpy scalars, NaN and lists handled)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
