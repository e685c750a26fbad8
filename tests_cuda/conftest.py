"""The numba_cuda tests, run by ``make test`` under Numba's CUDA simulator.

``numba_cuda`` is in ``kernels.IMPLEMENTATIONS`` only where it can run: on a GPU, or
with ``NUMBA_ENABLE_CUDASIM=1``, which Numba reads when ``numba.cuda`` is first
imported, so it must be set before Python starts. That is why these tests are a
pytest run of their own (``make test``: ``NUMBA_ENABLE_CUDASIM=1 pytest
tests_cuda``), apart from ``tests/``, whose run sees no CUDA. Without the simulator
and without a GPU this run stops at once with a usage error, never with every test
skipped. On a GPU, ``pytest tests_cuda`` runs the same tests on the device.

The simulator runs every GPU thread as a Python thread, thousands of times slower
than the kernels, so the sizes here are small and counted in blocks (``THREADS``
rows, 16 in the simulator): a block not filled, one full, one more row, several.
The helpers are those of ``tests/conftest.py``, and the test modules run tests of
``tests/`` as they are, with ``impl`` meaning numba_cuda.
"""

import sys

import pytest

from kernels import IMPLEMENTATIONS
from kernels._gpu import SIMULATOR_ENV, simulator_on
from tests.conftest import agree, readonly, step_all, unchanged  # noqa: F401

CUDA = "numba_cuda"


def pytest_configure(config):
    if CUDA not in IMPLEMENTATIONS:
        raise pytest.UsageError(
            f"{CUDA} is not registered: run tests_cuda with {SIMULATOR_ENV}=1"
            " (make test does) and numba-cuda installed (pip install -e '.[test]'),"
            " or on a CUDA GPU with pip install -e '.[cuda]'"
        )
    if simulator_on():
        # The simulator computes a thread's arithmetic on NumPy scalars, and stores
        # into a float32 array element by element; NumPy reports IEEE overflow and
        # invalid operations there as RuntimeWarning (a GPU reports nothing). The
        # bad-input tests reach them on purpose, on their way to the ValueError.
        # Only warnings raised in the kernels' code and in the simulator's arrays
        # are ignored: the host code stays under filterwarnings = error.
        for message, module in (
            ("(overflow|invalid value) encountered in scalar", r"kernels\."),
            ("overflow encountered in cast", r"numba\.cuda\.simulator\."),
        ):
            config.addinivalue_line(
                "filterwarnings", f"ignore:{message}:RuntimeWarning:{module}"
            )
        # Its threads take turns at every barrier; a shorter switch interval than
        # the default 5 ms makes them take turns sooner (about 2x faster here).
        sys.setswitchinterval(5e-4)


@pytest.fixture
def impl():
    """numba_cuda, for the tests of ``tests/`` run here."""
    return IMPLEMENTATIONS[CUDA]
