"""Messages that can carry user text (link parameters, file names, reasons) shown as plain text.

Streamlit renders ``st.warning`` and friends as Markdown: a link parameter named
``[Sign in again](https://evil.invalid/login)`` would become a link in the app's own banner, and ``![x](…)``
a remote image. Every ASCII punctuation character is backslash-escaped (CommonMark lets any of them be),
so no link, image, emphasis, directive, math or HTML survives; bidi controls are shown as ``[U+202E]``.
"""

from __future__ import annotations

import re

import streamlit as st

from ..core.plaintext import visible

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain_markdown(text: str) -> str:
    """Markdown whose rendering is exactly ``text`` on one line (whitespace runs become one space)."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(visible(text).split()))


def info(text: str) -> None:
    st.info(plain_markdown(text))


def success(text: str) -> None:
    st.success(plain_markdown(text))


def warning(text: str) -> None:
    st.warning(plain_markdown(text))


def error(text: str) -> None:
    st.error(plain_markdown(text))
