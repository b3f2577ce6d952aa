"""``python -m dashboard build``: derive the GeoJSON layers from the tables, deterministically."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import shape

from .. import tables as core_tables
from ..inputfile import Refused, read_json
from ..problems import Problem, Report
from . import tables
from .corridor import build_corridor
from .geometry import to_metric
from .incidents import build_incidents
from .posts import build_posts
from .zones import build_cells, build_zones

OUTPUTS = ("control_zones", "mapped_area", "lachin_corridor", "peacekeeper_posts", "border_incidents")


def build_all(data_dir: Path) -> tuple[dict[str, dict], list[Problem]]:
    """Read the tables in ``data_dir/geodata`` and return every built layer, and the problems found."""
    report = Report()
    sources = core_tables.validate_table(core_tables.SOURCES, data_dir, report, None)
    known = {s["source_id"] for s in sources}
    places = core_tables.validate_table(core_tables.PLACES, data_dir, report, known)
    rows = {spec.key: core_tables.validate_table(spec, data_dir, report, known)
            for spec in (tables.CONTROL_CHANGES, tables.CORRIDOR_ROUTES, tables.CORRIDOR_STATUS,
                         tables.PEACEKEEPER_POSTS, tables.BORDER_INCIDENTS)}
    optional = tables.PEACEKEEPING_STAGES  # an atlas without the stages has zones without them
    rows[optional.key] = (core_tables.validate_table(optional, data_dir, report, known)
                          if (data_dir / optional.path).exists() else [])
    problems = list(report.problems)
    if problems:  # building from invalid tables would silently drop rows: refuse instead
        return {}, problems
    by_id = {p["place_id"]: p for p in places}
    country, country_sources = home_country(data_dir)
    zones, outline, zone_problems = build_zones(places, rows["control_changes"], country, country_sources,
                                                stages=rows["peacekeeping_stages"])
    _, cells, _ = build_cells(places, country)
    corridor, corridor_problems = build_corridor(by_id, rows["corridor_routes"], rows["corridor_status"], cells)
    posts, post_problems = build_posts(by_id, rows["peacekeeper_posts_table"])
    incidents = build_incidents(rows["border_incidents_table"])
    layers = {"control_zones": zones, "mapped_area": outline, "lachin_corridor": corridor,
              "peacekeeper_posts": posts, "border_incidents": incidents}
    return layers, zone_problems + corridor_problems + post_problems


def home_country(data_dir: Path):
    """Azerbaijan's outline (metric) and its sources, from geodata/countries.geojson if present."""
    path = data_dir / "geodata" / "countries.geojson"
    if not path.exists():
        return None, ()
    try:
        doc = read_json(path)
    except Refused as exc:
        raise FileNotFoundError(f"{path}: {exc}") from None
    for f in doc["features"]:
        if f["properties"].get("id") == "azerbaijan":
            return to_metric(shape(f["geometry"])), tuple(f["properties"].get("source_ids", ()))
    return None, ()


def dumps(collection: dict) -> str:
    """GeoJSON text with one feature per line, so that diffs of the committed files stay readable."""
    head = {k: v for k, v in collection.items() if k != "features"}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    return text + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_layers(data_dir: Path, layers: dict[str, dict], check_only: bool = False) -> list[str]:
    """Write the layers that differ from what is on disk; return their names."""
    changed = []
    for name in OUTPUTS:
        path = data_dir / "geodata" / f"{name}.geojson"
        text = dumps(layers[name])
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(name)
        if not check_only:
            path.write_text(text, encoding="utf-8")
    return changed
