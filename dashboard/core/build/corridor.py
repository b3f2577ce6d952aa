"""The Lachin corridor: its routes as waypoint polylines, its 5 km zone, and its status periods.

A route is the polyline through sourced settlements the road is reported to pass, in order: it shows
which way the road ran, not its surveyed track. The corridor zone is the 5 km band around the route
(2.5 km either side, per point 6 of the 10 November 2020 statement), minus the Voronoi cells of places
the statement keeps out of it (Shusha).
"""

from __future__ import annotations

import shapely
from shapely.geometry import LineString

from ..problems import Problem
from .geometry import collection, feature, finish, project_points, to_wgs84

HALF_WIDTH_M = 2_500
ROUTE_NOTE = ("Approximation: straight segments between the sourced settlements the road is reported to pass "
              "(in order); the real road winds between them.")
ZONE_NOTE = "5 km band (2.5 km either side) around the approximate route; excludes Shusha's cell."


def build_corridor(places: dict[str, dict], waypoints: list[dict], statuses: list[dict], cells: dict,
                   label: str = "corridor_routes.csv"):
    """Return (FeatureCollection, problems)."""
    problems: list[Problem] = []
    routes: dict[str, list[dict]] = {}
    excluded: dict[str, list[str]] = {}
    for w in sorted(waypoints, key=lambda w: (w["route"], w["seq"])):
        if w["place_id"] not in places:
            problems.append(Problem(label, w["_line"], "place_id", f"unknown place {w['place_id']!r}"))
            continue
        if w["seq"] == 0:  # seq 0 marks a place whose cell the corridor zone must leave out
            excluded.setdefault(w["route"], []).append(w["place_id"])
        else:
            routes.setdefault(w["route"], []).append(w)
    geoms = {}
    for route, points in routes.items():
        if len(points) < 2:
            problems.append(Problem(label, points[0]["_line"], "route", f"route {route} needs two waypoints"))
            continue
        pts = project_points([places[p["place_id"]]["lon"] for p in points],
                             [places[p["place_id"]]["lat"] for p in points])
        line = LineString([(p.x, p.y) for p in pts])
        band = line.buffer(HALF_WIDTH_M, quad_segs=8)
        for pid in excluded.get(route, []):
            if pid in cells:
                band = band.difference(cells[pid])
            else:
                problems.append(Problem(label, 1, "place_id", f"{pid!r} has no cell to exclude"))
        line_wgs = shapely.set_precision(to_wgs84(line), 1e-5)
        geoms[route] = (line_wgs, finish(band), [p["place_id"] for p in points])

    features = []
    for s in sorted(statuses, key=lambda s: (s["route"], s["valid_from"])):
        if s["route"] not in geoms:
            problems.append(Problem("corridor_status.csv", s["_line"], "route",
                                    f"no waypoints for route {s['route']!r}"))
            continue
        line, band, via = geoms[s["route"]]
        common = {"valid_from": s["valid_from"], "valid_to": s["valid_to"], "route": s["route"],
                  "status": s["status"], "status_note": s.get("note") or "", "source_ids": list(s["source_ids"])}
        features.append(feature({"id": f"corridor-{s['route']}-route-{s['valid_from']}", "kind": "route", **common,
                                 "via": via, "precision_note": ROUTE_NOTE}, line))
        features.append(feature({"id": f"corridor-{s['route']}-zone-{s['valid_from']}", "kind": "zone", **common,
                                 "precision_note": ZONE_NOTE}, band))
    return collection("lachin_corridor", features, ROUTE_NOTE + " " + ZONE_NOTE), problems
