"""``export-dataset``: the atlas as a GeoPackage, CSV and GeoJSON files, a Frictionless Data Package and a README.

GIS users open ``atlas.gpkg`` (one layer per table; dates are GeoPackage DATE fields); notebooks read the CSV
files or the package; ``datapackage.json`` describes every file and field and carries the content-hash
version that every export of the atlas cites.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyogrio.raw
import shapely

from . import citation
from .atlas import Atlas
from .dataset import (
    BOOLEAN,
    DATE,
    FOREIGN_KEYS,
    INTEGER,
    NUMBER,
    Table,
    as_list,
    dataset_tables,
    plain_value,
)
from .layers import CRS

GPKG = "atlas.gpkg"
PACKAGE_NAME = "karabakh-conflict-atlas"
LICENSES = {"MIT": {"name": "MIT", "title": "MIT License", "path": "https://opensource.org/licenses/MIT"}}


def _column(table: Table, field) -> tuple[np.ndarray, np.ndarray | None]:
    """A field's values as a typed array for OGR, and its null mask (None when nothing is missing)."""
    values = [plain_value(v, field.type) for v in table.frame[field.name]]
    missing = np.array([v is None for v in values])
    if field.type == DATE:
        array = np.array([v or "NaT" for v in values], dtype="datetime64[D]")  # OGR writes these as DATE
        return array, None
    if field.type in (BOOLEAN, INTEGER, NUMBER):
        dtype = {BOOLEAN: bool, INTEGER: np.int64, NUMBER: float}[field.type]
        array = np.array([0 if v is None else v for v in values], dtype=dtype)
        return array, (missing if missing.any() else None)
    return np.array(values, dtype=object), None


def _geometry_type(table: Table) -> str:
    kinds = set(table.frame.geometry.geom_type)
    if kinds <= {"Polygon", "MultiPolygon"}:
        return "MultiPolygon"
    if kinds == {"Point"}:
        return "Point"
    return "Unknown"  # the corridor: routes (lines) and its zone (polygons) in one layer


def write_gpkg(tables: list[Table], path: Path) -> None:
    """One GeoPackage layer per table; tables without geometry become attribute tables."""
    path.unlink(missing_ok=True)
    for table in tables:
        columns = [_column(table, f) for f in table.fields]
        geometry, geometry_type, options = None, None, {}
        if table.spatial:
            geometry = shapely.to_wkb(table.frame.geometry.to_numpy())
            geometry_type = _geometry_type(table)
            options = {"GEOMETRY_NAME": "geometry"}
        options["DESCRIPTION"] = table.description
        pyogrio.raw.write(path, geometry, [c[0] for c in columns], [f.name for f in table.fields],
                          field_mask=[c[1] for c in columns], layer=table.name, driver="GPKG",
                          geometry_type=geometry_type, crs=CRS if table.spatial else None,
                          promote_to_multi=geometry_type == "MultiPolygon", layer_options=options)


def _text(value, kind: str) -> str:
    value = plain_value(value, kind)
    if value is None:
        return ""
    if kind == BOOLEAN:
        return "true" if value else "false"
    if kind == NUMBER:
        return repr(value)
    return str(value)  # written exactly as in the data: no spreadsheet-formula escaping in a dataset


def write_csv(table: Table, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        names = [f.name for f in table.fields] + (["geometry_wkt"] if table.spatial else [])
        writer.writerow(names)
        columns = [[_text(v, f.type) for v in table.frame[f.name]] for f in table.fields]
        if table.spatial:
            columns.append(list(shapely.to_wkt(table.frame.geometry.to_numpy(), rounding_precision=-1)))
        writer.writerows(zip(*columns, strict=True))


def write_geojson(table: Table, path: Path) -> None:
    features = []
    for i, geom in enumerate(table.frame.geometry):
        props = {}
        for f in table.fields:
            value = table.frame[f.name].iloc[i]
            props[f.name] = as_list(value) if f.name == "source_ids" else plain_value(value, f.type)
        features.append({"type": "Feature", "id": props.get(table.key), "properties": props,
                         "geometry": shapely.geometry.mapping(geom)})
    doc = {"type": "FeatureCollection", "name": table.name, "features": features}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _file_facts(path: Path) -> dict:
    data = path.read_bytes()
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def _schema(table: Table) -> dict:
    fields = []
    for f in table.fields:
        descriptor = {"name": f.name, "type": f.type}
        if f.description:
            descriptor["description"] = f.description
        constraints = {}
        if f.name == table.key:
            constraints.update(required=True, unique=True)
        if f.enum:
            constraints["enum"] = list(f.enum)
        if constraints:
            descriptor["constraints"] = constraints
        fields.append(descriptor)
    if table.spatial:
        fields.append({"name": "geometry_wkt", "type": "string", "description": "the geometry as WKT, WGS84 "
                       "(EPSG:4326), longitude latitude"})
    schema = {"fields": fields, "missingValues": [""]}
    if table.key:
        schema["primaryKey"] = [table.key]
    targets = {"place_id": "places", "source_id": "sources"}
    keys = [k for k in FOREIGN_KEYS.get(table.name, ()) if k in {f.name for f in table.fields}]
    if keys:
        schema["foreignKeys"] = [{"fields": [k], "reference": {"resource": targets[k], "fields": [k]}} for k in keys]
    return schema


def package(tables: list[Table], out: Path, atlas: Atlas) -> dict:
    """The ``datapackage.json`` descriptor of the files written in ``out``."""
    resources = []
    for t in tables:
        resources.append({"name": t.name, "title": t.name.replace("_", " "), "description": t.description,
                          "path": f"{t.name}.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "profile": "tabular-data-resource", "schema": _schema(t),
                          **_file_facts(out / f"{t.name}.csv")})
        if t.spatial:
            resources.append({"name": f"{t.name}-geojson", "title": f"{t.name.replace('_', ' ')} (GeoJSON)",
                              "description": t.description, "path": f"{t.name}.geojson", "format": "geojson",
                              "mediatype": "application/geo+json", "encoding": "utf-8",
                              **_file_facts(out / f"{t.name}.geojson")})
    resources.append({"name": "atlas-gpkg", "title": "every table in one GeoPackage",
                      "description": "One layer per table above (dates as DATE fields, CRS EPSG:4326); the tables "
                                     "without geometry are GeoPackage attribute tables.",
                      "path": GPKG, "format": "gpkg", "mediatype": "application/geopackage+sqlite3",
                      **_file_facts(out / GPKG)})
    sources = next(t for t in tables if t.name == "sources").frame
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": citation.TITLE,
        "description": citation.ABSTRACT,
        "version": package_version(atlas),
        "dataset_version": citation.dataset_version(atlas.data_dir),
        "citation": citation.dataset_citation(citation.dataset_version(atlas.data_dir), "<date you accessed it>"),
        "keywords": list(citation.KEYWORDS),
        "contributors": [{"title": citation.AUTHOR, "role": "author"}],
        "licenses": [LICENSES[citation.LICENSE]],
        "sources": [{"title": f"{r.outlet}: {r.title} ({r.published})", "path": r.url}
                    for r in sources.itertuples(index=False)],
        "resources": resources,
    }


