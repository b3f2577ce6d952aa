"""The dashboard's state as URL query parameters, and back.

Pure (no streamlit). ``encode`` gives a dict of parameters (a value is a string, or a list of strings for a
repeated parameter); ``decode`` reads such a dict, keeps what is valid and returns one notice per thing it
ignored, so a damaged link still opens on as much of its view as it can.

Parameters: ``date`` (YYYY-MM-DD), ``layers`` (comma list of view.LAYER_KEYS, or ``none``), ``types``
and ``claims`` (comma lists), ``actor`` (repeated), ``sources`` (a key of view.SOURCINGS), ``names``
(both|az|hy), ``window`` (``all``, ``last-N`` or ``since-YYYY-MM-DD``), ``basemap``, ``view``
(``lat,lon,zoom``), ``sel`` (``layer:id`` of the feature whose sources the side panel shows) and ``compare``
(``A..B``: compare mode, two dates in the atlas's range, either order). ``sub``, ``country`` and ``admin``
(repeated) are the source-data filters (``view.FIELD_FILTERS``): their values come from the data, possibly
from an upload a link cannot bring, so any plain text is kept (at most ``MAX_FIELD_VALUES`` of at most
``MAX_FIELD_TEXT`` characters, no control or bidirectional characters) and the app offers them once loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from . import registry, tables
from .timemodel import EventWindow
from .view import (
    BASEMAPS,
    DEFAULT_BASEMAP,
    DEFAULT_LAYERS,
    DEFAULT_NAMES,
    LAYER_KEYS,
    NAME_MODES,
    SOURCINGS,
    MapOptions,
)
from .vocab import CLAIM_STATUSES, EVENT_TYPES

DEFAULT_WINDOW = "last-30"
MAX_WINDOW_DAYS = 20_000
MAX_FIELD_VALUES = 50
MAX_FIELD_TEXT = 120
FIELD_PARAMS = {"sub": "sub_event_types", "country": "countries", "admin": "admin_areas"}
"""Link parameter -> the source-data filter (``view.FIELD_FILTERS``) it carries."""
def selectable() -> tuple[str, ...]:
    """Layers whose features a link may select (every layer but the uploaded one, which a link cannot carry)."""
    return tuple(k for k in registry.LAYERS if k != "user_events")
IGNORED_PARAMS = frozenset({"embed", "embed_options"})  # Streamlit's own
PARAMS = ("date", "layers", "types", "actor", "claims", "names", "window", "basemap", "view", "sel", "compare",
          "sources", *FIELD_PARAMS)
_WINDOW_RE = re.compile(r"^(all|last-(\d{1,5})|since-(\d{4}-\d{2}-\d{2}))$")
_SEL_RE = re.compile(r"^([a-z_]+):(\S{1,200})$")


@dataclass(frozen=True)
class ViewState:
    """Everything a link restores. ``None`` filters mean "all"."""

    day: str
    layers: tuple[str, ...] = DEFAULT_LAYERS
    event_types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    claims: tuple[str, ...] | None = None
    names: str = DEFAULT_NAMES
    window: str = DEFAULT_WINDOW
    basemap: str = DEFAULT_BASEMAP
    view: tuple[float, float, int] | None = None
    selected: str | None = None
    compare: tuple[str, str] | None = None  # (A, B): compare mode
    sourcing: str | None = None  # view.SOURCINGS key: the source filter
    sub_event_types: tuple[str, ...] | None = None  # the source-data filters (view.FIELD_FILTERS)
    countries: tuple[str, ...] | None = None
    admin_areas: tuple[str, ...] | None = None

    @property
    def options(self) -> MapOptions:
        return MapOptions(self.layers, self.names, self.event_types, self.actors, self.claims, self.sourcing,
                          self.sub_event_types, self.countries, self.admin_areas)

    @property
    def event_window(self) -> EventWindow:
        return event_window(self.window)


def event_window(spec: str) -> EventWindow:
    """``all`` -> cumulative, ``last-N`` -> the last N days, ``since-DAY`` -> cumulative since DAY."""
    m = _WINDOW_RE.match(spec or "")
    if not m or m.group(1) == "all":
        return EventWindow()
    if m.group(2):
        return EventWindow(last_days=max(1, int(m.group(2))))
    return EventWindow(since=m.group(3))


def window_spec(window: EventWindow) -> str:
    """The inverse of ``event_window``."""
    if window.last_days is not None:
        return f"last-{window.last_days}"
    if window.since:
        return f"since-{window.since}"
    return "all"


def _csv(values: Iterable[str] | None) -> str:
    values = list(values or ())
    return ",".join(values) if values else "none"


def encode(state: ViewState, defaults: ViewState | None = None) -> dict[str, str | list[str]]:
    """Query parameters for ``state``: always the date and layers, the rest only where not the default."""
    defaults = defaults or ViewState(state.day)
    out: dict[str, str | list[str]] = {"date": state.day, "layers": _csv(state.layers)}
    if state.event_types is not None:
        out["types"] = _csv(state.event_types)
    if state.claims is not None:
        out["claims"] = _csv(state.claims)
    if state.actors is not None:
        out["actor"] = list(state.actors) if state.actors else ["none"]
    for key, value, default in (("names", state.names, defaults.names), ("window", state.window, defaults.window),
                                ("basemap", state.basemap, defaults.basemap)):
        if value != default:
            out[key] = value
    if state.view is not None:
        lat, lon, zoom = state.view
        out["view"] = f"{lat:.4f},{lon:.4f},{int(zoom)}"
    if state.selected:
        out["sel"] = state.selected
    if state.compare:
        out["compare"] = "..".join(state.compare)
    if state.sourcing:
        out["sources"] = state.sourcing
    for param, field in FIELD_PARAMS.items():
        if getattr(state, field):
            out[param] = list(getattr(state, field))
    return out


def _values(raw) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    return [str(v) for v in raw]


def _last(raw) -> str | None:
    values = _values(raw)
    return values[-1].strip() if values else None


def _choices(name: str, raw, allowed: Iterable[str], notices: list[str]) -> tuple[str, ...] | None:
    """A comma list checked against ``allowed``; unknown items are dropped with a notice."""
    text = _last(raw)
    if text is None:
        return None
    if text == "none":
        return ()
    allowed = tuple(allowed)
    items = [v.strip() for v in text.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad:
        notices.append(f"{name}: ignored unknown value(s) {', '.join(repr(b) for b in bad)}")
    good = tuple(dict.fromkeys(v for v in items if v in allowed))
    if not good and not bad:
        return ()
    if not good:
        return None
    return tuple(v for v in allowed if v in good)  # canonical order


def _date(text: str) -> str | None:
    try:
        return tables.parse_date(text)  # the data contract's one date rule
    except tables.Invalid:
        return None


@dataclass(frozen=True)
class _Bounds:
    """What a link's values are checked against."""

    first_day: str
    last_day: str
    defaults: ViewState
    actors: frozenset[str] | None

    def outside(self, day: str) -> bool:
        return not self.first_day <= day <= self.last_day

    def clamp(self, day: str) -> str:
        """``day`` moved to the nearest end of the atlas's range when it lies outside."""
        return min(max(day, self.first_day), self.last_day)

    @property
    def range_text(self) -> str:
        return f"({self.first_day} to {self.last_day})"


