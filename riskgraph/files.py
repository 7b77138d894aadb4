"""Private files written whole: the users file, the audit trail's head, the demo's secrets and keys.

One writer for all of them, so that each is either the old file or the new one after a crash
(written to a temporary file beside it, then renamed over it) and never readable by other users
(mode 0600 whatever the umask).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically, mode 0600; ``durable`` syncs it to disk before the rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        os.fchmod(fd, PRIVATE_MODE)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


@contextmanager
def locked_dir(root: Path) -> Iterator[Path]:
    """``root`` (made when missing) held under an exclusive lock on its ``.lock`` file: one writer at a time
    on this machine, whether the CLI or any worker of the service."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
