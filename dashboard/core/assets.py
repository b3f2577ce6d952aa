"""Offline copies of the JS/CSS/fonts folium loads from CDNs, and helpers to serve or inline them."""

from __future__ import annotations

import base64
import html as htmllib
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from urllib.parse import unquote, urlsplit

VENDOR_DIR: Path = Path(__file__).resolve().parent.parent / "static" / "vendor"
"""The vendored files (see its README.md); tools/vendor_assets.py re-creates it."""

STATIC_URL_PREFIX = "/app/static/vendor"
"""Where Streamlit serves VENDOR_DIR (`--server.enableStaticServing true`, app at dashboard/app.py)."""

CDN_TO_LOCAL: dict[str, str] = {
    # folium.Map.default_js
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet/1.9.3/leaflet.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/3.7.1/jquery-3.7.1.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/5.2.2/js/bootstrap.bundle.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.js"
    ),
    # folium.Map.default_css
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet/1.9.3/leaflet.css",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/5.2.2/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "bootstrap/3.4.1/css/bootstrap-glyphicons.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome-free/6.2.0/css/all.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (
        "folium/leaflet.awesome.rotate.min.css"
    ),
    # folium.plugins.MarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/1.1.0/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster/1.1.0/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/1.1.0/MarkerCluster.Default.css"
    ),
    # folium.plugins.Timeline / TimelineSlider
    "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js": (
        "leaflet.timeline/1.6.0/leaflet.timeline.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": "moment/2.18.1/moment.min.js",
    # branca colormaps (legends) add this one in their render(); inline_assets handles it
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3/3.5.5/d3.min.js",
}
"""Each CDN URL folium (and branca's colormaps) put in a page -> its copy, relative to VENDOR_DIR."""

PATCHED_CLASSES: tuple[tuple[str, str], ...] = (
    ("folium", "Map"),
    ("folium.plugins", "MarkerCluster"),
    ("folium.plugins", "Timeline"),
    ("folium.plugins", "TimelineSlider"),
)
"""The folium classes (module, name) whose default_js/default_css use_local_assets rewrites."""

LOCAL_JS_AFTER: dict[str, tuple[str, str]] = {
    "leaflet/1.9.3/leaflet.js": ("leaflet_default_icon", "atlas/leaflet-default-icon.js"),
}
"""Project shims (name, path under VENDOR_DIR) use_local_assets loads right after a vendored script."""

_MIME = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
}
# Cheapest first: inline_assets keeps one font format per @font-face (every browser with
# Bootstrap 5 reads woff2), so a self-contained page does not carry each font three times.
_FONT_RANK = {"woff2": 0, "woff": 1, "truetype": 2, "ttf": 2, "opentype": 3, "otf": 3}

_ORIGINALS: dict[type, dict[str, tuple[tuple[str, str], ...]]] = {}
_PREFIXES: set[str] = {STATIC_URL_PREFIX}

_TAG_RE = re.compile(
    r"<!--.*?-->"
    r"|<script\b(?P<script_attrs>[^>]*)>.*?</script\s*>"
    r"|<style\b[^>]*>.*?</style\s*>"
    r"|<link\b(?P<link_attrs>[^>]*)>",
    re.IGNORECASE | re.DOTALL,
)
_ATTR_RE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
_FONT_FACE_RE = re.compile(r"@font-face\s*\{([^{}]*)\}", re.IGNORECASE)
_SOURCE_MAP_RE = re.compile(r"(?m)^\s*//[#@] sourceMappingURL=\S*\s*$|/\*[#@] sourceMappingURL=[^*]*\*/")
_SCRIPT_ATTRS_DROPPED = {
    "src",
    "integrity",
    "crossorigin",
    "defer",
    "async",
    "charset",
    "referrerpolicy",
}


def _folium_classes() -> Iterator[type]:
    """Import and yield the classes named in PATCHED_CLASSES."""
    for module, name in PATCHED_CLASSES:
        yield getattr(import_module(module), name)


def _originals(cls: type) -> dict[str, tuple[tuple[str, str], ...]]:
    """Folium's own (CDN) default_js/default_css of cls, remembered before the first rewrite."""
    if cls not in _ORIGINALS:
        _ORIGINALS[cls] = {
            attr: tuple(tuple(pair) for pair in getattr(cls, attr))
            for attr in ("default_js", "default_css")
            if hasattr(cls, attr)
        }
    return _ORIGINALS[cls]


