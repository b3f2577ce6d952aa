"""Offline assets: every CDN file folium loads has a local copy, served or inlined, and no network is used."""

from __future__ import annotations

import contextlib
import importlib
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from folium import plugins

from dashboard.core import assets

PREFIX = assets.STATIC_URL_PREFIX
URL_IN_CSS = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)


@contextlib.contextmanager
def folium_lists_restored():
    """Give back the classes' default_js/default_css as they were (another module may have patched them)."""
    classes = [getattr(importlib.import_module(module), name) for module, name in assets.PATCHED_CLASSES]
    attrs = ("default_js", "default_css")
    saved = [(cls, attr, list(getattr(cls, attr))) for cls in classes for attr in attrs if hasattr(cls, attr)]
    try:
        yield
    finally:
        for cls, attr, pairs in saved:
            setattr(cls, attr, pairs)


@pytest.fixture(autouse=True)
def _cdn_assets():
    """Every test starts with folium's own CDN lists and leaves the lists as it found them."""
    with folium_lists_restored():
        assets.use_cdn_assets()
        yield


class Page(HTMLParser):
    """What a browser would fetch or run: script/link tags, script bodies, style bodies."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data

    def fetched(self) -> list[str]:
        """URLs of external scripts and stylesheets."""
        out = []
        for tag, attrs in self.tags:
            if tag == "script" and "src" in attrs:
                out.append(attrs["src"])
            if tag == "link" and "stylesheet" in attrs.get("rel", "").split():
                out.append(attrs["href"])
        return out


# --- tiny maps built in code --------------------------------------------------------------------


def plain_map() -> folium.Map:
    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None)
    folium.Marker([39.76, 46.75], tooltip="glyphicon", icon=folium.Icon(icon="info-sign", color="red")).add_to(m)
    folium.Marker([39.82, 46.6], icon=folium.Icon(icon="flag", prefix="fa", angle=45)).add_to(m)
    folium.Marker([39.7, 46.6]).add_to(m)  # Leaflet's default icon
    folium.LayerControl().add_to(m)
    return m


def cluster_map() -> folium.Map:
    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None, max_zoom=18)
    cluster = plugins.MarkerCluster().add_to(m)
    for i in range(5):
        folium.Marker([39.8 + i * 0.001, 46.75]).add_to(cluster)
    return m


def timeline_map() -> folium.Map:
    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None)
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [46.75, 39.76]},
                "properties": {"start": "2020-11-08", "end": "2020-11-10"},
            }
        ],
    }
    timeline = plugins.Timeline(data).add_to(m)
    plugins.TimelineSlider(auto_play=False).add_timelines(timeline).add_to(m)
    return m


def legend_map() -> folium.Map:
    import branca.colormap

    m = folium.Map(location=[39.8, 46.75], zoom_start=9, tiles=None)
    branca.colormap.LinearColormap(["white", "red"], vmin=0, vmax=10, caption="events").add_to(m)
    return m


MAPS = [plain_map, cluster_map, timeline_map]


def render(build) -> str:
    return build().get_root().render()


# --- the mapping ----------------------------------------------------------------------------------


def folium_lists() -> list[tuple[str, str]]:
    """(class, url) for every URL in the default lists of the classes we rewrite."""
    out = []
    with folium_lists_restored():
        assets.use_cdn_assets()
        for module, name in assets.PATCHED_CLASSES:
            cls = getattr(importlib.import_module(module), name)
            out += [(name, url) for _, url in (*cls.default_js, *getattr(cls, "default_css", []))]
    return out


@pytest.mark.parametrize(("cls", "url"), folium_lists())
def test_every_folium_cdn_url_maps_to_an_existing_file(cls, url):
    assert url.startswith("https://"), f"{cls}: {url} is not a CDN URL (left patched by another test?)"
    assert url in assets.CDN_TO_LOCAL, f"{cls} loads {url}, which has no local copy in CDN_TO_LOCAL"
    path = assets.VENDOR_DIR / assets.CDN_TO_LOCAL[url]
    assert path.is_file() and path.stat().st_size > 0
    assert assets.asset_path(url) == path.resolve()


def test_no_folium_url_is_unmapped():
    assert folium.Map.default_js and folium.Map.default_css
    assert assets.unmapped_urls() == []


@pytest.mark.parametrize(("url", "rel"), sorted(assets.CDN_TO_LOCAL.items()))
def test_mapped_copy_exists_with_the_same_kind(url, rel):
    path = assets.VENDOR_DIR / rel
    assert path.is_file(), rel
    assert Path(url).suffix == path.suffix  # .js stays .js, .css stays .css


def vendored_css() -> list[Path]:
    return sorted(assets.VENDOR_DIR.rglob("*.css"))


@pytest.mark.parametrize("css", vendored_css(), ids=lambda p: str(p.relative_to(assets.VENDOR_DIR)))
def test_every_url_in_vendored_css_has_a_local_file(css):
    for m in URL_IN_CSS.finditer(css.read_text(encoding="utf-8")):
        ref = next(g for g in m.groups() if g is not None)
        if ref.startswith(("data:", "#")):
            continue
        assert "://" not in ref and not ref.startswith("//"), f"{css.name} fetches {ref}"
        target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
        assert target.is_file(), f"{css.name} references {ref}, missing under vendor/"


def test_readme_lists_every_file_and_each_package_keeps_its_licence():
    readme = (assets.VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    for url, rel in assets.CDN_TO_LOCAL.items():
        assert url in readme and rel in readme
    files = [p for p in assets.VENDOR_DIR.rglob("*") if p.is_file() and p.name != "README.md"]
    for path in files:
        rel = path.relative_to(assets.VENDOR_DIR).as_posix()
        if "LICEN" not in path.name:
            assert rel in readme or f"{path.parent.relative_to(assets.VENDOR_DIR).as_posix()}/" in readme, rel
    for package in {p.relative_to(assets.VENDOR_DIR).parts[0] for p in files} - {"atlas"}:
        assert list((assets.VENDOR_DIR / package).rglob("*LICEN[CS]E*")), f"{package} has no licence file"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "leaflet/1.9.3/leaflet.js"),
        ("//cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", "leaflet/1.9.3/leaflet.js"),
        ("http://code.jquery.com/jquery-3.7.1.min.js", "jquery/3.7.1/jquery-3.7.1.min.js"),
        ("/app/static/vendor/leaflet/1.9.3/leaflet.css", "leaflet/1.9.3/leaflet.css"),
        ("static/vendor/leaflet/1.9.3/images/layers.png", "leaflet/1.9.3/images/layers.png"),
        ((assets.VENDOR_DIR / "moment/2.18.1/moment.min.js").as_uri(), "moment/2.18.1/moment.min.js"),
        ("https://example.org/leaflet.js", None),
        ("https://evil.example/app/static/vendor/leaflet/1.9.3/leaflet.js", None),
        ("/app/static/vendor/leaflet/1.9.3/missing.js", None),
        ("/app/static/vendor/../../core/assets.py", None),
        ("/app/static/vendor/leaflet/1.9.3", None),  # a folder is not an asset
    ],
)
def test_asset_path(url, expected):
    found = assets.asset_path(url)
    assert found == (None if expected is None else (assets.VENDOR_DIR / expected).resolve())


# --- use_local_assets ---------------------------------------------------------------------------


@pytest.mark.parametrize("build", MAPS, ids=lambda f: f.__name__)
def test_use_local_assets_makes_the_page_reference_only_the_prefix(build):
    assets.use_local_assets(PREFIX)
    html = render(build)
    fetched = Page(html).fetched()
    assert fetched
    for url in fetched:
        assert url.startswith(PREFIX + "/"), url
        assert assets.asset_path(url) is not None, url
    assert "cdn.jsdelivr.net" not in html and "cdnjs.cloudflare.com" not in html and "code.jquery.com" not in html


def test_use_local_assets_is_idempotent_and_reversible():
    cdn = (list(folium.Map.default_js), list(folium.Map.default_css))
    assets.use_local_assets(PREFIX)
    once = (list(folium.Map.default_js), list(folium.Map.default_css), list(plugins.MarkerCluster.default_js))
    assets.use_local_assets(PREFIX + "/")  # a trailing slash changes nothing
    assets.use_local_assets(PREFIX)
    assert (list(folium.Map.default_js), list(folium.Map.default_css), list(plugins.MarkerCluster.default_js)) == once
    assert all(url.startswith(PREFIX + "/") for _, url in once[0] + once[1] + once[2])
    names = [name for name, _ in once[0]]
    assert names[: names.index("leaflet") + 2] == ["leaflet", "leaflet_default_icon"]  # shim right after Leaflet
    assets.use_local_assets("/elsewhere")
    assert all(url.startswith("/elsewhere/") for _, url in folium.Map.default_js)
    assets.use_cdn_assets()
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == cdn


# --- inline_assets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inlined() -> dict[tuple[str, str], str]:
    """Each tiny map rendered with CDN URLs and with local URLs, then inlined."""
    out = {}
    with folium_lists_restored():
        for mode in ("cdn", "local"):
            if mode == "local":
                assets.use_local_assets(PREFIX)
            else:
                assets.use_cdn_assets()
            for build in [*MAPS, legend_map]:
                out[(mode, build.__name__)] = assets.inline_assets(render(build))
    return out


CASES = [(mode, b.__name__) for mode in ("cdn", "local") for b in [*MAPS, legend_map]]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_inlined_page_fetches_no_script_or_stylesheet(inlined, case):
    page = Page(inlined[case])
    assert page.fetched() == []
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            if tag in ("script", "link", "img", "style") and key in attrs:
                assert not attrs[key].startswith(("http://", "https://", "//")), (tag, attrs)


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_inlined_css_points_only_at_data_uris(inlined, case):
    styles = Page(inlined[case]).styles
    assert any("leaflet-container" in s for s in styles)  # leaflet.css is there
    for style in styles:
        for m in URL_IN_CSS.finditer(style):
            ref = next(g for g in m.groups() if g is not None)
            assert ref.startswith(("data:", "#")), ref[:100]


@pytest.mark.parametrize("case", CASES, ids="-".join)
def test_inlined_page_still_contains_leaflet_and_the_map(inlined, case):
    html = inlined[case]
    assert 'version="1.9.3"' in html  # Leaflet's own code
    assert "L.map(" in html  # folium's map script


def test_inlined_fonts_keep_one_format_each(inlined):
    styles = "".join(Page(inlined[("cdn", "plain_map")]).styles)
    assert "Font Awesome Free 6.2.0" in styles and "Glyphicons Halflings" in styles
    assert "data:font/woff2;base64," in styles
    assert "data:font/ttf" not in styles and "font/woff;" not in styles


def test_inlined_page_gives_leaflets_default_icon_data_uris(inlined):
    html = inlined[("local", "plain_map")]
    assert re.search(r'L\.Icon\.Default;d\.imagePath="";d\.mergeOptions\(\{iconUrl:"data:image/png;base64,', html)


def test_inlined_page_is_a_fixed_point(inlined):
    html = inlined[("local", "cluster_map")]
    assert assets.inline_assets(html) == html


def test_inline_assets_leaves_inline_scripts_styles_and_other_links_alone():
    html = (
        '<html><head><script>var a = "<script src=https://x.example/a.js>";</script>'
        '<style>b { color: red }</style><link rel="icon" href="data:,">'
        "<!-- <script src='https://x.example/b.js'></script> --></head></html>"
    )
    assert assets.inline_assets(html) == html


@pytest.fixture
def fake_vendor(tmp_path, monkeypatch):
    """A throw-away VENDOR_DIR with hostile or broken files."""
    monkeypatch.setattr(assets, "VENDOR_DIR", tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "evil.js").write_text(
        'var s = "</script><script>alert(1)</SCRIPT>"; var c = "<!-- <script>"; var d = 1;', encoding="utf-8"
    )
    (tmp_path / "x" / "f.woff2").write_bytes(b"wOF2-fake")
    (tmp_path / "x" / "f.ttf").write_bytes(b"ttf-fake")
    (tmp_path / "x" / "fonts.css").write_text(
        '@font-face{font-family:"F";src:url(f.eot);src:url("f.woff2?v=1") format("woff2"),'
        'url(\'f.ttf\') format("truetype")}.i{font-family:F}.s:after{content:"</style>"}',
        encoding="utf-8",
    )
    (tmp_path / "x" / "broken.css").write_text(".a{background:url(../img/missing.png)}", encoding="utf-8")
    return tmp_path


def test_inlined_script_cannot_end_the_script_element(fake_vendor):
    html = f'<html><head><script src="{PREFIX}/x/evil.js"></script></head><body><p>after</p></body></html>'
    out = assets.inline_assets(html)
    page = Page(out)
    assert len(page.scripts) == 1 and [t for t, _ in page.tags].count("p") == 1
    assert "<\\/script>" in page.scripts[0] and "<\\/SCRIPT>" in page.scripts[0]
    # JS reads "<\/" as "</" and "<\!" as "<!": the code still means what it meant
    original = (fake_vendor / "x" / "evil.js").read_text(encoding="utf-8")
    assert page.scripts[0].replace("<\\/", "</").replace("<\\!", "<!") == original


def test_inlined_css_has_data_uris_and_one_font_format(fake_vendor):
    out = assets.inline_assets(f'<link rel="stylesheet" href="{PREFIX}/x/fonts.css"/>')
    (style,) = Page(out).styles
    assert "data:font/woff2;base64,d09GMi1mYWtl" in style  # base64 of b"wOF2-fake"
    assert "f.ttf" not in style and "truetype" not in style and "f.eot" not in style
    assert "</style" not in style.lower()


@pytest.mark.parametrize(
    ("html", "named"),
    [
        ('<script src="https://example.org/lib.js"></script>', "https://example.org/lib.js"),
        ("<script src='/app/static/vendor/x/nope.js'></script>", "/app/static/vendor/x/nope.js"),
        ('<link rel="stylesheet" href="https://example.org/s.css"/>', "https://example.org/s.css"),
        ('<link href="/app/static/vendor/../secret.css" rel="stylesheet">', "/app/static/vendor/../secret.css"),
        ('<link rel="stylesheet" href="/app/static/vendor/x/broken.css">', "../img/missing.png"),
    ],
)
def test_missing_asset_raises_value_error_naming_it(fake_vendor, html, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        assets.inline_assets(html)


# --- a real browser with no network ---------------------------------------------------------------




@pytest.mark.browser
def test_inlined_page_renders_in_chromium_without_network(offline_file_page, inlined, tmp_path):
    page_file = tmp_path / "map.html"
    page_file.write_text(inlined[("local", "plain_map")], encoding="utf-8")
    page, blocked = offline_file_page(page_file, (800, 600))
    page.wait_for_selector(".leaflet-control-zoom-in")
    state = page.evaluate(
        """async () => {
            await document.fonts.ready;
            const loaded = name => [...document.fonts]
                .some(f => f.family.replace(/"/g, '') === name && f.status === 'loaded');
            return {
                markers: [...document.querySelectorAll('img.leaflet-marker-icon')]
                    .map(i => i.complete && i.naturalWidth > 0),
                awesome: document.querySelectorAll('.awesome-marker:not(.awesome-marker-shadow)').length,
                fa: loaded('Font Awesome 6 Free'),
                glyph: loaded('Glyphicons Halflings'),
                layers: getComputedStyle(document.querySelector('.leaflet-control-layers-toggle'))
                    .backgroundImage.startsWith('url("data:image/png'),
            };
        }"""
    )
    assert blocked == []
    assert state == {"markers": [True], "awesome": 2, "fa": True, "glyph": True, "layers": True}
