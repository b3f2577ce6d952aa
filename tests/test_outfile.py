"""Writing --out files: checked first, written whole or not at all, other kinds of file kept unless forced."""

import errno
import os

import pytest

from dashboard.core import outfile
from dashboard.core.outfile import OutError, check, write

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_new_file_is_written_with_ordinary_permissions(tmp_path):
    target = write(tmp_path / "sub" / "map.png", PNG, "png")
    assert target.read_bytes() == PNG
    umask = os.umask(0)
    os.umask(umask)
    assert (target.stat().st_mode & 0o777) == 0o666 & ~umask


@pytest.mark.parametrize(("existing", "kind"), [
    (PNG, "png"), (b"GIF89a...", "gif"), (b"PK\x03\x04...", "zip"), (b"<!DOCTYPE html>\n<html>", "html"),
    (b'{"type": "FeatureCollection", "features": []}', "geojson"), (b"event_id,date\n", "csv"),
    (b"\xef\xbb\xbfsource_id,outlet\n", "sources"), (b"", "png"),
])
def test_the_same_kind_of_output_is_replaced(tmp_path, existing, kind):
    path = tmp_path / "out"
    path.write_bytes(existing)
    write(path, b"new", kind)
    assert path.read_bytes() == b"new"


def test_another_kind_of_file_needs_force(tmp_path):
    notes = tmp_path / "notes.csv"
    notes.write_text("my thesis notes\n")
    with pytest.raises(OutError, match="exists and is not an events CSV; pass --force to replace it"):
        write(notes, b"event_id\n", "csv")
    assert notes.read_text() == "my thesis notes\n"
    write(notes, b"event_id\n", "csv", force=True)
    assert notes.read_text() == "event_id\n"


def test_folders_fifos_devices_and_files_under_files_are_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "file").write_text("x")
    for path, reason in ((tmp_path, "is a folder"), (tmp_path / "fifo", "is a FIFO"),
                         (tmp_path / "file" / "out.png", "a parent of it is a file")):
        with pytest.raises(OutError, match=reason):
            check(path, "png", force=True)  # --force never writes into these
    with pytest.raises(OutError, match="is a device"):
        check(outfile.Path("/dev/null"), "png", force=True)


def test_a_full_disk_leaves_the_previous_file_and_no_leftovers(tmp_path, monkeypatch):
    path = tmp_path / "map.png"
    path.write_bytes(PNG)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outfile.os, "fsync", full)
    with pytest.raises(OutError, match="cannot write it: No space left on device; nothing was changed"):
        write(path, PNG + b"more", "png")
    assert path.read_bytes() == PNG and _leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_the_previous_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("event_id,date\nold,2020-01-01\n")

    def interrupted(fh):
        fh.write(b"event_id,date\n")
        raise KeyboardInterrupt  # Ctrl-C halfway through

    with pytest.raises(KeyboardInterrupt):
        write(path, interrupted, "csv")
    assert path.read_text() == "event_id,date\nold,2020-01-01\n" and _leftovers(tmp_path) == []


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    (tmp_path / "real.png").write_bytes(PNG)
    (tmp_path / "link.png").symlink_to(tmp_path / "real.png")
    write(tmp_path / "link.png", PNG + b"2", "png")
    assert (tmp_path / "link.png").is_symlink() and (tmp_path / "real.png").read_bytes() == PNG + b"2"
