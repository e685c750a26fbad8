"""Writing a result file whole or not at all.

An interrupted report leaves the previous file in place, never half a table.
"""

import os
import tempfile
from pathlib import Path

from bench.report.common import ReportError


def write_atomic(path, content):
    """Write text or bytes to ``path`` through a temporary file and a rename.

    Raises
    ------
    ReportError
        The file cannot be written.
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            # mkstemp makes the file private; a result is for everyone to read
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write ({exc.strerror or exc})") from None
    return path
