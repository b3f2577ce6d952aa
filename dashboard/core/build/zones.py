"""Control zones derived from the gazetteer and the dated control changes.

Method: every settlement of the gazetteer in Azerbaijan gets its Voronoi cell (computed in UTM 38N).
The mapped area (former NKAO + the seven surrounding districts) is approximated by the union of the
cells of its settlements, cut along Azerbaijan's international borders (Natural Earth) and kept
within 15 km of those settlements. Each cell inside takes the controller its settlement had on each
day, from the changes table; cells are then dissolved by (controller, peacekeeping zone, claim
status) for each period between change days. The boundary between two zones therefore runs midway
between neighbouring settlements held by different sides: it is an approximation of the front, not
a surveyed line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ..problems import Problem
from ..timemodel import is_visible
from .geometry import SETTLEMENT_KINDS, collection, feature, finish, project_points, voronoi_cells

OUTLINE_REACH_M = 15_000
IN_AREA = ("nkao", "districts")
METHOD = ("Voronoi cells of gazetteer settlements (UTM 38N) clipped to the mapped-area outline, "
          "dissolved by controller for each period between change dates")
PRECISION_NOTE = ("Approximation: a zone boundary runs midway between neighbouring settlements held by "
                  "different sides, so it can be off by half the distance between them (typically 2-8 km). "
                  "Dates are those of the cited announcements or reports.")
OUTLINE_NOTE = ("Approximation of the former NKAO and the seven surrounding districts: the union of the "
                "Voronoi cells of the gazetteer settlements inside them, limited to 15 km from those "
                "settlements and cut along Azerbaijan's international borders (Natural Earth 1:10m). "
                "Not an administrative boundary.")


@dataclass
class CellState:
    controller: str | None = None
    peacekeeping: bool = False
    claim: str = "confirmed"
    sources: dict = field(default_factory=dict)  # "controller"/"peacekeeping" -> tuple of source ids

    def key(self) -> tuple:
        return (self.controller, self.peacekeeping, self.claim)

    def source_ids(self) -> tuple[str, ...]:
        return tuple(sorted({s for ids in self.sources.values() for s in ids}))


def _settlements(places: list[dict]) -> list[dict]:
    """Settlements with distinct coordinates, sorted by place_id (the first of duplicates wins)."""
    seen, out = set(), []
    for p in sorted(places, key=lambda p: p["place_id"]):
        if p["kind"] not in SETTLEMENT_KINDS:
            continue
        xy = (round(p["lon"], 6), round(p["lat"], 6))
        if xy in seen:
            continue
        seen.add(xy)
        out.append(p)
    return out


def build_cells(places: list[dict], country=None):
    """Settlements inside the area, their clipped cells (metric), and the area outline (metric).

    ``country`` (metric) is the polygon the area lies in: the outline follows its borders.
    """
    settlements = _settlements(places)
    points = project_points([p["lon"] for p in settlements], [p["lat"] for p in settlements])
    inside = np.array([p.get("area") in IN_AREA for p in settlements])
    if country is not None:
        # Only settlements of the same country share out its land: the border, not a midline to a
        # village across it, bounds the area.
        keep = inside | shapely.contains(country, points)
        settlements = [p for p, k in zip(settlements, keep, strict=True) if k]
        points, inside = points[keep], inside[keep]
    cells = voronoi_cells(points)
    reach = shapely.union_all(shapely.buffer(points[inside], OUTLINE_REACH_M, quad_segs=8))
    outline = shapely.intersection(shapely.union_all(cells[inside]), reach)
    if country is not None:
        outline = shapely.intersection(outline, country)
    clipped = {settlements[i]["place_id"]: shapely.intersection(cells[i], outline)
               for i in np.flatnonzero(inside)}
    return area_settlements(settlements), clipped, outline


def area_settlements(places: list[dict]) -> list[dict]:
    """The settlements whose cells make up the mapped area (the places the control changes apply to)."""
    return [p for p in _settlements(places) if p.get("area") in IN_AREA]


def resolve_scope(scope: str, places: list[dict], state: dict[str, CellState]) -> tuple[set[str], list[str]]:
    """Place ids named by a scope expression, and the reasons it is malformed.

    Terms are separated by ``;``; a term is atoms joined by ``&`` (all must hold); a leading ``-``
    excludes. Atoms: ``all``, ``place:ID``, ``district:NAME``, ``area:nkao|districts``,
    ``controller:AZ|ARM`` (the holder just before the change).
    """
    ids = {p["place_id"] for p in places}
    errors: list[str] = []

    def matches(atom: str, p: dict) -> bool | None:
        kind, _, value = atom.partition(":")
        kind, value = kind.strip().lower(), value.strip()
        if kind == "all" and not value:
            return True
        if kind == "place":
            return p["place_id"] == value
        if kind == "district":
            return p["district"].lower() == value.lower()
        if kind == "area":
            return p.get("area") == value
        if kind == "controller":
            return state[p["place_id"]].controller == value
        return None

    include, exclude = set(), set()
    for term in (t.strip() for t in scope.split(";")):
        if not term:
            continue
        negate = term.startswith("-")
        atoms = [a.strip() for a in term.lstrip("-").split("&")]
        bad = False
        for atom in atoms:
            kind, _, value = atom.partition(":")
            if kind not in ("all", "place", "district", "area", "controller"):
                errors.append(f"unknown scope term {atom!r}")
                bad = True
            elif kind == "place" and value not in ids:
                errors.append(f"unknown or non-settlement place {value!r}")
                bad = True
        if bad:
            continue
        hit = {p["place_id"] for p in places if all(matches(a, p) for a in atoms)}
        if not hit and not negate and not any(a.startswith("controller:") for a in atoms):
            errors.append(f"{term!r} matches no settlement inside the mapped area")
        (exclude if negate else include).update(hit)
    return include - exclude, errors


def apply_change(change: dict, places: list[dict], state: dict[str, CellState]) -> tuple[set[str], list[str]]:
    """Apply one control_changes row to ``state`` (place id -> CellState); return its targets and scope errors."""
    targets, errors = resolve_scope(change["scope"], places, state)
    for pid in targets:
        s = state[pid]
        if change["controller"] is not None:
            if change["controller"] == s.controller:  # same holder: the row adds evidence (e.g. confirms)
                s.sources["controller"] = tuple(dict.fromkeys(s.sources["controller"] + tuple(change["source_ids"])))
            else:
                s.sources["controller"] = tuple(change["source_ids"])
            s.controller, s.claim = change["controller"], change["claim_status"]
        if change["peacekeeping_zone"] is not None:
            s.peacekeeping = change["peacekeeping_zone"]
            s.sources["peacekeeping"] = tuple(change["source_ids"])
    return targets, errors


def _inverted(day: str) -> str:
    """A key sorting ISO days newest first (digits mapped 0<->9)."""
    return day.translate(str.maketrans("0123456789", "9876543210"))


def _newest_first(rows: list[dict]):
    """``order(ids, day)``: source ids by the last change (or stage) citing them up to ``day``, newest first.

    The change that made a version of a zone leads its sources, so a popup's first few say who reported it
    (sorted by id, the first five had been arbitrary among dozens).
    """
    cited: dict[str, list[str]] = {}
    for row in rows:
        for sid in row["source_ids"]:
            cited.setdefault(sid, []).append(row.get("date") or row["valid_from"])

    def order(ids: set[str], day: str) -> list[str]:
        last = {sid: max((d for d in cited.get(sid, ()) if d <= day), default="") for sid in ids}
        return sorted(ids, key=lambda sid: (_inverted(last[sid]), sid))

    return order


def stage_on(stages: list[dict], day: str) -> dict | None:
    """The peacekeeping stage row in force on ``day`` (the latest one starting by then), if any."""
    found = [s for s in stages if is_visible(s["valid_from"], s["valid_to"], day)]
    return max(found, key=lambda s: (s["valid_from"], s["_line"])) if found else None


def build_zones(places: list[dict], changes: list[dict], country=None, country_sources=(),
                label: str = "control_changes.csv", stages: list[dict] = ()):
    """Return (FeatureCollection of zones, FeatureCollection of the outline, problems).

    ``stages`` (geodata/peacekeeping_stages.csv) split the peacekeeping zones' periods at their dates:
    each peacekeeping zone carries the stage in force (``peacekeeping_stage``, its summary and sources).
    The stages change what is said about a zone, never its shape: no source published a reduced zone.
    """
    problems: list[Problem] = []
    inside, cells, outline = build_cells(places, country)
    state = {p["place_id"]: CellState() for p in inside}
    ordered = sorted(changes, key=lambda c: (c["date"], c["_line"]))
    days = sorted({c["date"] for c in ordered} | {s[k] for s in stages for k in ("valid_from", "valid_to")})
    snapshots: list[tuple[str, dict[str, CellState]]] = []
    by_day: dict[str, list[dict]] = {}
    for c in ordered:
        by_day.setdefault(c["date"], []).append(c)
    for day in days:
        for c in by_day.get(day, []):
            _, errors = apply_change(c, inside, state)
            for e in errors:
                problems.append(Problem(label, c["_line"], "scope", e))
        snapshots.append((day, {pid: CellState(s.controller, s.peacekeeping, s.claim, dict(s.sources))
                                for pid, s in state.items()}))
    unset = sorted(pid for pid, s in state.items() if s.controller is None)
    if unset:
        problems.append(Problem(label, 1, "scope", f"no controller ever set for: {', '.join(unset)}"))

    newest_first = _newest_first([*ordered, *stages])
    open_zones: dict[tuple, dict] = {}
    closed: list[dict] = []
    geometry_cache: dict[tuple[str, ...], object] = {}
    for day, snap in snapshots:
        stage = stage_on(stages, day)
        groups: dict[tuple, list[str]] = {}
        for pid, s in snap.items():
            if s.controller is not None:
                groups.setdefault(s.key(), []).append(pid)
        current: dict[tuple, dict] = {}
        for key, pids in groups.items():
            cell_ids = tuple(sorted(pids))
            controller, pk, claim = key
            zone_stage = stage if pk else None
            sources = tuple(sorted({sid for pid in pids for sid in snap[pid].source_ids()}
                                   | set(zone_stage["source_ids"] if zone_stage else ())))
            ident = (key, cell_ids, sources, zone_stage and zone_stage["stage_id"])
            if ident in open_zones:
                current[ident] = open_zones.pop(ident)
                continue
            suffix = f"-{zone_stage['stage']}" if zone_stage and zone_stage["stage"] != "deployed" else ""
            zid = (f"zone-{day}-{controller}{'-pk' if pk else ''}{suffix}"
                   f"{'' if claim == 'confirmed' else '-' + claim}")
            if cell_ids not in geometry_cache:
                geometry_cache[cell_ids] = finish(shapely.union_all([cells[pid] for pid in cell_ids]))
            current[ident] = {"id": zid, "valid_from": day, "valid_to": None, "controller": controller,
                              "peacekeeping_zone": pk, "claim_status": claim, "places": list(cell_ids),
                              "source_ids": newest_first(set(sources), day), "_geom": geometry_cache[cell_ids],
                              "peacekeeping_stage": zone_stage["stage"] if zone_stage else None,
                              "peacekeeping_note": zone_stage["summary"] if zone_stage else None}
        for zone in open_zones.values():
            zone["valid_to"] = day
            closed.append(zone)
        open_zones = current
    closed.extend(open_zones.values())
    closed.sort(key=lambda z: (z["valid_from"], z["id"]))

    features = []
    for z in closed:
        geom = z.pop("_geom")
        props = {"id": z["id"], "valid_from": z["valid_from"], "valid_to": z["valid_to"],
                 "controller": z["controller"], "peacekeeping_zone": z["peacekeeping_zone"],
                 **({"peacekeeping_stage": z["peacekeeping_stage"], "peacekeeping_note": z["peacekeeping_note"]}
                    if z["peacekeeping_stage"] else {}),
                 "claim_status": z["claim_status"], "source_ids": z["source_ids"],
                 "settlements": len(z["places"]), "method": METHOD, "precision_note": PRECISION_NOTE}
        features.append(feature(props, geom))
    zones = collection("control_zones", features, METHOD)
    outline_fc = collection("mapped_area", [feature(
        {"id": "mapped-area", "name": "Former NKAO and the seven surrounding districts (approximate)",
         "precision_note": OUTLINE_NOTE, "settlements": len(inside),
         "source_ids": sorted({s for p in inside for s in p["source_ids"]} | set(country_sources))},
        finish(outline))], OUTLINE_NOTE)
    return zones, outline_fc, problems
