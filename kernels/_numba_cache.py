"""Keep Numba's on-disk cache in step with the sources it was compiled from.

Numba checks a cached function against the time stamp of its own source file only.
The compiled loops also contain code from other files (``numba_loop`` compiles
``logistic.sample_terms``; ``numba_parallel`` compiles ``numba_loop.accumulate``), so
after an edit of ``logistic.py`` Numba would keep loading the old machine code. On
import, this module hashes every source file of the package and, when the hash
differs from the one the cache was built with, deletes the cached machine code in
``kernels/__pycache__``, so the next call compiles afresh. Import it before any
``@njit(cache=True)``.
"""

import hashlib
import os
import tempfile
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CACHE = _PACKAGE / "__pycache__"
_STAMP = _CACHE / "numba-sources.sha256"


def sources_digest():
    """SHA-256 of the package's ``*.py`` files, in name order."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def drop_stale_cache():
    """Delete Numba's cache files in ``kernels/__pycache__`` if the sources changed.

    Returns
    -------
    bool
        True when cache files were deleted.
    """
    digest = sources_digest()
    try:
        if _STAMP.read_text() == digest:
            return False
    except OSError:
        pass
    try:
        _CACHE.mkdir(exist_ok=True)
        stale = [*_CACHE.glob("*.nbi"), *_CACHE.glob("*.nbc")]
        for path in stale:
            path.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=_CACHE, prefix=".stamp-")
        with os.fdopen(fd, "w") as f:
            f.write(digest)
        os.replace(tmp, _STAMP)
    except OSError:  # a read-only install: Numba then caches elsewhere, or not at all
        return False
    return bool(stale)


drop_stale_cache()
