"""Russian peacekeeper posts: one point per post (or per post of a reported count)."""

from __future__ import annotations

from shapely.geometry import Point

from ..problems import Problem
from .geometry import collection, feature

NOTE = ("Individual observation-post positions were not published. A post whose position is unknown is "
        "shown at the sourced place it is reported at (geo_precision says how exact that is); posts known "
        "only as a reported count are shown as that many points at the mission's reported reference place.")


def build_posts(places: dict[str, dict], rows: list[dict], label: str = "peacekeeper_posts.csv"):
    """Return (FeatureCollection, problems)."""
    problems, features = [], []
    for r in sorted(rows, key=lambda r: (r["valid_from"], r["post_id"])):
        place = places.get(r["place_id"])
        if place is None:
            problems.append(Problem(label, r["_line"], "place_id", f"unknown place {r['place_id']!r}"))
            continue
        count = r.get("count") or 1
        for k in range(1, count + 1):
            fid = r["post_id"] if count == 1 else f"{r['post_id']}-{k:02d}"
            props = {"id": fid, "name": r["name"] if count == 1 else f"{r['name']} ({k} of {count})",
                     "kind": r["kind"], "zone": r["zone"], "valid_from": r["valid_from"], "valid_to": r["valid_to"],
                     "place_id": r["place_id"], "geo_precision": r["geo_precision"],
                     "position_note": r.get("note") or "", "source_ids": list(r["source_ids"])}
            features.append(feature(props, Point(round(place["lon"], 5), round(place["lat"], 5))))
    return collection("peacekeeper_posts", features, NOTE), problems
