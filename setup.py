"""Build step that bundles the atlas's data into the package (everything else is in pyproject.toml).

The repository keeps its data at the root (``events.csv``, ``geodata/``), outside the ``dashboard`` package, so
a wheel would carry no data. This build_py copies them into ``dashboard/data/`` of the build, where
``dashboard.core.atlas.default_data_dir()`` finds them once installed. Editable installs (``make``) skip it:
there the checkout's own data is used.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FILES = ["events.csv", *(f"geodata/{p.name}" for p in sorted((ROOT / "geodata").glob("*")) if p.suffix in
                                (".csv", ".geojson"))]


class BuildWithData(build_py):
    """build_py, plus the data files copied into ``dashboard/data``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "dashboard" / "data"
        for name in DATA_FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildWithData})
