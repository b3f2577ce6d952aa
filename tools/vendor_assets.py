#!/usr/bin/env python3
"""Refresh dashboard/static/vendor/: local copies of the JS/CSS/fonts folium loads from CDNs.

This script documents exactly where every vendored file comes from, and re-creates the folder.
It is a maintainer tool: nothing in the app or the tests runs it, and it needs the network
(the npm registry only).  Standard library only; it shells out to ``npm pack``.

Usage (from the repository root):

    python tools/vendor_assets.py                 # rewrite dashboard/static/vendor/
    python tools/vendor_assets.py --dest /tmp/v   # write elsewhere, e.g. to diff against the repo

After a folium upgrade: compare ``folium.Map.default_js`` / ``default_css`` (and the plugins listed
in ``dashboard/core/assets.py``) with ``CDN_TO_LOCAL`` there, bump the versions below, run this,
update ``CDN_TO_LOCAL`` and ``dashboard/static/vendor/README.md``, and run
``pytest tests/test_assets.py`` (it fails while a folium CDN URL has no local copy).

Where each file comes from (npm package@version: file in the package -> file under vendor/):

* leaflet@1.9.3 (BSD-2-Clause): dist/leaflet.js, dist/leaflet.css, dist/images/*.png
  (leaflet.css references layers*.png and marker-icon.png; leaflet.js loads marker-icon*.png and
  marker-shadow.png for the default marker)                       -> leaflet/1.9.3/
* jquery@3.7.1 (MIT): dist/jquery.min.js                          -> jquery/3.7.1/jquery-3.7.1.min.js
* bootstrap@5.2.2 (MIT): dist/js/bootstrap.bundle.min.js, dist/css/bootstrap.min.css
                                                                  -> bootstrap/5.2.2/{js,css}/
* bootstrap@3.4.1 (MIT): the glyphicon rules of dist/css/bootstrap.css, and
  dist/fonts/glyphicons-halflings-regular.{woff2,woff}            -> bootstrap/3.4.1/{css,fonts}/
  folium points at netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css, a file
  only that CDN ever served (Bootstrap 3.0.0 is not on npm, and that file is the pre-release
  glyphicons add-on with several wrong code points).  We derive bootstrap-glyphicons.css from
  Bootstrap 3.4.1 instead: its @font-face (woff2 + woff only) and every ``.glyphicon*`` rule.
* @fortawesome/fontawesome-free@6.2.0 (CSS: MIT, fonts: OFL-1.1, icons: CC BY 4.0):
  css/all.min.css and the webfonts/ it references                 -> fontawesome-free/6.2.0/
* leaflet.awesome-markers@2.0.5 (MIT): dist/leaflet.awesome-markers.{js,css} and the four images
  the CSS references.  folium asks cdnjs for 2.0.2, which is not on npm; 2.0.5 ships the same code
  (both report L.AwesomeMarkers.version '2.0.1')                  -> leaflet.awesome-markers/2.0.5/
* folium 0.20.0's leaflet.awesome.rotate.min.css (MIT), served by jsDelivr from folium's GitHub
  repository (folium/templates/leaflet.awesome.rotate.css) and not in the PyPI package: it is 360
  generated rules ``.fa-rotate-N{transform:rotate(Ndeg)}``, regenerated here
                                                                  -> folium/leaflet.awesome.rotate.min.css
* optional plugins:
  leaflet.markercluster@1.1.0 (MIT): dist/leaflet.markercluster.js, dist/MarkerCluster.css,
  dist/MarkerCluster.Default.css                                  -> leaflet.markercluster/1.1.0/
  leaflet.timeline@1.6.0 (ISC): dist/leaflet.timeline.js (already minified; jsDelivr serves it
  auto-minified as leaflet.timeline.min.js)                       -> leaflet.timeline/1.6.0/
  moment@2.18.1 (MIT): min/moment.min.js                          -> moment/2.18.1/
  d3@3.5.5 (BSD-3-Clause): d3.min.js, which branca's colormaps (legends) add to the page from
  cdnjs                                                           -> d3/3.5.5/

Every package's licence file is copied next to its files.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DEST = REPO / "dashboard" / "static" / "vendor"

# (npm spec, [(file inside the package tarball, destination relative to vendor/)])
PACKAGES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "leaflet@1.9.3",
        [
            ("package/dist/leaflet.js", "leaflet/1.9.3/leaflet.js"),
            ("package/dist/leaflet.css", "leaflet/1.9.3/leaflet.css"),
            ("package/dist/images/layers.png", "leaflet/1.9.3/images/layers.png"),
            ("package/dist/images/layers-2x.png", "leaflet/1.9.3/images/layers-2x.png"),
            (
                "package/dist/images/marker-icon.png",
                "leaflet/1.9.3/images/marker-icon.png",
            ),
            (
                "package/dist/images/marker-icon-2x.png",
                "leaflet/1.9.3/images/marker-icon-2x.png",
            ),
            (
                "package/dist/images/marker-shadow.png",
                "leaflet/1.9.3/images/marker-shadow.png",
            ),
            ("package/LICENSE", "leaflet/1.9.3/LICENSE"),
        ],
    ),
    (
        "jquery@3.7.1",
        [
            ("package/dist/jquery.min.js", "jquery/3.7.1/jquery-3.7.1.min.js"),
            ("package/LICENSE.txt", "jquery/3.7.1/LICENSE.txt"),
        ],
    ),
    (
        "bootstrap@5.2.2",
        [
            (
                "package/dist/js/bootstrap.bundle.min.js",
                "bootstrap/5.2.2/js/bootstrap.bundle.min.js",
            ),
            (
                "package/dist/css/bootstrap.min.css",
                "bootstrap/5.2.2/css/bootstrap.min.css",
            ),
            ("package/LICENSE", "bootstrap/5.2.2/LICENSE"),
        ],
    ),
    (
        "bootstrap@3.4.1",
        [
            (
                "package/dist/fonts/glyphicons-halflings-regular.woff2",
                "bootstrap/3.4.1/fonts/glyphicons-halflings-regular.woff2",
            ),
            (
                "package/dist/fonts/glyphicons-halflings-regular.woff",
                "bootstrap/3.4.1/fonts/glyphicons-halflings-regular.woff",
            ),
            ("package/LICENSE", "bootstrap/3.4.1/LICENSE"),
        ],
    ),
    (
        "@fortawesome/fontawesome-free@6.2.0",
        [
            ("package/css/all.min.css", "fontawesome-free/6.2.0/css/all.min.css"),
            *[
                (f"package/webfonts/{name}", f"fontawesome-free/6.2.0/webfonts/{name}")
                for stem in (
                    "fa-brands-400",
                    "fa-regular-400",
                    "fa-solid-900",
                    "fa-v4compatibility",
                )
                for name in (f"{stem}.woff2", f"{stem}.ttf")
            ],
            ("package/LICENSE.txt", "fontawesome-free/6.2.0/LICENSE.txt"),
        ],
    ),
    (
        "leaflet.awesome-markers@2.0.5",
        [
            (
                "package/dist/leaflet.awesome-markers.js",
                "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.js",
            ),
            (
                "package/dist/leaflet.awesome-markers.css",
                "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.css",
            ),
            *[
                (
                    f"package/dist/images/{name}",
                    f"leaflet.awesome-markers/2.0.5/images/{name}",
                )
                for name in (
                    "markers-soft.png",
                    "markers-soft@2x.png",
                    "markers-shadow.png",
                    "markers-shadow@2x.png",
                )
            ],
            ("package/LICENSE", "leaflet.awesome-markers/2.0.5/LICENSE"),
        ],
    ),
    (
        "leaflet.markercluster@1.1.0",
        [
            (
                "package/dist/leaflet.markercluster.js",
                "leaflet.markercluster/1.1.0/leaflet.markercluster.js",
            ),
            (
                "package/dist/MarkerCluster.css",
                "leaflet.markercluster/1.1.0/MarkerCluster.css",
            ),
            (
                "package/dist/MarkerCluster.Default.css",
                "leaflet.markercluster/1.1.0/MarkerCluster.Default.css",
            ),
            ("package/MIT-LICENCE.txt", "leaflet.markercluster/1.1.0/MIT-LICENCE.txt"),
        ],
    ),
    (
        "leaflet.timeline@1.6.0",
        [
            (
                "package/dist/leaflet.timeline.js",
                "leaflet.timeline/1.6.0/leaflet.timeline.js",
            ),
            ("package/LICENSE", "leaflet.timeline/1.6.0/LICENSE"),
        ],
    ),
    (
        "moment@2.18.1",
        [
            ("package/min/moment.min.js", "moment/2.18.1/moment.min.js"),
            ("package/LICENSE", "moment/2.18.1/LICENSE"),
        ],
    ),
    (
        "d3@3.5.5",
        [
            ("package/d3.min.js", "d3/3.5.5/d3.min.js"),
            ("package/LICENSE", "d3/3.5.5/LICENSE"),
        ],
    ),
]

GLYPHICONS_CSS = "bootstrap/3.4.1/css/bootstrap-glyphicons.css"
ROTATE_CSS = "folium/leaflet.awesome.rotate.min.css"
FOLIUM_LICENSE = "folium/LICENSE.txt"


def npm_pack(spec: str, workdir: Path) -> Path:
    """Download one npm package tarball into workdir and return its path."""
    out = (
        subprocess.run(
            ["npm", "pack", "--silent", spec],
            cwd=workdir,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return workdir / out


def glyphicons_css(bootstrap3_css: str) -> str:
    """Cut Bootstrap 3's glyphicon @font-face and .glyphicon* rules out of bootstrap.css."""
    start = bootstrap3_css.index('@font-face {\n  font-family: "Glyphicons Halflings";')
    rules = []
    pos = bootstrap3_css.index("}", start) + 1  # skip the original @font-face
    for match in re.finditer(r"\s*([^{}]+)\{([^{}]*)\}", bootstrap3_css[pos:]):
        selector = match.group(1).strip()
        if not selector.startswith(".glyphicon"):
            break
        rules.append(f"{selector} {{{match.group(2).rstrip()}\n}}")
    font_face = (
        "@font-face {\n"
        '  font-family: "Glyphicons Halflings";\n'
        '  src: url("../fonts/glyphicons-halflings-regular.woff2") format("woff2"),'
        ' url("../fonts/glyphicons-halflings-regular.woff") format("woff");\n'
        "}"
    )
    header = (
        "/*!\n"
        " * Glyphicons for folium, derived from Bootstrap v3.4.1 dist/css/bootstrap.css\n"
        " * (https://getbootstrap.com/) by tools/vendor_assets.py: the @font-face (woff2/woff only)\n"
        " * and the .glyphicon* rules.  Copyright 2011-2019 Twitter, Inc.\n"
        " * Licensed under MIT (https://github.com/twbs/bootstrap/blob/master/LICENSE)\n"
        " */"
    )
    return "\n".join([header, font_face, *rules]) + "\n"


