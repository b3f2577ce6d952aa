"""Cell values for exports: JSON-safe plain values, and CSV cells a spreadsheet shows as text."""

from __future__ import annotations

import math
import unicodedata

import numpy as np

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "|", "%")


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



def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        value = ";".join(str(v) for v in value)
    text = str(value)
    first = text[:1]
    if first.isascii() and first.isalnum():  # most cells: nothing a spreadsheet could run
        return text
    if text.startswith(FORMULA_PREFIXES) or _formula_lookalike(text):
        return "'" + text
    return text


def _formula_lookalike(text: str) -> bool:
    """Whether a spreadsheet might still read a formula: the first visible character, after spaces and
    invisible format characters (zero-width, bidi controls), is a formula prefix or its compatibility form
    (fullwidth ＝＋－＠, small ﹦﹢﹣﹫), which NFKC folds to the ASCII one."""
    for ch in text[:64]:  # a formula hidden behind more than 64 invisible characters is still caught below
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            continue
        return unicodedata.normalize("NFKC", ch)[:1] in FORMULA_PREFIXES
    return len(text) > 64
