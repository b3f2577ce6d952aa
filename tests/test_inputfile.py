"""Reading named files: regular files only, bounded, JSON nesting checked; a reason, never a hang or a crash."""

import json
import os

import pytest

from dashboard.core.inputfile import MAX_JSON_DEPTH, Refused, json_depth_exceeds, read_bytes, read_json


def test_regular_file_is_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert read_bytes(tmp_path / "a.txt", 10) == b"hello"


@pytest.mark.parametrize(("make", "reason"), [
    (lambda p: os.mkfifo(p), "a FIFO (named pipe), not a regular file"),
    (lambda p: p.symlink_to("/dev/zero"), "a device, not a regular file"),
    (lambda p: p.mkdir(), "a folder, not a regular file"),
    (lambda p: p.write_bytes(b"x" * 11), "the file is 0.0 MB; the limit is 0.0 MB"),
    (lambda p: None, "file not found"),
])
def test_what_cannot_be_read_is_refused_with_a_reason(tmp_path, make, reason):
    path = tmp_path / "f"
    make(path)
    with pytest.raises(Refused) as info:
        read_bytes(path, 10)
    assert str(info.value) == reason


@pytest.mark.parametrize("depth", [100_000, 500, MAX_JSON_DEPTH + 1])
def test_deep_nesting_is_refused_at_any_depth(tmp_path, depth):
    path = tmp_path / "deep.geojson"
    path.write_text("[" * depth + "]" * depth)
    with pytest.raises(Refused, match=f"nested more than {MAX_JSON_DEPTH} levels deep"):
        read_json(path)


def test_ordinary_geojson_depth_is_fine(tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": {"b": [1, 2]}},
         "geometry": {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]}}]}
    (tmp_path / "ok.geojson").write_text(json.dumps(doc))
    assert read_json(tmp_path / "ok.geojson") == doc
    assert not json_depth_exceeds(doc, 8) and json_depth_exceeds(doc, 7)  # a point of a MultiPolygon: level 8