def _decode_date(text: str, b: _Bounds) -> tuple[dict, str | None]:
    day = _date(text)
    if day is None:
        return {}, f"date: {text!r} is not a date (YYYY-MM-DD); showing {b.defaults.day}"
    near = b.clamp(day)
    if near != day:
        return {"day": near}, f"date: {day} is outside the atlas {b.range_text}; showing {near}, the nearest end"
    return {"day": day}, None


def _decode_window(text: str, b: _Bounds) -> tuple[dict, str | None]:
    m = _WINDOW_RE.match(text)
    since = _date(m.group(3)) if m and m.group(3) else None
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= MAX_WINDOW_DAYS) or (m.group(3) and since is None):
        return {}, f"window: {text!r} is not 'all', 'last-N' (N days) or 'since-YYYY-MM-DD'"
    if since is not None and b.outside(since):
        near = b.clamp(since)
        return ({"window": f"since-{near}"},
                f"window: {since} is outside the atlas {b.range_text}; showing events since {near}, the nearest end")
    return {"window": text}, None


def _decode_view(text: str, b: _Bounds) -> tuple[dict, str | None]:
    view = _view(text)
    return ({}, f"view: {text!r} is not 'lat,lon,zoom'") if view is None else ({"view": view}, None)


def _decode_selection(text: str, b: _Bounds) -> tuple[dict, str | None]:
    m = _SEL_RE.match(text)
    if not m or m.group(1) not in selectable():
        return {}, f"sel: {text!r} is not 'layer:feature-id'"
    return {"selected": text}, None


