"""Writing the files commands are asked for (``--out``): checked first, written whole or not at all.

An output goes to a temporary file beside the target and is renamed over it only once complete, so a full
disk or an interrupted run leaves the previous file as it was. A folder, a FIFO or a device is never written
to, and an existing file that is not the same kind of output is replaced only when asked (``force``).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .inputfile import file_kind


class OutError(ValueError):
    """An output that cannot or must not be written; the message is the reason shown to users."""


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(prefixes)


# kind -> (what it is, for messages; whether a file's first bytes look like one)
KINDS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "png": ("a PNG picture", _starts(b"\x89png\r\n\x1a\n")),
    "gif": ("a GIF", _starts(b"gif87a", b"gif89a")),
    "zip": ("a zip archive", _starts(b"pk\x03\x04", b"pk\x05\x06")),
    "html": ("an HTML page", _starts(b"<!doctype html", b"<html")),
    "geojson": ("a GeoJSON document", lambda head: _starts(b"{")(head) and b"FeatureCollection" in head),
    "csv": ("an events CSV", _starts(b"event_id,")),
    "sources": ("a sources CSV", _starts(b"source_id,")),
}
_SNIFF_BYTES = 4096


def check(path: Path, kind: str, force: bool = False) -> Path:
    """The file to write for ``path`` (a symlink's target), or ``OutError`` saying why it must not be written."""
    label, looks_like = KINDS[kind]
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except NotADirectoryError:
        raise OutError(f"{path}: a parent of it is a file, not a folder") from None
    except OSError as exc:
        raise OutError(f"{path}: {exc.strerror}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutError(f"{path} is {file_kind(info.st_mode)}; give a file name")
        if info.st_size and not force:
            try:
                with open(target, "rb") as fh:
                    head = fh.read(_SNIFF_BYTES)
            except OSError as exc:
                raise OutError(f"{path}: {exc.strerror}") from None
            if not looks_like(head):
                raise OutError(f"{path} exists and is not {label}; pass --force to replace it")
    parent = target.parent
    if parent.exists() and not parent.is_dir():
        raise OutError(f"{path}: {parent} is a file, not a folder")
    return target


def write(path: Path, data: bytes | Callable[[BinaryIO], None], kind: str, force: bool = False) -> Path:
    """Write ``data`` (bytes, or a function writing to a binary file) to ``path`` atomically; return the target."""
    target = check(path, kind, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise OutError(f"{path}: cannot create it: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            else:
                data(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode(target))
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise OutError(f"{path}: cannot write it: {exc.strerror or exc}; nothing was changed") from None
    except BaseException:  # an interrupted run (Ctrl-C, a crash in data) leaves the previous file as it was
        _remove(tmp)
        raise
    return target


def _mode(target: Path) -> int:
    """The mode of the file replaced, or what a new file gets under the current umask (mkstemp's is 0600)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(target).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