def package_version(atlas: Atlas) -> str:
    """The release with the data's content hash as SemVer build metadata, e.g. ``0.1.0+sha256.0123abcd…``."""
    from .. import __version__

    return f"{__version__}+sha256.{citation.content_hash(atlas.data_dir)}"


def readme(tables: list[Table], atlas: Atlas) -> str:
    version = citation.dataset_version(atlas.data_dir)
    rows = [f"| `{t.name}` | {len(t.frame)} | {'yes' if t.spatial else 'no'} | {t.description} |" for t in tables]
    return "\n".join([
        f"# {citation.TITLE}: the dataset",
        "",
        f"Dataset version {version} (package version {package_version(atlas)}).",
        "",
        "## How to cite",
        "",
        citation.dataset_citation(version, date.today().isoformat()),
        "",
        "## Files",
        "",
        f"- `{GPKG}`: every table below as one GeoPackage (QGIS: drag it in; Python: "
        f"`geopandas.read_file('{GPKG}', layer='events')`). Dates are DATE fields, coordinates WGS84 (EPSG:4326).",
        "- `NAME.csv`: each table as CSV (UTF-8; dates YYYY-MM-DD; tables with geometry add `geometry_wkt`).",
        "- `NAME.geojson`: each table with geometry as GeoJSON (RFC 7946).",
        "- `datapackage.json`: a Frictionless Data Package describing every file and field, the licence and the "
        "sources (`frictionless validate datapackage.json`).",
        "",
        "| table | rows | geometry | what it holds |",
        "|---|---|---|---|",
        *rows,
        "",
        "## How the tables relate",
        "",
        "- Every record names its sources in `source_ids` (';'-separated `source_id`s of `sources`); "
        "`source_links` has the same as one row per (table, record_id, source_id), ready to join.",
        "- `events`, `border_incidents` and `peacekeeper_posts` name the gazetteer place their coordinate is "
        "taken from in `place_id` (`places`).",
        "- `control_zones` are derived from `control_changes` (each change's `scope` names the settlements of "
        "`places` it covers) and carry the `peacekeeping_stages` in force on their dates.",
        "- Time: a row with `valid_from`/`valid_to` holds on day D iff `valid_from <= D` and (`valid_to` is "
        "empty or `D < valid_to`). Events have `date` (and `date_end` when they span days).",
        "",
        "Control zones are approximations derived from dated, sourced control changes; see the project's "
        "docs/METHODOLOGY.md for how they are built and how accurate they are. CSV cells are written exactly "
        "as in the data: open them as text in a spreadsheet.",
        "",
    ])


def export_dataset(atlas: Atlas, out: Path, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Write the dataset into ``out``; return the files written."""
    progress = progress or (lambda _: None)
    out.mkdir(parents=True, exist_ok=True)
    tables = dataset_tables(atlas)
    written = []
    for t in tables:
        progress(f"{t.name}: {len(t.frame)} rows")
        write_csv(t, out / f"{t.name}.csv")
        written.append(out / f"{t.name}.csv")
        if t.spatial:
            write_geojson(t, out / f"{t.name}.geojson")
            written.append(out / f"{t.name}.geojson")
    progress(GPKG)
    write_gpkg(tables, out / GPKG)
    (out / "datapackage.json").write_text(json.dumps(package(tables, out, atlas), ensure_ascii=False, indent=2)
                                          + "\n", encoding="utf-8")
    (out / "README.md").write_text(readme(tables, atlas), encoding="utf-8")
    return [*written, out / GPKG, out / "datapackage.json", out / "README.md"]


def dataset_zip(atlas: Atlas, progress: Callable[[str], None] | None = None) -> bytes:
    """The dataset as one zip (what the app offers for download), its files in a ``karabakh-atlas-dataset/`` folder."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="atlas-dataset-") as tmp:
        files = export_dataset(atlas, Path(tmp), progress)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in files:
                zf.write(path, f"karabakh-atlas-dataset/{path.name}")
    return buffer.getvalue()