def rotate_css() -> str:
    """Regenerate folium's leaflet.awesome.rotate.min.css (rotation classes for icons)."""
    return (
        "".join(
            f".fa-rotate-{n}{{-ms-transform:rotate({n}deg);-webkit-transform:rotate({n}deg);transform:rotate({n}deg)}}"
            for n in range(1, 361)
        )
        + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Download the npm packages and rewrite the vendor folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=DEFAULT_DEST)
    args = parser.parse_args(argv)
    dest: Path = args.dest

    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for spec, files in PACKAGES:
            tgz = npm_pack(spec, work)
            with tarfile.open(tgz) as tar:
                for member, target in files:
                    data = tar.extractfile(member).read()
                    out = dest / target
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(data)
                    written.append(out)
                if spec == "bootstrap@3.4.1":
                    css = tar.extractfile("package/dist/css/bootstrap.css").read().decode("utf-8")
                    out = dest / GLYPHICONS_CSS
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_text(glyphicons_css(css), encoding="utf-8")
                    written.append(out)

    out = dest / ROTATE_CSS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(rotate_css(), encoding="utf-8")
    written.append(out)
    folium_license = importlib.metadata.distribution("folium").read_text("licenses/LICENSE.txt")
    if folium_license is None:
        print(
            "folium's LICENSE.txt not found in its metadata; copy it by hand",
            file=sys.stderr,
        )
    else:
        (dest / FOLIUM_LICENSE).write_text(folium_license, encoding="utf-8")
        written.append(dest / FOLIUM_LICENSE)

    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{size:>9}  {digest}  {path.relative_to(dest)}")
    print(f"{total:>9}  total ({len(written)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
