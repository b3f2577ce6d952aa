"""Command-line interface: validate, query, snapshot and build the atlas."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .core import tables
from .core.atlas import default_data_dir, load_atlas
from .core.query import point_query, state_on
from .core.snapshot import events_csv, state_geojson
from .core.timemodel import EventWindow
from .core.vocab import LAYERS


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
                             "default: the repository's own data")
    parser.add_argument("--events", type=Path, default=None, metavar="FILE",
                        help="use this events CSV instead of DIR/events.csv")


def _load(args):
    data = args.data or default_data_dir()
    if not data.is_dir():
        raise SystemExit(f"error: --data {data} is not a folder")
    if args.events is not None and not args.events.is_file():
        raise SystemExit(f"error: --events {args.events} is not a file")
    return load_atlas(data, events_path=args.events)


def cmd_validate(args) -> int:
    atlas = _load(args)
    report = atlas.report
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            print(problem)
        for line in report.summary_lines():
            print(line)
    return 0 if report.ok else 1


def cmd_at(args) -> int:
    atlas = _load(args)
    if args.batch is None:
        if args.date is None or args.lat is None or args.lon is None:
            raise SystemExit("error: give --date, --lat and --lon, or --batch FILE.csv")
        print(json.dumps(point_query(atlas, args.date, args.lat, args.lon), ensure_ascii=False))
        return 0
    from .core.csvfile import read_csv

    table = read_csv(args.batch, args.batch.name)
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
            day = tables.parse_date((raw.get("date") or "").strip())
            lat = tables.parse_lat((raw.get("lat") or "").strip())
            lon = tables.parse_lon((raw.get("lon") or "").strip())
        except (tables.Invalid, AttributeError) as exc:
            print(json.dumps({"line": line, "error": str(exc)}, ensure_ascii=False))
            status = 1
            continue
        print(json.dumps(point_query(atlas, day, lat, lon), ensure_ascii=False))
    return status


def cmd_snapshot(args) -> int:
    atlas = _load(args)
    window = EventWindow(last_days=args.last_days) if args.last_days else EventWindow(since=args.since)
    state = state_on(atlas, args.date, window)
    layers = tuple(args.layers) if args.layers else LAYERS + ("events",)
    if args.format == "geojson":
        text = json.dumps(state_geojson(atlas, state, layers), ensure_ascii=False)
    else:
        text = events_csv(atlas, state.events if "events" in layers else state.events.iloc[0:0])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode('utf-8')) // 1024} KB)", file=sys.stderr)
    return 0


def cmd_build(args) -> int:
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

    p = sub.add_parser("snapshot", help="export what is visible on a date")
    _common(p)
    p.add_argument("--date", type=_date, required=True, help="YYYY-MM-DD")
    p.add_argument("--format", choices=("geojson", "csv"), required=True)
    p.add_argument("--out", type=Path, required=True, metavar="PATH")
    p.add_argument("--layers", nargs="+", choices=LAYERS + ("events",), help="default: all")
    p.add_argument("--since", type=_date, default=None, help="events since this date (default: all up to --date)")
    p.add_argument("--last-days", type=int, default=None, metavar="N", help="events of the last N days instead")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("build", help="derive the GeoJSON layers from the tables in geodata/")
    p.add_argument("--data", type=Path, default=None, metavar="DIR", help="atlas folder (default: this repository)")
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if a committed layer differs")
    p.set_defaults(func=cmd_build)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