def folium_cdn_urls() -> list[str]:
    """Every CDN URL that folium's PATCHED_CLASSES load by default, in order, without duplicates."""
    urls: dict[str, None] = {}
    for cls in _folium_classes():
        for pairs in _originals(cls).values():
            urls.update((url, None) for _, url in pairs)
    return list(urls)


def unmapped_urls() -> list[str]:
    """URLs folium loads that CDN_TO_LOCAL does not map, or maps to a file that is missing."""
    return [
        url for url in folium_cdn_urls() if url not in CDN_TO_LOCAL or not (VENDOR_DIR / CDN_TO_LOCAL[url]).is_file()
    ]


def use_local_assets(url_prefix: str) -> None:
    """Point folium's default_js/default_css (PATCHED_CLASSES) at url_prefix + "/" + local path."""
    missing = unmapped_urls()
    if missing:
        raise ValueError(f"no local copy under {VENDOR_DIR} of: {', '.join(missing)}")
    prefix = url_prefix.rstrip("/")
    for cls in _folium_classes():
        for attr, pairs in _originals(cls).items():
            local = []
            for name, url in pairs:
                rel = CDN_TO_LOCAL[url]
                local.append((name, f"{prefix}/{rel}"))
                if attr == "default_js" and rel in LOCAL_JS_AFTER:
                    shim_name, shim_rel = LOCAL_JS_AFTER[rel]
                    local.append((shim_name, f"{prefix}/{shim_rel}"))
            setattr(cls, attr, local)
    _PREFIXES.add(prefix)


def use_cdn_assets() -> None:
    """Undo use_local_assets: give PATCHED_CLASSES folium's own CDN lists back."""
    for cls in _folium_classes():
        for attr, pairs in _originals(cls).items():
            setattr(cls, attr, list(pairs))


def _inside_vendor(rel: str) -> Path | None:
    """VENDOR_DIR / rel if that is an existing file inside VENDOR_DIR, else None."""
    root = VENDOR_DIR.resolve()
    candidate = (root / rel).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


def asset_path(url: str) -> Path | None:
    """The local file for a CDN URL or a URL under a local prefix (see use_local_assets), or None."""
    url = htmllib.unescape(url.strip())
    cdn = "https:" + url if url.startswith("//") else url
    cdn = "https://" + cdn[len("http://") :] if cdn.startswith("http://") else cdn
    if cdn in CDN_TO_LOCAL:
        return _inside_vendor(CDN_TO_LOCAL[cdn])
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.scheme == "file":
        candidate = Path(path).resolve()
        root = VENDOR_DIR.resolve()
        return candidate if candidate.is_relative_to(root) and candidate.is_file() else None
    for prefix in sorted(_PREFIXES, key=len, reverse=True):
        pre = urlsplit(prefix)
        pre_path = unquote(pre.path).rstrip("/") + "/"
        if (pre.scheme, pre.netloc) == (parts.scheme, parts.netloc) and path.startswith(pre_path):
            return _inside_vendor(path[len(pre_path) :])
    if not parts.scheme and not parts.netloc and "static/vendor/" in path:
        return _inside_vendor(path.split("static/vendor/", 1)[1])
    return None


def _require(url: str, referrer: str | None = None) -> Path:
    """asset_path(url), or a ValueError naming the URL when there is no local copy."""
    path = asset_path(url)
    if path is None:
        where = f" (referenced by {referrer})" if referrer else ""
        raise ValueError(f"no local copy of {url!r}{where} under {VENDOR_DIR}")
    return path


def _attrs(text: str) -> dict[str, str]:
    """Attributes of an HTML start tag's inside, names lower-cased, values unescaped."""
    attrs: dict[str, str] = {}
    for m in _ATTR_RE.finditer(text):
        value = next((g for g in m.group(2, 3, 4) if g is not None), "")
        attrs.setdefault(m.group(1).lower(), htmllib.unescape(value))
    return attrs


