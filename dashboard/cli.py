"""Command-line interface: validate, query, snapshot and build the atlas."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .core import outfile, tables
from .core.csvfile import TooLarge
from .core.vocab import CLAIM_STATUSES, EVENT_TYPES, FIELD_FILTERS, FIELD_TITLES
from .core.words import plural

# The atlas (geopandas, shapely, pandas) is imported by the commands that load it, not by import-acled/-ucdp.


def _date(value: str) -> str:
    try:
        return tables.parse_date(value)
    except tables.Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _number(parse):
    def convert(value: str) -> float:
        try:
            return parse(value)
        except tables.Invalid as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help="atlas folder laid out like the repository root (events.csv + geodata/); "
                             "default: the bundled data")
    parser.add_argument("--events", type=Path, default=None, metavar="FILE",
                        help="use this events file instead of DIR/events.csv: the atlas schema, an ACLED export or "
                             "a UCDP GED file (CSV or .xlsx), read as the app reads an upload")


def _load(args, quiet: bool = False):
    """The atlas for ``--data``/``--events``; an ``--events`` file's notes and dropped rows go to stderr
    (``validate`` prints them itself: ``quiet``)."""
    from .core.atlas import default_data_dir, load_atlas

    data = args.data or default_data_dir()
    if not data.is_dir():
        raise SystemExit(f"error: --data {data} is not a folder")
    if args.events is not None and not args.events.is_file():
        raise SystemExit(f"error: --events {args.events} is not a file")
    atlas = load_atlas(data, events_path=args.events)
    if args.events is not None and not quiet:
        for line in [*(f"note: {n}" for n in atlas.report.notes), *(f"warning: {w}" for w in atlas.report.warnings)]:
            print(line, file=sys.stderr)
        for problem in atlas.report.problems:
            if problem.file == args.events.name:
                print(problem, file=sys.stderr)
        counter = atlas.report.files.get("events")
        if counter is not None:
            print(f"{args.events.name}: {plural(counter.valid, 'event')} kept, "
                  f"{plural(counter.rejected, 'row')} rejected", file=sys.stderr)
    return atlas


def _check_out(args, kind: str):
    """Fail before any work if ``--out`` cannot or must not be written."""
    try:
        outfile.check(args.out, kind, args.force)
    except outfile.OutError as exc:
        raise SystemExit(f"error: --out {exc}") from None


def _write_out(args, data, kind: str, path: Path | None = None) -> None:
    try:
        outfile.write(path or args.out, data, kind, args.force)
    except outfile.OutError as exc:
        raise SystemExit(f"error: --out {exc}") from None


def cmd_validate(args) -> int:
    atlas = _load(args, quiet=True)
    report = atlas.report
    if args.json:
        print(json.dumps(report.as_dict() | {"notes": report.notes, "warnings": report.warnings}, ensure_ascii=False,
                         indent=2))
    else:
        for line in [*(f"note: {n}" for n in report.notes), *(f"warning: {w}" for w in report.warnings),
                     *map(str, report.problems), *report.summary_lines()]:
            print(line)
    return 0 if report.ok else 1


def cmd_at(args) -> int:
    from .core.diff import DateError, check_day
    from .core.query import point_query

    atlas = _load(args)
    if args.batch is None:
        if args.date is None or args.lat is None or args.lon is None:
            raise SystemExit("error: give --date, --lat and --lon, or --batch FILE.csv")
        try:
            check_day(atlas, args.date)
        except DateError as exc:
            print(f"error: --{exc}", file=sys.stderr)
            return 2
        print(json.dumps(point_query(atlas, args.date, args.lat, args.lon), ensure_ascii=False))
        return 0
    from .core.csvfile import read_csv

    try:
        table = read_csv(args.batch, args.batch.name)
    except TooLarge as exc:
        print(exc.problem, file=sys.stderr)
        return 1
    status = 0
    for problem in table.problems:
        print(problem, file=sys.stderr)
        status = 1
    missing = [c for c in ("date", "lat", "lon") if c not in table.header]
    if missing:
        print(f"{args.batch.name}:1: {','.join(missing)}: required column is missing", file=sys.stderr)
        return 1
    for line, raw in table.rows:
        try:
            day = check_day(atlas, tables.parse_date((raw.get("date") or "").strip()))
            lat = tables.parse_lat((raw.get("lat") or "").strip())
            lon = tables.parse_lon((raw.get("lon") or "").strip())
        except (tables.Invalid, DateError, AttributeError) as exc:
            print(json.dumps({"line": line, "error": str(exc)}, ensure_ascii=False))
            status = 1
            continue
        print(json.dumps(point_query(atlas, day, lat, lon), ensure_ascii=False))
    return status


def _layers(value: str) -> list[str]:
    """One --layers word: a name or names separated by commas (as in a permalink) or spaces, each checked."""
    from .core.registry import layer_names

    names, known = value.replace(",", " ").split(), layer_names()
    for name in names:
        if name not in known:
            raise argparse.ArgumentTypeError(f"unknown layer {name!r} (choose from {', '.join(known)})")
    return names


def _view(args):
    from .core.permalink import ViewState
    from .core.view import DEFAULT_LAYERS

    if args.layers:
        from .core.registry import layer_names

        layers = tuple(dict.fromkeys(k for names in args.layers for name in names for k in layer_names()[name]))
        if args.format == "png":
            layers += ("places",)
    else:
        layers = DEFAULT_LAYERS
    window = f"last-{args.last_days}" if args.last_days else (f"since-{args.since}" if args.since else "all")
    return ViewState(args.date, layers=layers, event_types=tuple(args.types) if args.types else None,
                     claims=tuple(args.claims) if args.claims else None, names=args.names, window=window,
                     **{k: tuple(getattr(args, k)) for k in FIELD_FILTERS if getattr(args, k, None)})


def cmd_snapshot(args) -> int:
    from .core import export

    _check_out(args, args.format)
    atlas = _load(args)
    view = _view(args)
    if args.format == "png":
        data = export.export_png(atlas, view)
    elif args.format == "html":
        from .map.page import export_html

        data = export_html(atlas, view).encode("utf-8")
    elif args.format == "geojson":
        data = export.export_geojson(atlas, view).encode("utf-8")
    elif args.format == "csv":
        data = export.export_csv(atlas, view).encode("utf-8")
    else:
        data = export.export_zip(atlas, view, args.app_url,
                                 progress=lambda f, what: print(f"{f:4.0%} {what}", file=sys.stderr))
    _write_out(args, data, args.format)
    print(f"wrote {args.out} ({max(1, len(data) // 1024)} KB)", file=sys.stderr)
    return 0


def cmd_timelapse(args) -> int:
    from .core import export
    from .core.permalink import ViewState

    _check_out(args, "gif")
    atlas = _load(args)
    try:
        export.step_days(args.start, args.end, args.step)
    except ValueError as exc:
        raise SystemExit(f"error: {exc}") from None
    view = ViewState(args.start, window=f"last-{args.last_days}" if args.last_days else "all", names=args.names)
    data = export.timelapse_gif(atlas, view, args.start, args.end, args.step, frame_ms=args.frame_ms,
                                progress=lambda i, n, day: print(f"frame {i}/{n} {day}", file=sys.stderr))
    _write_out(args, data, "gif")
    print(f"wrote {args.out} ({max(1, len(data) // 1024)} KB)", file=sys.stderr)
    return 0


def cmd_diff(args) -> int:
    from .core import diff, diff_export

    atlas = _load(args)
    try:
        comparison = diff.compare(atlas, args.day_from, args.day_to)
    except diff.DateError as exc:
        print(f"error: --{exc}", file=sys.stderr)
        return 2
    if args.format == "png":
        from .core.diff_render import render_comparison_png

        data = render_comparison_png(atlas, comparison)
    elif args.format == "geojson":
        data = diff_export.dumps(diff_export.comparison_geojson(comparison)).encode("utf-8")
    elif args.format == "json":
        data = diff_export.dumps(diff_export.comparison_json(comparison)).encode("utf-8")
    else:
        data = diff_export.settlements_csv(comparison).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    km2 = comparison.km2
    print(f"wrote {args.out}: {comparison.day_from} -> {comparison.day_to}, {km2['AZ']:,.1f} km² to AZ, "
          f"{km2['ARM']:,.1f} km² to ARM, {plural(len(comparison.settlements), 'settlement')} changed hands",
          file=sys.stderr)
    return 0


def cmd_export_dataset(args) -> int:
    from .core.dataset_files import export_dataset

    atlas = _load(args)
    if not atlas.report.ok:  # a dataset with rows silently left out would mislead its readers: refuse
        for problem in atlas.report.problems:
            print(problem, file=sys.stderr)
        print("error: the atlas has invalid rows (above): fix them, then export the dataset", file=sys.stderr)
        return 1
    files = export_dataset(atlas, args.out, progress=lambda what: print(what, file=sys.stderr))
    print(f"wrote {plural(len(files), 'file')} to {args.out} (open {args.out / 'atlas.gpkg'} in QGIS)", file=sys.stderr)
    return 0


def cmd_export_site(args) -> int:
    from .map.site import DEFAULT_DAY, export_site

    atlas = _load(args)
    first, last = atlas.day_range
    day = min(max(args.date or DEFAULT_DAY, first), last)
    path = export_site(atlas, args.out, day)
    print(f"{path} ({path.stat().st_size / 1024:,.0f} KB): opens at {day}; add #date=YYYY-MM-DD to its address "
          "for another date")
    return 0


def cmd_build(args) -> int:
    from .core.atlas import default_data_dir
    from .core.build import build_all, write_layers

    data = args.data or default_data_dir()
    try:
        layers, problems = build_all(data)
    except FileNotFoundError as exc:
        raise SystemExit(f"error: {exc}") from None
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    changed = write_layers(data, layers, check_only=args.check)
    for name in changed:
        print(f"{'differs' if args.check else 'wrote'}: geodata/{name}.geojson", file=sys.stderr)
    return 1 if (args.check and changed) else 0


def cmd_import(args) -> int:
    from .importer import run_import

    return run_import(args, args.kind)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check every file; exit 1 if anything is invalid")
    _common(p)
    p.add_argument("--json", action="store_true", help="print counts and problems as JSON")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("at", help="who controlled a point on a date, and who says so (JSON)")
    _common(p)
    p.add_argument("--date", type=_date, help="YYYY-MM-DD")
    p.add_argument("--lat", type=_number(tables.parse_lat), help="latitude, WGS84")
    p.add_argument("--lon", type=_number(tables.parse_lon), help="longitude, WGS84")
    p.add_argument("--batch", type=Path, metavar="FILE.csv", help="CSV with columns date,lat,lon: one JSON line each")
    p.set_defaults(func=cmd_at)

    p = sub.add_parser("snapshot", help="export what is visible on a date (png, html, geojson, csv or zip)")
    _common(p)
    p.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=("png", "html", "geojson", "csv", "zip"), required=True,
                   help="zip = cite-this-view bundle: PNG + GeoJSON + CSV + sources + README with a citation")
    p.add_argument("--out", type=Path, required=True, metavar="PATH")
    from .core.registry import VIEW_LAYERS, layer_names

    views = [v for v, _ in VIEW_LAYERS]
    p.add_argument("--layers", nargs="+", type=_layers, metavar="LAYER",
                   help=f"default: all. The app's and permalinks' names ({' '.join(views)}; also comma-separated: "
                        f"zones,corridor) or the data layers' ({' '.join(n for n in layer_names() if n not in views)})")
    p.add_argument("--since", type=_date, default=None, help="events since this date (default: all up to --date)")
    p.add_argument("--last-days", type=int, default=None, metavar="N", help="events of the last N days instead")
    p.add_argument("--types", nargs="+", choices=EVENT_TYPES, help="only these event types")
    p.add_argument("--claims", nargs="+", choices=CLAIM_STATUSES, help="only these claim statuses")
    for name, title in FIELD_TITLES.items():  # an --events file's own fields (ACLED, UCDP GED)
        p.add_argument(f"--{name.replace('_', '-')}", nargs="+", metavar="VALUE", help=f"only these {title}")
    p.add_argument("--names", choices=("both", "az", "hy"), default="both", help="place names (default both)")
    p.add_argument("--app-url", default="http://localhost:8501/", help="base of the permalink in the zip's citation")
    p.add_argument("--force", action="store_true", help="replace --out even if it is not the same kind of file")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("timelapse", help="a GIF with one frame per step (progress on stderr)")
    _common(p)
    p.add_argument("--start", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--end", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--step", type=int, default=7, metavar="DAYS", help="days between frames (default 7)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE.gif")
    p.add_argument("--last-days", type=int, default=30, metavar="N", help="events of the last N days (default 30)")
    p.add_argument("--names", choices=("both", "az", "hy"), default="both")
    p.add_argument("--frame-ms", type=int, default=700, help="milliseconds per frame")
    p.add_argument("--force", action="store_true", help="replace --out even if it is not a GIF")
    p.set_defaults(func=cmd_timelapse)

    p = sub.add_parser("diff", help="compare two dates: the land that changed hands, how much, who says so")
    _common(p)
    p.add_argument("--from", dest="day_from", required=True, metavar="A", help="YYYY-MM-DD (either order)")
    p.add_argument("--to", dest="day_to", required=True, metavar="B", help="YYYY-MM-DD; 'from' is A's side")
    p.add_argument("--format", choices=("geojson", "json", "csv", "png"), required=True,
                   help="geojson: the changed areas; json: km², settlements, changes; csv: the settlements; "
                        "png: the comparison map")
    p.add_argument("--out", type=Path, required=True, metavar="PATH")
    p.set_defaults(func=cmd_diff)

    for name, what in (("import-acled", "an ACLED export"),
                       ("import-ucdp", "a UCDP GED file (Georeferenced Event Dataset)")):
        p = sub.add_parser(name, help=f"convert {what} to events in the atlas schema")
        p.add_argument("file", type=Path, metavar="FILE", help=f"{what} (CSV, any delimiter or encoding, or .xlsx)")
        p.add_argument("--out", type=Path, required=True, metavar="EVENTS.csv",
                       help="events CSV to write; its sources go to EVENTS.sources.csv beside it")
        p.add_argument("--merge", action="store_true",
                       help="keep the events already in --out, replacing those the import brings again")
        p.add_argument("--force", action="store_true", help="replace --out even if it is not an events CSV")
        p.set_defaults(func=cmd_import, kind=name.removeprefix("import-"))

    p = sub.add_parser("export-dataset", help="the whole atlas as a citable dataset: GeoPackage, CSV, GeoJSON, "
                                              "datapackage.json and a README")
    _common(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write (created if needed)")
    p.set_defaults(func=cmd_export_dataset)

    p = sub.add_parser("export-site", help="the whole atlas as one offline page (DIR/index.html): every date, "
                                           "the date control, legend, popups with sources, layer toggles")
    _common(p)
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write (created if needed)")
    p.add_argument("--date", type=_date, default=None,
                   help="the date it opens at (default 2020-11-10); #date=YYYY-MM-DD in its address wins")
    p.set_defaults(func=cmd_export_site)

    sub.add_parser("bench", help="measure scrub steps, payloads, load and exports (see bench --help)", add_help=False)

    p = sub.add_parser("build", help="derive the GeoJSON layers from the tables in geodata/")
    p.add_argument("--data", type=Path, default=None, metavar="DIR", help="atlas folder (default: this repository)")
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if a committed layer differs")
    p.set_defaults(func=cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its own parser: see dashboard/bench.py
        from .bench import main as bench_main

        return bench_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
