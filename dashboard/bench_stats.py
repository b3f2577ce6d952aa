"""The one percentile definition behind every p50/p95 the bench prints (and the README quotes)."""

from __future__ import annotations

import numpy as np

METHOD = "linear interpolation between closest ranks (numpy.percentile's default)"


def percentiles(values: list[float], digits: int = 2) -> dict[str, float | int]:
    """p50 and p95 of ``values`` (see ``METHOD``), rounded to ``digits`` (0: whole numbers), and their count."""
    if not len(values):
        raise ValueError("no values to take percentiles of")
    p50, p95 = (float(p) for p in np.percentile(np.asarray(values, dtype=float), [50, 95]))
    if digits == 0:
        return {"p50": round(p50), "p95": round(p95), "n": len(values)}
    return {"p50": round(p50, digits), "p95": round(p95, digits), "n": len(values)}
