"""The roofline's streams (``bench/stream.py``) read every element of ``X`` once.

What this module proves
-----------------------
- ``stream_one`` and ``stream_all`` return the sum of ``X`` in C and F order, for
  one chunk of rows (where ``stream_all`` stays on the calling thread, as
  ``numba_parallel`` does) and for several.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from bench.stream import stream_all, stream_one
from kernels.numba_parallel import CHUNK_ROWS


@pytest.mark.parametrize("n", [1, 10, CHUNK_ROWS, CHUNK_ROWS + 1, 3 * CHUNK_ROWS + 7])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("stream", [stream_one, stream_all])
def test_a_stream_sums_every_element(stream, order, n):
    X = np.asarray(np.random.default_rng(n).random((n, 5)), order=order)
    assert_allclose(stream(X), X.sum(), rtol=1e-12)


def test_one_chunk_does_not_wake_the_thread_pool(monkeypatch):
    import bench.stream

    def pool(X):
        raise AssertionError("the thread pool was used for one chunk")

    monkeypatch.setattr(bench.stream, "_stream_chunks", pool)
    X = np.ones((CHUNK_ROWS, 3))
    assert stream_all(X) == 3 * CHUNK_ROWS
    with pytest.raises(AssertionError, match="thread pool"):
        stream_all(np.ones((CHUNK_ROWS + 1, 3)))
