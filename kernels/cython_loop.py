"""The step as the loop of ``numba_loop.py``, written in typed Cython.

``cython_step.pyx`` is the loop as a Cython user would write it: typed memoryviews
(``const``, so read-only arrays are accepted), bounds and wrap-around checks off, a
C-contiguous specialization (unit stride over features, which the C compiler
vectorizes) beside one for any strides, sums in double for float32 input. The
per-sample math calls C's ``exp`` and ``log1p`` directly.

It is compiled with the system C compiler at its first call (not at import, as Numba
compiles at the first call) into a cache, as Numba caches
(``kernels/_cython_build.py``), with flags chosen to match Numba's:

- ``-O3 -march=native``: full optimization for this CPU, as Numba compiles for the
  host;
- ``-fassociative-math -fno-signed-zeros -fno-trapping-math -ffp-contract=fast``: the
  ``fastmath={"reassoc", "contract", "nsz"}`` of ``numba_loop`` (GCC applies
  reassociation only with the other two), which lets the dot product and the
  gradient update vectorize. Like Numba's set, it keeps NaN and infinity: the
  finiteness test is a comparison with infinity.
"""

from pathlib import Path

import numpy as np

from kernels._contract import epoch_loop, public_step, public_train
from kernels._cython_build import load

FLAGS = (
    "-O3",
    "-march=native",
    "-fassociative-math",
    "-fno-signed-zeros",
    "-fno-trapping-math",
    "-ffp-contract=fast",
)
SOURCE = Path(__file__).with_name("cython_step.pyx")

_compiled = None


def compiled():
    """The built module: loaded from the cache, or built first."""
    global _compiled
    if _compiled is None:
        _compiled = load(SOURCE, FLAGS)
    return _compiled


def _step(w, b, X, y, lr):
    n = X.shape[0]
    loop = compiled()
    g_w = np.zeros(X.shape[1])
    if X.flags.c_contiguous and y.flags.c_contiguous and w.flags.c_contiguous:
        loss, g_b, labels_ok = loop.accumulate_c(X, y, w, b, g_w)
    else:
        loss, g_b, labels_ok = loop.accumulate_any(X, y, w, b, g_w)
    return loop.update(w, b, lr, n, g_w, g_b, loss, labels_ok)


HOW = "the loop of numba_loop in typed Cython, compiled with the C compiler"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
