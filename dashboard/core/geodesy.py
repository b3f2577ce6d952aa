"""Distances and areas on the ellipsoid, and the equal-area projection used for km²."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
# Lambert azimuthal equal-area centred on the mapped area: areas in m² are true to <0.1 % here.
EQUAL_AREA = "+proj=laea +lat_0=39.8 +lon_0=46.6 +datum=WGS84 +units=m +no_defs"
# UTM 38N: the metric CRS used to build geometry (Voronoi cells, buffers) around the area.
METRIC = "EPSG:32638"


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distance(s) in km; arguments broadcast like numpy arrays."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        np.asarray(lat1, float), np.asarray(lon1, float), np.asarray(lat2, float), np.asarray(lon2, float)
    )
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0


def to_equal_area(geoms):
    """Project a GeoSeries (EPSG:4326) to the equal-area CRS."""
    return geoms.to_crs(EQUAL_AREA)


def area_km2(geoms) -> np.ndarray:
    """Area in km² of each geometry of a GeoSeries in EPSG:4326."""
    return to_equal_area(geoms).area.to_numpy() / 1e6
