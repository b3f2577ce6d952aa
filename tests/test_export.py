"""Exports of a view: PNG, self-contained HTML, GeoJSON, CSV, the cite-this-view zip and the GIF timelapse."""

import csv
import io
import json
import re
import zipfile

import numpy as np
import pytest
from PIL import Image

from dashboard.core import export
from dashboard.core.permalink import ViewState, decode
from dashboard.core.query import state_on
from dashboard.core.render import LEGEND_WIDTH, events_line, picture_legend
from dashboard.core.timemodel import EventWindow
from dashboard.core.view import MapOptions
from dashboard.map.page import export_html
from tests.conftest import EVENTS, make_atlas


@pytest.fixture
def hostile_atlas(tmp_path):
    """The fixture atlas with markup in every text a page shows."""
    from dashboard.core.atlas import load_atlas

    events = [dict(EVENTS[0], summary='<img src=x onerror="alert(1)">', location="<b>West</b>"), *EVENTS[1:]]
    return load_atlas(make_atlas(tmp_path / "atlas", events=events))


@pytest.mark.parametrize("day", ["2020-10-01", "2020-11-15"])
def test_png_is_large_not_blank_and_changes_with_the_date(atlas, day):
    png = export.export_png(atlas, ViewState(day, window="all"))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size[0] >= 1200 and image.size[1] >= 800
    pixels = np.asarray(image.convert("L"))
    assert pixels.std() > 10  # not a blank canvas
    assert (pixels < 250).mean() > 0.05


WEST_INSIDE = (46.2, 39.8)  # lon, lat in the fixture's west square, clear of every marker, label and stamp
OUTSIDE = (45.6, 40.3)  # in the picture, outside every zone


@pytest.fixture
def png_pixel(monkeypatch):
    """``export_png`` and where a lon/lat falls in it: the renderer's own map transform, as the figure was saved."""
    from matplotlib import pyplot

    from dashboard.core import render

    seen = {}
    close = pyplot.close

    def keep_transform(fig):
        x0, _, x1, _ = render.EXTENT
        (ax,) = [a for a in fig.axes if a.get_xlim() == (x0, x1)]  # the map (the side panel has no extent)
        seen["transform"], seen["height"] = ax.transData.frozen(), fig.bbox.height
        close(fig)

    monkeypatch.setattr(pyplot, "close", keep_transform)

    def render_at(atlas, view: ViewState, *lon_lats: tuple[float, float]) -> list[tuple[int, int, int]]:
        """The PNG's RGB at each lon/lat."""
        image = Image.open(io.BytesIO(export.export_png(atlas, view))).convert("RGB")
        out = []
        for x, y in seen["transform"].transform(lon_lats):
            col, row = int(x), int(seen["height"] - y)  # matplotlib counts rows from the bottom
            assert 0 <= col < image.size[0] and 0 <= row < image.size[1]
            out.append(image.getpixel((col, row)))
        return out

    return render_at


def controller_tint(rgb) -> str | None:
    """The controller whose colour, laid over white at some opacity, is this pixel (None if neither is)."""
    from matplotlib.colors import to_rgb

    from dashboard.core.palette import CONTROLLER_COLOURS

    pixel, white = np.asarray(rgb[:3], dtype=float), np.full(3, 255.0)
    best, residual = None, 8.0  # in 0-255 units: anti-aliasing and PNG rounding stay well below it
    for code, colour in CONTROLLER_COLOURS.items():
        direction = np.asarray(to_rgb(colour)) * 255 - white
        alpha = np.clip((pixel - white) @ direction / (direction @ direction), 0, 1)
        distance = np.linalg.norm(white + alpha * direction - pixel)
        if alpha > 0.2 and distance < residual:
            best, residual = code, distance
    return best


def test_png_shows_each_dates_controller_inside_a_zone(atlas, png_pixel):
    tints = {}
    for day in ("2020-11-09", "2020-11-10"):  # the west square passes from ARM to AZ on 2020-11-10
        inside, outside = png_pixel(atlas, ViewState(day, window="all"), WEST_INSIDE, OUTSIDE)
        tints[day] = controller_tint(inside), controller_tint(outside)
    assert tints == {"2020-11-09": ("ARM", None), "2020-11-10": ("AZ", None)}


def test_html_is_self_contained_and_escapes_text(hostile_atlas):
    page = export_html(hostile_atlas, ViewState("2020-11-15", window="all"))
    assert not re.search(r"<script[^>]+src=[\"']?(https?:)?//", page)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", page)
    assert "L.map(" in page
    # popup data travels as JSON with <, > escaped: no text can close the script or open a tag
    assert "Report \\u003cb\\u003eA" in page
    assert "<b>A</b>" not in page
    assert "onerror=\"alert(1)\">" not in page




@pytest.mark.browser
def test_html_export_opens_offline_and_popups_show_escaped_sources(offline_file_page, hostile_atlas, tmp_path):
    page_file = tmp_path / "view.html"
    page_file.write_text(export_html(hostile_atlas, ViewState("2020-11-15", window="all")), encoding="utf-8")
    page, blocked = offline_file_page(page_file, (1000, 700))
    page.wait_for_selector(".leaflet-container .datetag")
    opened = page.evaluate("""() => {
        const map = Object.values(window).find(v => v && v instanceof L.Map);
        let done = false;
        map.eachLayer(l => {
            const f = l.feature;
            if (!done && f && f.id === "events:e1" && l.options.interactive !== false) {  // a click
                l.fire("click", {latlng: l.getLatLng(), originalEvent: new MouseEvent("click")}, true);
                done = true;
            }
        });
        return done;
    }""")
    assert opened
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.inner_html(".leaflet-popup-content")
    text = page.inner_text(".leaflet-popup-content")
    tags = page.evaluate("document.querySelectorAll('.leaflet-popup-content img, .leaflet-popup-content b')"
                         ".length")
    assert blocked == []
    assert '<img src=x onerror="alert(1)">' in text  # shown as text...
    assert tags == 0  # ...never as markup
    assert "Report <b>A</b>" in text
    assert 'rel="noopener noreferrer"' in popup and 'target="_blank"' in popup


