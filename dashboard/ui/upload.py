"""Your own events: upload a CSV (atlas schema or ACLED export); see what was kept and why rows were rejected."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from ..core.atlas import Atlas
from ..core.eventfile import KINDS
from ..core.plaintext import file_name, visible
from ..core.user_events import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, TooLarge, UserEvents, problems_csv, read_user_events
from ..core.words import plural
from . import labels as L
from . import notices as plain

UPLOADED = "_user_events"  # digest -> UserEvents


def current() -> UserEvents | None:
    """The uploaded events of this session, if any."""
    return st.session_state.get(UPLOADED, {}).get("events")


def panel(atlas: Atlas) -> None:
    st.subheader(L.UPLOAD_HEADER)
    st.caption(f"A CSV or .xlsx in the atlas schema (docs/DATA.md), an ACLED export or a UCDP GED file; up to "
               f"{MAX_BYTES // 2**20} MB, {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns. It becomes its own layer, "
               "joined with zones, corridor and posts like ours.")
    upload = st.file_uploader(L.UPLOAD_EVENTS.label, type=["csv", "tsv", "txt", "xlsx"], key=L.UPLOAD_EVENTS.key,
                              help=L.UPLOAD_EVENTS.help)
    sources = st.file_uploader(L.UPLOAD_SOURCES.label, type=["csv"], key=L.UPLOAD_SOURCES.key,
                               help=L.UPLOAD_SOURCES.help)
    holder = st.session_state.setdefault(UPLOADED, {})
    if upload is None:
        holder.clear()
        return
    data = upload.getvalue()
    extra = sources.getvalue() if sources is not None else None
    digest = hashlib.sha256(data + b"\0" + (extra or b"")).hexdigest()
    if holder.get("digest") != digest:
        bar = st.progress(0.0, text="Reading…")
        try:
            events = read_user_events(data, upload.name, atlas, extra,
                                      progress=lambda f, what: bar.progress(min(max(f, 0.0), 1.0), text=what))
        except TooLarge as exc:
            bar.empty()
            holder.clear()
            plain.error(str(exc))
            return
        bar.empty()
        holder.update(digest=digest, events=events)
    events: UserEvents = holder["events"]
    counter = events.report.files.get("user_events")
    kept, rejected = (counter.valid, counter.rejected) if counter else (0, 0)
    # The file name is the visitor's text: plain (no Markdown), bidi controls shown, not obeyed.
    (plain.success if not (events.problems or events.warnings) else plain.warning)(
        f"{upload.name} ({KINDS[events.kind]}): {plural(kept, 'event')} on the map, "
        f"{plural(rejected, 'row')} rejected.")
    for warning in events.warnings:  # kept, but most likely a mistake: swapped lat/lon, a typo in a date
        plain.warning(f"{upload.name}: {warning}")
    for note in events.notes:  # what the reader decided for the whole file: encoding, delimiter, date order
        plain.info(f"{upload.name}: {note}")
    if events.problems:
        table = pd.DataFrame([{"line": p.line, "field": visible(p.field), "reason": visible(p.message)}
                              for p in events.problems])
        st.dataframe(table, hide_index=True, width="stretch", height=min(300, 40 + 35 * len(table)))
        st.download_button(L.UPLOAD_PROBLEMS.label, problems_csv(events.problems),
                           file_name=f"{file_name(upload.name)}.rejected.csv", mime="text/csv",
                           key=L.UPLOAD_PROBLEMS.key)
