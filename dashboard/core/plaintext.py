"""User text made safe to show or to name a file with: bidirectional controls made visible or removed.

A right-to-left override (U+202E) in a file name makes ``evil\u202etxt.exe`` read as ``evilexe.txt``; in a
label it reorders what follows. Shown to people, such characters become a visible ``[U+202E]``; in a file
name they are removed.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_BIDI_OR_CONTROL = re.compile(f"[{BIDI_CONTROLS}\x00-\x1f\x7f-\x9f]")
_UNSAFE_IN_NAME = re.compile(r'[/\\:*?"<>|]')


def visible(text: str) -> str:
    """``text`` with bidirectional and control characters shown as ``[U+XXXX]`` (one line, nothing hidden)."""
    return _BIDI_OR_CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(text))


def file_name(name: str, fallback: str = "upload") -> str:
    """A file name to offer for download: invisible format and control characters removed, no path parts."""
    kept = "".join(ch for ch in str(name) if unicodedata.category(ch) not in ("Cf", "Cc"))
    kept = _UNSAFE_IN_NAME.sub("_", kept).strip(" .")
    return kept or fallback
