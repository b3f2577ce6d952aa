"""The garbage collector paused around bulk reading (core/collector.py), and resumed as it was."""

import gc

import pytest

from dashboard.core import collector


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_restores_the_collector_as_it_was_even_on_error(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(ValueError), collector.paused():
            assert not gc.isenabled()
            with collector.paused():  # nested: still paused after the inner block
                pass
            assert not gc.isenabled()
            raise ValueError("inside")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
