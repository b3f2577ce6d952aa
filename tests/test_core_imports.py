"""The core imports neither streamlit nor the map-drawing libraries: every module of dashboard/core, each in a
fresh interpreter (so nothing imported by an earlier module hides what this one pulls in)."""

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "dashboard" / "core"
BANNED = ("streamlit", "folium", "branca")


def core_modules() -> list[str]:
    """Every module under dashboard/core, packages included, by its dotted name."""
    names = []
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def banned_after_import(module: str) -> str:
    """The banned top-level packages in ``sys.modules`` once a fresh interpreter has imported ``module``."""
    code = (f"import importlib, sys; importlib.import_module({module!r}); "
            f"print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(BANNED)!r})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture(scope="module")
def loaded() -> dict[str, str]:
    """Every core module's banned imports; the interpreters run side by side (each takes ~1 s of pandas)."""
    modules = core_modules()
    with ThreadPoolExecutor(max_workers=len(os.sched_getaffinity(0))) as pool:
        return dict(zip(modules, pool.map(banned_after_import, modules), strict=True))


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_neither_streamlit_nor_folium_nor_branca(module, loaded):
    assert loaded[module] == "", f"importing {module} loads {loaded[module]}"


def test_every_core_module_is_found():
    modules = core_modules()
    assert {"dashboard.core", "dashboard.core.atlas", "dashboard.core.build", "dashboard.core.build.zones"} <= set(
        modules)
    assert len(modules) == len(list(CORE.rglob("*.py")))
