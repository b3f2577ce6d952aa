"""Installed outside the checkout: the wheel bundles the data (setup.py), and the package finds it there.

Building and installing a wheel needs pip and the index: .ci/run does that end to end; these tests check the
pieces without a network.
"""

import importlib.util
from pathlib import Path

from dashboard.core import atlas as atlas_module
from dashboard.core import citation, datadir

REPO = Path(__file__).resolve().parent.parent


def load_setup():
    import setuptools

    calls = {}
    real, setuptools.setup = setuptools.setup, lambda **kw: calls.update(kw)
    try:
        spec = importlib.util.spec_from_file_location("atlas_setup", REPO / "setup.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        setuptools.setup = real
    return module, calls


def test_the_wheel_bundles_every_data_file_a_version_covers():
    module, calls = load_setup()
    assert calls["cmdclass"]["build_py"] is module.BuildWithData
    assert sorted(module.DATA_FILES) == sorted(str(p.relative_to(REPO)) for p in citation.data_files(REPO))


def test_the_build_step_copies_the_data_into_the_package(tmp_path):
    from setuptools.dist import Distribution

    module, _ = load_setup()
    command = module.BuildWithData(Distribution({"name": "karabakh-atlas", "packages": []}))
    command.initialize_options()
    command.build_lib = str(tmp_path)
    command.finalize_options()
    command.run()
    copied = sorted(str(p.relative_to(tmp_path / "dashboard" / "data")) for p in tmp_path.rglob("*") if p.is_file())
    assert copied == sorted(module.DATA_FILES)


def test_installed_data_wins_over_the_checkout(tmp_path, monkeypatch):
    assert datadir.default_data_dir() == REPO  # the checkout (an editable install copies nothing)
    (tmp_path / "events.csv").write_text("event_id\n", encoding="utf-8")
    monkeypatch.setattr(datadir, "PACKAGED_DATA", tmp_path)
    assert datadir.default_data_dir() == tmp_path
    assert atlas_module.default_data_dir is datadir.default_data_dir  # one rule, re-exported
