"""Peak memory and time of reading user files, each in a fresh process (part of ``python -m dashboard bench``).

    .venv/bin/python -m dashboard.bench_reading            # every case, one JSON object
    .venv/bin/python -m dashboard.bench_reading --case hostile_wide --file F.csv   # one case (the child)

Each case writes its file to a temporary folder and runs the app's upload path (``read_user_events``: read,
validate, join with the bundled atlas) in a child process. The child reports its own peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``: the whole process, Python, pandas and the atlas included),
the same figure just before reading (``baseline_mb``: imports, atlas and the file's bytes in memory, as a
running app holds them), and the wall-clock and CPU seconds the reading took (CPU seconds are the steadier
figure on a machine shared with other work).

Cases: ``hostile_wide``: a 3,000-column header over 30,000 one-field lines (about 77 KB);
``valid_200k``: 200,000 valid events in the atlas schema, padded to just under the 50 MB limit.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ("hostile_wide", "valid_200k")
EVENT_HEADER = ("event_id,date,date_precision,event_type,location,lat,lon,geo_precision,claim_status,summary,"
                "source_ids\n")


def hostile_wide(path: Path) -> None:
    """The issue's hostile file: a header 3,000 columns wide, then 30,000 lines of one field."""
    header = ",".join(f"c{i}" for i in range(3000)) + "\n"
    path.write_bytes((header + "x\n" * 30_000).encode())


def valid_200k(path: Path, source_id: str, rows: int = 200_000, limit: int = 50 * 2**20) -> None:
    """``rows`` valid events (fixed pattern), the summary padded so that the file ends just under ``limit``."""
    base = [f"bench-{i:06d},2020-{10 + i % 2:02d}-{1 + i % 28:02d},day,shelling,Synthetic,"
            f"{39.5 + (i % 1000) / 5000:.4f},{46.5 + (i % 997) / 5000:.4f},settlement,claimed,"
            for i in range(rows)]
    tail = f",{source_id}\n"
    used = len(EVENT_HEADER) + sum(len(b) for b in base) + rows * len(tail)
    pad = max(1, (limit - 1024 - used) // rows)
    summary = "Synthetic benchmark event " + "x" * max(0, pad - 26)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(EVENT_HEADER)
        for b in base:
            fh.write(b + summary + tail)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(case: str, path: Path) -> dict:
    """Run one case in this process (the child) and return its figures."""
    from .core.atlas import load_atlas
    from .core.user_events import TooLarge, read_user_events

    atlas = load_atlas()
    data = path.read_bytes()
    baseline = _rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        events = read_user_events(data, path.name, atlas)
        outcome = f"{len(events.events):,} events kept, {len(events.problems):,} problems"
    except TooLarge as exc:
        outcome = f"refused: {exc}"
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"case": case, "file_kb": round(len(data) / 1024), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "peak_rss_mb": round(_rss_mb()), "baseline_mb": round(baseline), "outcome": outcome}


def run(progress=lambda msg: None) -> dict:
    """Every case, each in its own process; returns ``{case: figures}``."""
    from .core.atlas import load_atlas

    results = {}
    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        for case in CASES:
            path = Path(tmp) / f"{case}.csv"
            if case == "hostile_wide":
                hostile_wide(path)
            else:
                valid_200k(path, sorted(load_atlas().sources)[0])
            progress(f"reading {case} ({path.stat().st_size / 2**20:.1f} MB) in a child process")
            done = subprocess.run([sys.executable, "-m", "dashboard.bench_reading", "--case", case, "--file",
                                   str(path)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                results[case] = {"error": done.stderr.strip().splitlines()[-1:]}
                continue
            results[case] = json.loads(done.stdout)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench_reading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--file", type=Path)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(child(args.case, args.file)))
    else:
        print(json.dumps(run(lambda msg: print(msg, file=sys.stderr)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
