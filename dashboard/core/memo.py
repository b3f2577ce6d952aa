"""Per-module memos of values derived from one atlas: each module owns its own, nobody writes another's."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any


class AtlasMemo:
    """Values a module computes once per atlas (or per upload), forgotten with it.

    Keyed by the owner object's identity (held weakly) and a hashable key, so a new atlas never sees an old
    one's values and nothing is keyed by counts or paths.
    """

    def __init__(self) -> None:
        self._store: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, owner: object, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of ``key`` for ``owner``, computed by ``compute()`` on first use."""
        values = self._store.get(owner)
        if values is None:
            values = self._store[owner] = {}
        if key not in values:
            values[key] = compute()
        return values[key]

    def table(self, owner: object, key: Hashable) -> dict:
        """A dict of values for ``owner`` under ``key``, filled by its user (e.g. one entry per feature)."""
        return self.get(owner, key, dict)
