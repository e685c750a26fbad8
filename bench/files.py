"""A result file written whole or not at all: the one atomic write of the project.

Every result file (a run's JSON, a table, a plot, the README) is written to a
hidden temporary file beside it, readable by everyone, and renamed into place:
an interrupted write leaves the previous file as it was, never half of one. A
file another process writes (pytest-benchmark's JSON, pyperf's) is written to
``partial_path(final)`` and put in place by ``publish``.
"""

import os
import tempfile
import uuid
from pathlib import Path

MODE = 0o644  # mkstemp makes a file private; a result is for everyone to read


def write_atomic(path, content):
    """Write text (UTF-8) or bytes to ``path`` through a temporary file and a
    rename; return ``path``. Raises OSError where it cannot be written."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def partial_path(final):
    """A hidden path beside ``final``, not yet a file, for another process to
    write (pyperf refuses to write over an existing file)."""
    final = Path(final)
    return final.with_name(f".{final.stem}-{uuid.uuid4().hex[:12]}.partial")


def publish(tmp, final):
    """Put the complete file ``tmp`` in ``final``'s place, readable by everyone."""
    os.chmod(tmp, MODE)
    os.replace(tmp, final)
