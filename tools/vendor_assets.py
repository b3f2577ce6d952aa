#!/usr/bin/env python3
"""Refresh dashboard/map/static/vendor/: the local copy of Leaflet, the one library the map loads.

A maintainer tool: nothing in the app or the tests runs it, and it needs the npm registry. Standard
library only; it shells out to ``npm pack``.

Usage (from the repository root):

    python tools/vendor_assets.py                 # rewrite dashboard/map/static/vendor/
    python tools/vendor_assets.py --dest /tmp/v   # write elsewhere, e.g. to diff against the repo

Where each file comes from: leaflet@1.9.3 (BSD-2-Clause): dist/leaflet.js, dist/leaflet.css and
dist/images/*.png (leaflet.css references layers*.png and marker-icon.png; leaflet.js loads
marker-icon*.png and marker-shadow.png for the default marker), and LICENSE -> leaflet/1.9.3/.
After an upgrade, bump the version here, in ``dashboard/map/assets.py`` and in the vendor README.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEFAULT_DEST = Path(__file__).resolve().parent.parent / "dashboard" / "map" / "static" / "vendor"
LEAFLET = "leaflet@1.9.3"
FILES = [
    ("package/dist/leaflet.js", "leaflet/1.9.3/leaflet.js"),
    ("package/dist/leaflet.css", "leaflet/1.9.3/leaflet.css"),
    ("package/LICENSE", "leaflet/1.9.3/LICENSE"),
    *[(f"package/dist/images/{name}", f"leaflet/1.9.3/images/{name}")
      for name in ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")],
]


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download one npm package tarball into workdir and return its path."""
    out = subprocess.run(["npm", "pack", "--silent", spec], cwd=workdir, check=True, capture_output=True,
                         text=True).stdout.strip().splitlines()[-1]
    return workdir / out


def main(argv: list[str] | None = None) -> int:
    """Download Leaflet and rewrite the vendor folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    dest: Path = parser.parse_args(argv).dest
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(npm_pack(LEAFLET, Path(tmp))) as tar:
            for member, target in FILES:
                out = dest / target
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())
                digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
                print(f"{out.stat().st_size:>9}  {digest}  {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
