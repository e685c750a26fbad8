"""How many threads the libraries behind the step may use, from one setting.

``$LOOPBENCH_BLAS_THREADS`` is ``1`` by default, so that the single-threaded loops are
compared with single-threaded libraries: BLAS (``bench.environment`` applies it with
threadpoolctl), XLA's CPU backend (``kernels.jax_jit``, which must set ``XLA_FLAGS``
before JAX is imported: XLA ignores threadpoolctl) and PyTorch's intra-op pool
(``kernels.torch_eager``, ``torch.set_num_threads``). ``all`` leaves every library its
default (all cores); a number sets that many threads. Numba's own threads
(``numba_parallel``) follow Numba's ``NUMBA_NUM_THREADS``.
"""

import os

THREADS_ENV = "LOOPBENCH_BLAS_THREADS"


def threads_setting():
    """The requested thread count: an int, or ``None`` for each library's default.

    Raises
    ------
    ValueError
        ``$LOOPBENCH_BLAS_THREADS`` is neither ``all`` nor a positive integer.
    """
    raw = os.environ.get(THREADS_ENV, "1").strip().lower()
    if raw == "all":
        return None
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    raise ValueError(f"{THREADS_ENV} must be 'all' or a positive integer, got {raw!r}")
