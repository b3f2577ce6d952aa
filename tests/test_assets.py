"""Offline assets: the map loads only files of its own folder, which a page can carry inline; no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import folium
import pytest

from dashboard.map import assets
from dashboard.map.basemap import base_map

URL_IN_CSS = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)


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


# --- what the map loads ---------------------------------------------------------------------------


def test_every_map_file_exists_and_only_leaflet_is_vendored():
    for _, rel in (*assets.MAP_JS, *assets.MAP_CSS):
        assert (assets.STATIC_DIR / rel).is_file(), rel
    vendored = {p.relative_to(assets.STATIC_DIR / "vendor").parts[0]
                for p in (assets.STATIC_DIR / "vendor").rglob("*") if p.is_file() and p.name != "README.md"}
    assert vendored == {"leaflet"}  # folium's other defaults (jQuery, Bootstrap, Font Awesome...) are unused


def test_a_map_is_configured_alone_and_folium_is_left_as_it_was(atlas):
    before = (list(folium.Map.default_js), list(folium.Map.default_css))
    fmap = base_map(atlas)
    assert [url for _, url in fmap.default_js] == [rel for _, rel in assets.MAP_JS]
    assert (list(folium.Map.default_js), list(folium.Map.default_css)) == before  # no class-wide patching
    fetched = Page(fmap.get_root().render()).fetched()
    assert fetched == [rel for _, rel in assets.MAP_JS] + [rel for _, rel in assets.MAP_CSS]


@pytest.mark.parametrize("css", sorted(assets.STATIC_DIR.rglob("*.css")), ids=lambda p: p.name)
def test_every_url_in_a_stylesheet_has_a_local_file(css):
    for m in URL_IN_CSS.finditer(css.read_text(encoding="utf-8")):
        ref = next(g for g in m.groups() if g is not None)
        if ref.startswith(("data:", "#")):
            continue
        assert "://" not in ref and not ref.startswith("//"), f"{css.name} fetches {ref}"
        assert (css.parent / ref.split("?")[0].split("#")[0]).resolve().is_file(), ref


def test_readme_lists_every_vendored_file_and_its_licence():
    vendor = assets.STATIC_DIR / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    for path in vendor.rglob("*"):
        if path.is_file() and path.name != "README.md" and "LICEN" not in path.name:
            rel = path.relative_to(vendor).as_posix()
            assert rel in readme or f"{path.parent.relative_to(vendor).as_posix()}/" in readme, rel
    assert list((vendor / "leaflet").rglob("*LICEN[CS]E*"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("vendor/leaflet/1.9.3/leaflet.js", "vendor/leaflet/1.9.3/leaflet.js"),
        ("atlas/atlas.css", "atlas/atlas.css"),
        ("vendor/leaflet/1.9.3/images/layers.png", "vendor/leaflet/1.9.3/images/layers.png"),
        ("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js", None),
        ("//cdn.example/leaflet.js", None),
        ("vendor/leaflet/1.9.3/missing.js", None),
        ("vendor/../../assets.py", None),
        ("../../core/atlas.py", None),
        ("vendor/leaflet/1.9.3", None),  # a folder is not an asset
    ],
)
def test_asset_path(url, expected):
    assert assets.asset_path(url) == (None if expected is None else (assets.STATIC_DIR / expected).resolve())


# --- inline_assets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inlined(tmp_path_factory) -> str:
    from dashboard.core.atlas import load_atlas

    from .conftest import make_atlas

    atlas = load_atlas(make_atlas(tmp_path_factory.mktemp("inline") / "atlas"))
    fmap = base_map(atlas)
    folium.Marker([39.7, 46.6]).add_to(fmap)  # Leaflet's default icon
    folium.LayerControl().add_to(fmap)
    return assets.inline_assets(fmap.get_root().render())


def test_inlined_page_fetches_nothing(inlined):
    page = Page(inlined)
    assert page.fetched() == []
    for tag, attrs in page.tags:
        for key in ("src", "href"):
            if tag in ("script", "link", "img", "style") and key in attrs:
                assert not attrs[key].startswith(("http://", "https://", "//")), (tag, attrs)


def test_inlined_css_points_only_at_data_uris(inlined):
    styles = Page(inlined).styles
    assert any("leaflet-container" in s for s in styles) and any(".atlas-legend" in s for s in styles)
    for style in styles:
        for m in URL_IN_CSS.finditer(style):
            ref = next(g for g in m.groups() if g is not None)
            assert ref.startswith(("data:", "#")), ref[:100]


def test_inlined_page_still_contains_leaflet_the_atlas_script_and_the_map(inlined):
    assert 'version="1.9.3"' in inlined and "window.atlas = atlas" in inlined and "L.map(" in inlined


def test_inlined_page_gives_leaflets_default_icon_data_uris(inlined):
    assert re.search(r'L\.Icon\.Default;d\.imagePath="";d\.mergeOptions\(\{iconUrl:"data:image/png;base64,', inlined)


def test_inlined_page_is_a_fixed_point(inlined):
    assert assets.inline_assets(inlined) == inlined


def test_inline_assets_leaves_inline_scripts_styles_and_other_links_alone():
    html = (
        '<html><head><script>var a = "<script src=https://x.example/a.js>";</script>'
        '<style>b { color: red }</style><link rel="icon" href="data:,">'
        "<!-- <script src='https://x.example/b.js'></script> --></head></html>"
    )
    assert assets.inline_assets(html) == html


@pytest.fixture
def fake_static(tmp_path, monkeypatch):
    """A throw-away STATIC_DIR with hostile or broken files."""
    monkeypatch.setattr(assets, "STATIC_DIR", tmp_path)
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "evil.js").write_text(
        'var s = "</script><script>alert(1)</SCRIPT>"; var c = "<!-- <script>"; var d = 1;', encoding="utf-8"
    )
    (tmp_path / "x" / "img.png").write_bytes(b"png-fake")
    (tmp_path / "x" / "ok.css").write_text('.i{background:url("img.png")}.s:after{content:"</style>"}',
                                           encoding="utf-8")
    (tmp_path / "x" / "broken.css").write_text(".a{background:url(../img/missing.png)}", encoding="utf-8")
    return tmp_path


def test_inlined_script_cannot_end_the_script_element(fake_static):
    out = assets.inline_assets('<html><head><script src="x/evil.js"></script></head><body><p>after</p></body></html>')
    page = Page(out)
    assert len(page.scripts) == 1 and [t for t, _ in page.tags].count("p") == 1
    assert "<\\/script>" in page.scripts[0] and "<\\/SCRIPT>" in page.scripts[0]
    # JS reads "<\/" as "</" and "<\!" as "<!": the code still means what it meant
    original = (fake_static / "x" / "evil.js").read_text(encoding="utf-8")
    assert page.scripts[0].replace("<\\/", "</").replace("<\\!", "<!") == original


def test_inlined_css_has_data_uris_and_cannot_end_the_style_element(fake_static):
    (style,) = Page(assets.inline_assets('<link rel="stylesheet" href="x/ok.css"/>')).styles
    assert "data:image/png;base64,cG5nLWZha2U=" in style  # base64 of b"png-fake"
    assert "</style" not in style.lower()


@pytest.mark.parametrize(
    ("html", "named"),
    [
        ('<script src="https://example.org/lib.js"></script>', "https://example.org/lib.js"),
        ("<script src='x/nope.js'></script>", "x/nope.js"),
        ('<link rel="stylesheet" href="https://example.org/s.css"/>', "https://example.org/s.css"),
        ('<link href="../secret.css" rel="stylesheet">', "../secret.css"),
        ('<link rel="stylesheet" href="x/broken.css">', "../img/missing.png"),
    ],
)
def test_missing_asset_raises_value_error_naming_it(fake_static, html, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        assets.inline_assets(html)


@pytest.mark.browser
def test_inlined_page_renders_in_chromium_without_network(offline_file_page, inlined, tmp_path):
    page_file = tmp_path / "map.html"
    page_file.write_text(inlined, encoding="utf-8")
    page, blocked = offline_file_page(page_file, (800, 600))
    page.wait_for_selector(".leaflet-control-zoom-in")
    state = page.evaluate(
        """() => ({
            markers: [...document.querySelectorAll('img.leaflet-marker-icon')]
                .map(i => i.complete && i.naturalWidth > 0),
            legend: !!document.querySelector('.atlas-legend'),
            layers: getComputedStyle(document.querySelector('.leaflet-control-layers-toggle'))
                .backgroundImage.startsWith('url("data:image/png'),
        })"""
    )
    assert blocked == []
    assert state == {"markers": [True], "legend": True, "layers": True}