def _decode_compare(text: str, b: _Bounds) -> tuple[dict, str | None]:
    parts = text.split("..")
    days = [_date(p.strip()) for p in parts] if len(parts) == 2 else [None]
    if None in days:
        return {}, f"compare: {text!r} is not 'YYYY-MM-DD..YYYY-MM-DD'"
    near = (b.clamp(days[0]), b.clamp(days[1]))
    if near != tuple(days):
        return {"compare": near}, (f"compare: {text!r} is outside the atlas {b.range_text}; "
                                   f"comparing {near[0]} and {near[1]}, the nearest ends")
    return {"compare": (days[0], days[1])}, None


def _one_of(field: str, allowed, param: str | None = None) -> object:
    def decode_choice(text: str, b: _Bounds) -> tuple[dict, str | None]:
        if text in allowed:
            return {field: text}, None
        return {}, f"{param or field}: {text!r} is not one of {', '.join(allowed)}"

    return decode_choice


SINGLE_VALUED = {"date": _decode_date, "names": _one_of("names", NAME_MODES), "basemap": _one_of("basemap", BASEMAPS),
                 "sources": _one_of("sourcing", SOURCINGS, "sources"),
                 "window": _decode_window, "view": _decode_view, "sel": _decode_selection, "compare": _decode_compare}
"""Parameters with one value (the last one given wins) and how each is checked."""
LISTS = {"layers": ("layers", LAYER_KEYS), "types": ("event_types", EVENT_TYPES), "claims": ("claims", CLAIM_STATUSES)}


def _decode_actors(values: list[str], known: frozenset[str] | None, notices: list[str]) -> dict:
    if not values:
        return {}
    if values == ["none"]:
        return {"actors": ()}
    bad = [a for a in values if known is not None and a not in known]
    if bad:
        notices.append(f"actor: ignored unknown actor(s) {', '.join(repr(x) for x in bad)}")
    good = tuple(dict.fromkeys(a for a in values if a not in bad))
    return {"actors": good} if good else {}


def _plain_text(value: str) -> bool:
    """No control, format (bidi, zero-width) or separator characters other than the space: safe to show and keep."""
    return all(c == " " or unicodedata.category(c)[0] not in "CZ" for c in value)


def _decode_field(param: str, raw, notices: list[str]) -> tuple[str, ...] | None:
    """A source-data filter's values: plain text only, at most ``MAX_FIELD_VALUES``; the rest with a notice."""
    values = [v.strip() for v in _values(raw) if v.strip()]
    bad = [v for v in values if len(v) > MAX_FIELD_TEXT or not _plain_text(v)]
    if bad:
        shown = ", ".join(repr(b[:40] + ("…" if len(b) > 40 else "")) for b in bad[:5])
        notices.append(f"{param}: ignored {len(bad)} value(s) that are not plain text of at most {MAX_FIELD_TEXT} "
                       f"characters: {shown}")
    good = tuple(dict.fromkeys(v for v in values if v not in bad))
    if len(good) > MAX_FIELD_VALUES:
        notices.append(f"{param}: kept the first {MAX_FIELD_VALUES} of {len(good)} values")
        good = good[:MAX_FIELD_VALUES]
    return good or None


def decode(
    params: Mapping[str, object],
    defaults: ViewState,
    *,
    first_day: str,
    last_day: str,
    actors: Iterable[str] | None = None,
) -> tuple[ViewState, list[str]]:
    """The state a link describes, starting from ``defaults``, and a notice per ignored parameter."""
    notices = [f"unknown parameter {key!r} ignored" for key in params
               if key not in PARAMS and key not in IGNORED_PARAMS]
    bounds = _Bounds(first_day, last_day, defaults, None if actors is None else frozenset(actors))
    changes: dict = {}
    for key, (field, allowed) in LISTS.items():
        chosen = _choices(key, params.get(key), allowed, notices)
        if chosen is not None:
            changes[field] = chosen
    changes |= _decode_actors([v.strip() for v in _values(params.get("actor")) if v.strip()], bounds.actors, notices)
    for param, field in FIELD_PARAMS.items():
        values = _decode_field(param, params.get(param), notices)
        if values:
            changes[field] = values
    for key, check in SINGLE_VALUED.items():
        text = _last(params.get(key))
        if text is None:
            continue
        found, notice = check(text, bounds)
        changes |= found
        if notice:
            notices.append(notice)
    return replace(defaults, **changes), notices



def _view(text: str) -> tuple[float, float, int] | None:
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lon, zoom = float(parts[0]), float(parts[1]), float(parts[2])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 1 <= zoom <= 18 and zoom == int(zoom)):
        return None
    return (round(lat, 4), round(lon, 4), int(zoom))