def _data_uri(path: Path) -> str:
    """The file as a base64 data: URI."""
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _split_top_level(text: str, sep: str) -> list[str]:
    """Split CSS text on sep, ignoring separators inside quotes or parentheses."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _font_rank(entry: str) -> int:
    """How preferable one @font-face src entry is (lower is better)."""
    fmt = re.search(r"format\(\s*['\"]?([\w-]+)", entry)
    if fmt:
        return _FONT_RANK.get(fmt.group(1).lower(), 9)
    url = _URL_RE.search(entry)
    if url:
        ref = next(g for g in url.groups() if g is not None)
        ext = Path(urlsplit(ref).path).suffix.lstrip(".").lower()
        return _FONT_RANK.get(ext, 9)
    return 9


def _one_font_format(match: re.Match[str]) -> str:
    """Reduce an @font-face rule to its last src descriptor's local() entries and best url()."""
    decls = [d for d in _split_top_level(match.group(1), ";") if d.strip()]
    srcs = [d for d in decls if d.split(":", 1)[0].strip().lower() == "src"]
    if not srcs:
        return match.group(0)
    entries = [e.strip() for e in _split_top_level(srcs[-1].split(":", 1)[1], ",") if e.strip()]
    local = [e for e in entries if e.lower().startswith("local(")]
    remote = [e for e in entries if not e.lower().startswith("local(")]
    kept = local + ([min(remote, key=_font_rank)] if remote else [])
    others = [d.strip() for d in decls if d not in srcs]
    return "@font-face{" + ";".join([*others, "src:" + ",".join(kept)]) + "}"


def _inline_css(css: str, css_path: Path, url: str) -> str:
    """CSS with every url() (fonts, images) turned into a data: URI; ValueError if one is missing."""
    css = _SOURCE_MAP_RE.sub("", css)
    css = _FONT_FACE_RE.sub(_one_font_format, css)
    cache: dict[Path, str] = {}

    def replace(m: re.Match[str]) -> str:
        ref = next(g for g in m.groups() if g is not None).strip()
        if not ref or ref.startswith("#") or ref.lower().startswith("data:"):
            return m.group(0)
        parts = urlsplit(ref)
        if parts.scheme or ref.startswith("//"):
            target = _require(ref, url)
        else:
            root = VENDOR_DIR.resolve()
            target = (css_path.parent / unquote(parts.path)).resolve()
            if not (target.is_relative_to(root) and target.is_file()):
                raise ValueError(f"no local copy of {ref!r} (referenced by {url}) under {VENDOR_DIR}")
        if target not in cache:
            cache[target] = _data_uri(target)
        fragment = f"#{parts.fragment}" if parts.fragment and target.suffix == ".svg" else ""
        return f'url("{cache[target]}{fragment}")'

    css = _URL_RE.sub(replace, css)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def _escape_script(js: str) -> str:
    """Make JS safe inside <script>: no `</script` end tag and no `<!--` escape-state opener."""
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return js.replace("<!--", "<\\!--")


def _leaflet_icon_fix(leaflet_js: Path) -> str:
    """A <script> giving Leaflet's default marker data: URI images (it guesses them from a CSS URL)."""
    images = leaflet_js.parent / "images"
    names = {
        "iconUrl": "marker-icon.png",
        "iconRetinaUrl": "marker-icon-2x.png",
        "shadowUrl": "marker-shadow.png",
    }
    if not all((images / n).is_file() for n in names.values()):
        return ""
    options = ",".join(f'{key}:"{_data_uri(images / n)}"' for key, n in names.items())
    return f'<script>(function(){{var d=L.Icon.Default;d.imagePath="";d.mergeOptions({{{options}}});}})();</script>'


def inline_assets(html: str) -> str:
    """A self-contained copy of a rendered folium page: scripts, stylesheets, fonts and images inline."""

    def replace(m: re.Match[str]) -> str:
        if m.group("script_attrs") is not None:
            attrs = _attrs(m.group("script_attrs"))
            if "src" not in attrs:
                return m.group(0)
            path = _require(attrs["src"])
            js = _SOURCE_MAP_RE.sub("", path.read_text(encoding="utf-8"))
            kept = "".join(f' {k}="{htmllib.escape(v)}"' for k, v in attrs.items() if k not in _SCRIPT_ATTRS_DROPPED)
            out = f"<script{kept}>{_escape_script(js)}</script>"
            if path.name == "leaflet.js":
                out += _leaflet_icon_fix(path)
            return out
        if m.group("link_attrs") is not None:
            attrs = _attrs(m.group("link_attrs"))
            if "stylesheet" not in attrs.get("rel", "").lower().split() or "href" not in attrs:
                return m.group(0)
            path = _require(attrs["href"])
            css = _inline_css(path.read_text(encoding="utf-8"), path, attrs["href"])
            media = f' media="{htmllib.escape(attrs["media"])}"' if "media" in attrs else ""
            return f"<style{media}>{css}</style>"
        return m.group(0)

    return _TAG_RE.sub(replace, html)
