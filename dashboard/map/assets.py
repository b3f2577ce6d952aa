"""The files the map loads (Leaflet and the atlas's own JS/CSS, all in ``static/``), linked or inlined.

Nothing is fetched: the app's map component serves ``static/`` itself, and a self-contained page carries
every file inline. Only Leaflet is vendored: the map uses none of folium's other default assets.
"""

from __future__ import annotations

import base64
import html as htmllib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

STATIC_DIR: Path = Path(__file__).resolve().parent / "static"
"""The component's folder: index.html, atlas/ (the project's JS and CSS) and vendor/ (Leaflet, see its README)."""

MAP_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "vendor/leaflet/1.9.3/leaflet.js"),
    ("leaflet_default_icon", "atlas/leaflet-default-icon.js"),
    ("atlas", "atlas/atlas.js"),
    ("atlas_engine", "atlas/engine.js"),
    ("atlas_control", "atlas/control.js"),
)
MAP_CSS: tuple[tuple[str, str], ...] = (
    ("leaflet_css", "vendor/leaflet/1.9.3/leaflet.css"),
    ("atlas_css", "atlas/atlas.css"),
    ("atlas_time_css", "atlas/time.css"),
)
"""The scripts and stylesheets of every map, in load order, relative to STATIC_DIR."""

_MIME = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml"}
_TAG_RE = re.compile(
    r"<!--.*?-->"
    r"|<script\b(?P<script_attrs>[^>]*)>.*?</script\s*>"
    r"|<style\b[^>]*>.*?</style\s*>"
    r"|<link\b(?P<link_attrs>[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
_ATTR_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
_SOURCE_MAP_RE = re.compile(r"(?m)^\s*//[#@] sourceMappingURL=\S*\s*$|/\*[#@] sourceMappingURL=[^*]*\*/")
_SCRIPT_ATTRS_DROPPED = {"src", "integrity", "crossorigin", "defer", "async", "charset", "referrerpolicy"}


def configure(fmap, prefix: str = "") -> None:
    """Give a folium map (this map only) the atlas's scripts and stylesheets, at ``prefix`` + relative path."""
    fmap.default_js = [(name, prefix + rel) for name, rel in MAP_JS]
    fmap.default_css = [(name, prefix + rel) for name, rel in MAP_CSS]


def asset_path(url: str) -> Path | None:
    """The file under STATIC_DIR that a relative URL names, or None (anything outside it is refused)."""
    parts = urlsplit(htmllib.unescape(url.strip()))
    if parts.scheme or parts.netloc:
        return None
    root = STATIC_DIR.resolve()
    candidate = (root / unquote(parts.path).lstrip("/")).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def _require(url: str, referrer: str | None = None) -> Path:
    path = asset_path(url)
    if path is None:
        where = f" (referenced by {referrer})" if referrer else ""
        raise ValueError(f"no local copy of {url!r}{where} under {STATIC_DIR}")
    return path


def _attrs(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _ATTR_RE.finditer(text):
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        attrs.setdefault(m.group(1).lower(), htmllib.unescape(value))
    return attrs


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _inline_css(css: str, css_path: Path) -> str:
    """CSS with every url() (images) turned into a data: URI; ValueError if one is missing."""
    root = STATIC_DIR.resolve()

    def replace(m: re.Match[str]) -> str:
        ref = next(g for g in m.groups() if g is not None).strip()
        if not ref or ref.startswith("#") or ref.lower().startswith("data:"):
            return m.group(0)
        target = (css_path.parent / unquote(urlsplit(ref).path)).resolve()
        if not (target.is_relative_to(root) and target.is_file()):
            raise ValueError(f"no local copy of {ref!r} (referenced by {css_path.name}) under {STATIC_DIR}")
        return f'url("{_data_uri(target)}")'

    css = _URL_RE.sub(replace, _SOURCE_MAP_RE.sub("", css))
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def _escape_script(js: str) -> str:
    """Make JS safe inside <script>: no `</script` end tag and no `<!--` escape-state opener."""
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return js.replace("<!--", "<\\!--")


def _leaflet_icon_fix(leaflet_js: Path) -> str:
    """A <script> giving Leaflet's default marker data: URI images (it guesses them from a CSS URL)."""
    images = leaflet_js.parent / "images"
    names = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}
    if not all((images / n).is_file() for n in names.values()):
        return ""
    options = ",".join(f'{key}:"{_data_uri(images / n)}"' for key, n in names.items())
    return f'<script>(function(){{var d=L.Icon.Default;d.imagePath="";d.mergeOptions({{{options}}});}})();</script>'


def inline_assets(html: str) -> str:
    """A self-contained copy of a rendered map page: scripts, stylesheets and images inline."""

    def replace(m: re.Match[str]) -> str:
        if m.group("script_attrs") is not None:
            attrs = _attrs(m.group("script_attrs"))
            if "src" not in attrs:
                return m.group(0)
            path = _require(attrs["src"])
            js = _SOURCE_MAP_RE.sub("", path.read_text(encoding="utf-8"))
            kept = "".join(f' {k}="{htmllib.escape(v)}"' for k, v in attrs.items() if k not in _SCRIPT_ATTRS_DROPPED)
            out = f"<script{kept}>{_escape_script(js)}</script>"
            return out + (_leaflet_icon_fix(path) if path.name == "leaflet.js" else "")
        if m.group("link_attrs") is not None:
            attrs = _attrs(m.group("link_attrs"))
            if "stylesheet" not in attrs.get("rel", "").lower().split() or "href" not in attrs:
                return m.group(0)
            path = _require(attrs["href"])
            media = f' media="{htmllib.escape(attrs["media"])}"' if "media" in attrs else ""
            return f"<style{media}>{_inline_css(path.read_text(encoding='utf-8'), path)}</style>"
        return m.group(0)

    return _TAG_RE.sub(replace, html)
