"""Counts in words: the singular for one, the plural otherwise."""

import pytest

from dashboard.core.words import noun_for, plural


@pytest.mark.parametrize(("n", "noun", "many", "expected"), [
    (0, "event", None, "0 events"),
    (1, "event", None, "1 event"),
    (2, "event", None, "2 events"),
    (1, "row", None, "1 row"),
    (1_000, "row", None, "1,000 rows"),
    (1, "peacekeeper post", None, "1 peacekeeper post"),
    (7, "settlement", None, "7 settlements"),
    (1, "country", "countries", "1 country"),
    (3, "country", "countries", "3 countries"),
])
def test_plural(n, noun, many, expected):
    assert plural(n, noun, many) == expected


@pytest.mark.parametrize(("n", "noun", "expected"), [(1, "this", "this"), (2, "this", "these"), (2, "is", "are")])
def test_noun_for_knows_a_few_irregular_words(n, noun, expected):
    assert noun_for(n, noun) == expected
