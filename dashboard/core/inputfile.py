"""Reading a file users name without hanging or exhausting memory: regular files only, reads bounded.

A FIFO blocks ``open`` until a writer comes, a device (``/dev/zero``, or a symlink to it) never ends, and a
directory cannot be read: each is refused with a reason before anything is read. Every read stops at a limit.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

# GeoJSON needs about 10 levels (collection, feature, geometry, four levels of MultiPolygon coordinates);
# nothing a reader accepts goes deeper than this, so deeper documents are refused before recursion starts.
MAX_JSON_DEPTH = 64
MAX_JSON_BYTES = 200 * 1024 * 1024


class Refused(ValueError):
    """A file that cannot be read as asked; the message is the reason shown to users."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words (from ``os.stat``'s mode)."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _megabytes(n: int) -> str:
    return f"{n / 2**20:,.1f} MB" if n % 2**20 else f"{n // 2**20:,} MB"


def read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``Refused`` otherwise (never blocks).

    ``stat`` follows symlinks, so a link to ``/dev/zero`` is a device. The file is opened non-blocking and
    checked again on its descriptor, so a file swapped for a FIFO in between cannot block either.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise Refused("file not found") from None
    except OSError as exc:
        raise Refused(f"cannot read it: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{file_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise Refused(f"the file is {_megabytes(info.st_size)}; the limit is {_megabytes(limit)}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise Refused(f"cannot read it: {exc.strerror}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Refused(f"{file_kind(mode)}, not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)  # a file that grew since stat is still cut at the limit
    except OSError as exc:
        raise Refused(f"cannot read it: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Refused(f"the file is larger than the limit of {_megabytes(limit)}")
    return data


def json_depth_exceeds(doc, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``doc`` (parsed JSON) nests lists/objects more than ``limit`` levels deep (iterative: no recursion)."""
    stack = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def read_json(path: Path, limit: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH):
    """A parsed JSON document (UTF-8, BOM allowed), or ``Refused`` with the reason: never a crash or a hang."""
    data = read_bytes(path, limit)
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise Refused(f"not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise Refused(f"not a JSON document: {exc}") from None
    except RecursionError:
        raise Refused(f"nested more than {max_depth} levels deep") from None
    if json_depth_exceeds(doc, max_depth):
        raise Refused(f"nested more than {max_depth} levels deep")
    return doc
