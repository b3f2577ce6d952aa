"""Messages that can carry user text (link parameters, file names, reasons), shown as plain text.

Streamlit renders ``st.warning`` and friends as Markdown, and GitHub-flavoured Markdown turns any
``https://…`` in a text into a link even when every punctuation mark is escaped: a link parameter named
``[Sign in again](https://evil.invalid/login)`` became a link in the app's own banner, ``![x](…)`` a remote
image. These boxes are HTML built here with every character of the text escaped (``st.html``), so no
Markdown parser sees the text at all; bidirectional controls are shown as ``[U+202E]``, not obeyed.
"""

from __future__ import annotations

import html

import streamlit as st

from ..core.plaintext import visible

# Streamlit's alert colours (light theme), so that these read as the app's own notices.
STYLE = """<style>
.atlas-notice{padding:0.75rem 1rem;border-radius:0.5rem;margin:0 0 0.25rem 0;line-height:1.6;
  overflow-wrap:anywhere;white-space:pre-wrap}
.atlas-notice-info{background:rgba(28,131,225,0.1);color:rgb(0,66,128)}
.atlas-notice-success{background:rgba(33,195,84,0.1);color:rgb(23,114,51)}
.atlas-notice-warning{background:rgba(255,189,69,0.2);color:rgb(146,108,5)}
.atlas-notice-error{background:rgba(255,43,43,0.09);color:rgb(125,53,59)}
</style>"""
KINDS = ("info", "success", "warning", "error")


def notice_html(kind: str, text: str) -> str:
    """One notice box: ``text`` on one line, every character escaped (no markup can form)."""
    if kind not in KINDS:
        raise ValueError(kind)
    body = html.escape(" ".join(visible(text).split()), quote=True)
    return f'{STYLE}<div class="atlas-notice atlas-notice-{kind}" role="alert">{body}</div>'


def info(text: str) -> None:
    st.html(notice_html("info", text))


def success(text: str) -> None:
    st.html(notice_html("success", text))


def warning(text: str) -> None:
    st.html(notice_html("warning", text))


def error(text: str) -> None:
    st.html(notice_html("error", text))
