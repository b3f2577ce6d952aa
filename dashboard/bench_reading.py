"""Peak memory and time of reading user files, each in a fresh process (part of ``python -m dashboard bench``).

    .venv/bin/python -m dashboard.bench_reading            # every case, one JSON object
    .venv/bin/python -m dashboard.bench_reading --case hostile_wide --file F.csv   # one case (the child)

Each case writes its file to a temporary folder and runs the app's upload path (``read_user_events``: read,
validate, join with the bundled atlas) in a child process. The child reports its own peak resident memory
(Linux's VmHWM, reset when the child starts: the whole process, Python, pandas and the atlas included),
the same figure just before reading (``baseline_mb``: imports, atlas and the file's bytes in memory, as a
running app holds them), and the wall-clock and CPU seconds the reading took (CPU seconds are the steadier
figure on a machine shared with other work).

Cases: ``hostile_wide``: a 3,000-column header over 30,000 one-field lines (about 77 KB);
``valid_200k``: 200,000 valid events in the atlas schema, padded to just under the 50 MB limit;
``acled_100k``: 100,000 rows in ACLED's export layout through the upload path; ``import_acled_100k``: the same
file through ``import-acled`` (read, convert, validate, write; no atlas loaded).
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

CASES = ("hostile_wide", "valid_200k", "acled_100k", "import_acled_100k")
ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
                "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
                "tags,timestamp")
SUB_EVENTS = (("Battles", "Armed clash"), ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
              ("Explosions/Remote violence", "Air/drone strike"), ("Strategic developments", "Agreement"),
              ("Protests", "Peaceful protest"))
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


def acled_100k(path: Path, rows: int = 100_000) -> None:
    """``rows`` synthetic rows in ACLED's 31-column export layout (fixed pattern, placeholder names and notes of
    a realistic length), for timing only: no row is data."""
    import csv
    from datetime import date, timedelta

    first = date(2020, 9, 27)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(ACLED_HEADER.split(","))
        for i in range(rows):
            kind, sub = SUB_EVENTS[i % len(SUB_EVENTS)]
            day = (first + timedelta(days=i % 1300)).isoformat()
            writer.writerow([
                f"BEN{i:06d}", day, day[:4], 1 + i % 3, "Political violence", kind, sub, f"Placeholder actor {i % 7}",
                "", 1, f"Placeholder actor {(i + 3) % 7}", "", 8, 18, "", 31, "Caucasus", "Placeholder",
                f"Province {i % 11}", f"District {i % 37}", "", f"Place {i % 997}", f"{39.0 + (i % 1000) / 1000:.4f}",
                f"{46.0 + (i % 997) / 700:.4f}", 1 + i % 3, "Outlet A; Outlet B", "National",
                f"Benchmark row {i}: placeholder notes of about the length ACLED's notes have, describing nothing "
                "that happened; they only give the reader realistic work.", i % 5, "", 1700000000 + i])


def _rss_mb() -> float:
    """This process's peak resident memory (MB). Linux's VmHWM, reset at the child's start (``_reset_peak``):
    ``ru_maxrss`` is inherited across fork and exec, so a child of a big bench process would start at its
    parent's peak (seen: 467 MB 'baselines' under the full bench, 150-200 MB alone)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _reset_peak() -> None:
    """Forget the peak inherited from the parent (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def child(case: str, path: Path) -> dict:
    """Run one case in this process (the child) and return its figures."""
    _reset_peak()
    from .core.atlas import load_atlas
    from .core.user_events import TooLarge, read_user_events

    if case == "import_acled_100k":  # the command line's import, without the atlas
        import argparse
        import contextlib
        import io

        from .importer import run_import

        out = path.with_name("imported.csv")
        baseline = _rss_mb()
        start, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stderr(io.StringIO()) as err:
            run_import(argparse.Namespace(file=path, out=out, merge=False, force=True), "acled")
        outcome = err.getvalue().strip().splitlines()[-1]
        data = path.read_bytes()
    else:
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
            elif case == "valid_200k":
                valid_200k(path, sorted(load_atlas().sources)[0])
            elif not path.with_name("acled_100k.csv").exists():
                acled_100k(path.with_name("acled_100k.csv"))
            if case.endswith("acled_100k"):
                path = path.with_name("acled_100k.csv")
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
