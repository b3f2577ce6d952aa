"""How a source reads to a person: its own date, else the day it was read; its kind in words; a title the
atlas supplied (``[in brackets]``, docs/DATA.md) said to be one."""

from __future__ import annotations

import re
from collections.abc import Mapping

KIND_LABELS = {
    "party_official": "party's official statement",
    "party_media": "media of a party's side",
    "official": "official (non-party government)",
    "state_media": "state media (non-party government)",
    "wire_agency": "wire agency",
    "independent_media": "independent media",
    "aggregator": "aggregator (origin not named)",
    "international_organisation": "international organisation",
    "ngo": "NGO",
    "research": "research",
    "encyclopedia": "encyclopedia",
    "gazetteer": "gazetteer",
    "dataset": "dataset",
}


def date_label(source: Mapping) -> str:
    """``2020-10-03`` for a dated page, ``accessed 2026-11-21`` for one without a date of its own, else ``""``."""
    if source.get("published"):
        return str(source["published"])
    if source.get("accessed"):
        return f"accessed {source['accessed']}"
    return ""


def kind_label(source: Mapping) -> str:
    """The reader's words for ``source_kind`` (empty when the table has none)."""
    kind = source.get("source_kind") or ""
    return KIND_LABELS.get(kind, kind)


_SUPPLIED_WHY = re.compile(r"title supplied \(([^)]*)\)")


def title_remark(source: Mapping) -> str:
    """For a title in brackets (supplied by the atlas, not the page's own): that, and why, from its note."""
    title = str(source.get("title") or "")
    if not (title.startswith("[") and title.endswith("]")):
        return ""
    why = _SUPPLIED_WHY.match(str(source.get("note") or ""))
    return "title supplied by the atlas" + (f": {why.group(1)}" if why else ", not the page's own")


def remarks_label(source: Mapping) -> str:
    """What a popup or panel adds in brackets after a source: its kind, and whether its title is supplied."""
    return "; ".join(text for text in (kind_label(source), title_remark(source)) if text)