def test_geojson_holds_exactly_the_visible_layers_and_filters(atlas):
    view = ViewState("2020-11-15", layers=("zones", "events"), claims=("confirmed",), window="all")
    doc = json.loads(export.export_geojson(atlas, view))
    layers = {f["properties"]["layer"] for f in doc["features"]}
    assert layers == {"control_zones", "events"}
    events = [f["properties"]["event_id"] for f in doc["features"] if f["properties"]["layer"] == "events"]
    assert events == ["e2"]  # e1 is claimed, e3 disputed
    assert all(f["properties"]["sources"] for f in doc["features"])
    assert doc["properties"]["date"] == "2020-11-15"


def test_csv_has_joined_columns_and_resolved_sources(atlas):
    rows = list(csv.DictReader(io.StringIO(export.export_csv(atlas, ViewState("2020-11-15", window="all")))))
    assert [r["event_id"] for r in rows] == ["e1", "e3", "e2"]
    assert rows[0]["controller"] == "ARM" and rows[0]["source_titles"] == "Report <b>A</b>"


def test_zip_holds_what_it_promises(atlas):
    view = ViewState("2020-11-15", layers=("zones", "posts", "events"), window="last-30")
    data = export.export_zip(atlas, view, "https://atlas.example.org/")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["README.md", "events.csv", "map.png", "sources.csv", "view.geojson"]
        readme = zf.read("README.md").decode()
        sources = list(csv.DictReader(io.StringIO(zf.read("sources.csv").decode())))
        Image.open(io.BytesIO(zf.read("map.png"))).verify()
        json.loads(zf.read("view.geojson"))
    assert "the situation on 2020-11-15" in readme
    assert "dataset version sha256:" in readme or "dataset version git " in readme
    link = re.search(r"https://atlas\.example\.org/\?\S+", readme).group(0)
    from urllib.parse import parse_qs, urlparse

    params = {k: v for k, v in parse_qs(urlparse(link).query).items()}
    restored, notices = decode(params, ViewState("2020-01-01"), first_day="1994-05-12", last_day="2024-06-30")
    assert notices == []
    assert (restored.day, restored.layers, restored.window) == ("2020-11-15", view.layers, "last-30")
    assert {s["source_id"] for s in sources} == {"src-a", "src-b"}


def test_gif_has_one_frame_per_step(atlas):
    frames = []

    def progress(i, n, day):
        frames.append((i, n, day))

    gif = export.timelapse_gif(atlas, ViewState("2020-11-01", window="last-30"), "2020-11-01", "2020-11-15", 7,
                               picture=export.Picture(600, 400), progress=progress)
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF"
    assert image.n_frames == 3
    assert frames == [(1, 3, "2020-11-01"), (2, 3, "2020-11-08"), (3, 3, "2020-11-15")]


@pytest.mark.parametrize(("start", "end", "step", "days"), [
    ("2020-01-01", "2020-01-01", 1, ["2020-01-01"]),
    ("2020-01-01", "2020-01-10", 4, ["2020-01-01", "2020-01-05", "2020-01-09"]),
])
def test_step_days(start, end, step, days):
    assert export.step_days(start, end, step) == days


@pytest.mark.parametrize(("start", "end", "step"), [("2020-01-02", "2020-01-01", 1), ("2020-01-01", "2020-01-02", 0)])
def test_step_days_rejects_nonsense(start, end, step):
    with pytest.raises(ValueError):
        export.step_days(start, end, step)


def test_png_of_the_bundled_atlas_draws_every_layer_kind():
    """The real data has what the tiny atlas lacks (corridor roads, stacked posts): every drawer runs."""
    from dashboard.core.atlas import default_data_dir, load_atlas

    real = load_atlas(default_data_dir())
    png = export.export_png(real, ViewState("2022-12-20", window="last-30"))  # blockade: road, zone, posts
    assert Image.open(io.BytesIO(png)).size == (1600, 1000)


@pytest.mark.parametrize(("layers", "window", "line"), [
    (("zones", "events"), EventWindow(last_days=7), "Events shown: 2020-11-06 to 2020-11-12"),
    (("zones", "events"), EventWindow(), "Events shown: all to 2020-11-12"),
    (("zones", "corridor"), EventWindow(), None),  # no events drawn: the picture does not speak of them
])
def test_a_picture_speaks_of_events_only_when_it_shows_them(atlas, layers, window, line):
    assert events_line(state_on(atlas, "2020-11-12", window), MapOptions(layers=layers)) == line



def test_the_picture_legend_wraps_labels_to_its_column():
    """The halo's label (~100 characters) ran off the PNG's right edge."""
    labels = [h.get_label() for h in picture_legend(MapOptions(), user_events=3)]
    assert all(len(line) <= LEGEND_WIDTH for label in labels for line in label.split("\n"))
    assert any("\n" in label and label.startswith("halo:") for label in labels)
    assert labels[-1] == "Your events (3)"
