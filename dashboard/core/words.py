"""Counts in words: ``1 event``, ``2 events``, ``1,000 rows``, for every message, caption and label."""

from __future__ import annotations

IRREGULAR = {"is": "are", "was": "were", "this": "these"}


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, the noun in the plural unless ``n`` is 1 (``many`` when its plural is not ``+s``)."""
    return f"{n:,} {noun_for(n, noun, many)}"


def noun_for(n: int, noun: str, many: str | None = None) -> str:
    """``noun`` for a count of ``n``: as is for 1, else ``many`` or its plural (``+s``, or a known irregular)."""
    if n == 1:
        return noun
    return many or IRREGULAR.get(noun) or f"{noun}s"
