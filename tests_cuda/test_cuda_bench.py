"""The GPU rows of the ``gpu`` benchmark preset (``bench/device.py``) do their work.

What this module proves
-----------------------
- ``cuda_resident`` is numba_cuda's step: the same bits as ``step``, call after
  call (the timed call repeats one step, it does not train).
- ``cuda_load`` reads every element of ``X`` once: its per-thread sums add up to
  ``X.sum()``, with rows not filling a block and more elements than threads.
- ``cuda_h2d`` leaves a copy of ``X`` on the device.
- The ``gpu`` preset lists numba_cuda and the device rows, and the CPU presets
  list neither, under the simulator too.
"""

import numpy as np
import pytest

from bench.data import make_problem
from bench.device import DEVICE_ROWS, LOAD_BLOCKS, prepare
from bench.grid import DEVICE_IMPLEMENTATIONS, PRESETS, cases
from kernels import IMPLEMENTATIONS

T = IMPLEMENTATIONS["numba_cuda"].module.THREADS
LR = 0.1


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_resident_step_is_the_step(dtype, impl):
    w, b, X, y = make_problem(2 * T + 3, 5, seed=51, dtype=dtype)
    expected = impl.step(w, b, X, y, LR)
    call = prepare("cuda_resident", w, b, X, y, LR)
    for _ in range(2):
        w_new, b_new, loss, ok = call().launched()
        assert ok
        np.testing.assert_array_equal(w_new, expected[0], strict=True)
        assert dtype(b_new) == expected[1]
        assert dtype(loss) == expected[2]


# more elements than the load kernel has threads, and rows that fill no block
@pytest.mark.parametrize("shape", [(3, 2), (T * LOAD_BLOCKS // 3 + 1, 5)], ids=str)
def test_load_reads_every_element_once(shape):
    _, _, X, _ = make_problem(*shape, seed=52)
    sums = prepare("cuda_load", None, 0.0, X, None, LR)().copy_to_host()
    assert sums.shape[0] <= LOAD_BLOCKS * T
    if X.size > LOAD_BLOCKS * T:
        assert sums.shape[0] == LOAD_BLOCKS * T, "each thread must read several"
    assert sums.sum() == pytest.approx(X.sum(), rel=1e-12, abs=1e-12 * X.size)


def test_h2d_copies_X():
    _, _, X, _ = make_problem(T + 1, 3, seed=53, dtype=np.float32)
    on_device = prepare("cuda_h2d", None, 0.0, X, None, LR)()
    np.testing.assert_array_equal(on_device.copy_to_host(), X, strict=True)


def test_unknown_row_is_refused():
    with pytest.raises(ValueError, match="unknown device row"):
        prepare("cuda_nothing", None, 0.0, np.zeros((1, 1)), None, LR)


def test_only_the_gpu_preset_times_the_gpu():
    for name, preset in PRESETS.items():
        impls = {c.impl for c in cases(preset)}
        rows = {c.impl for c in cases(preset, impls=preset.device_rows)}
        if name == "gpu":
            assert set(DEVICE_IMPLEMENTATIONS) <= impls
            assert rows == set(DEVICE_ROWS)
            assert {"numba", "numba_parallel", "numpy"} <= impls
        else:
            assert not impls & set(DEVICE_IMPLEMENTATIONS), name
            assert not rows, name


class FakeBenchmark:
    """The part of pytest-benchmark's fixture a case uses: group, extra_info and
    one call of the timed function."""

    def __init__(self):
        self.group = None
        self.extra_info = {}
        self.calls = 0

    def __call__(self, func, *args):
        self.calls += 1
        return func(*args)


@pytest.mark.parametrize("row", DEVICE_ROWS)
def test_a_device_case_runs_and_is_recorded(row):
    # the benchmark case itself, end to end, at a size the simulator runs quickly
    # (on a real run only the skip for "no GPU" keeps it from running here)
    from bench.grid import Case
    from bench.test_gpu import test_device

    bench = FakeBenchmark()
    case = Case(row, T + 1, 3, "float64", pass_no=1)
    test_device(bench, case, PRESETS["gpu"])
    assert bench.calls == 1
    assert bench.group == case.group
    info = bench.extra_info
    assert info["impl"] == row
    assert info["reference"] is True
    assert (info["n_samples"], info["n_features"], info["itemsize"]) == (T + 1, 3, 8)
    assert info["alloc_bytes"] >= 0
