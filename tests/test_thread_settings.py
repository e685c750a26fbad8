"""Each library keeps its thread setting whatever else ran in the process
(``kernels.torch_eager.hold_threads``, ``bench.environment.hold_thread_settings``)."""

import pytest

from bench.data import make_problem
from bench.environment import hold_thread_settings
from kernels._threads import threads_setting

torch = pytest.importorskip("torch")
torch_eager = pytest.importorskip("kernels.torch_eager")


@pytest.fixture
def setting():
    wanted = threads_setting()
    if wanted is None:
        pytest.skip("LOOPBENCH_BLAS_THREADS=all: PyTorch keeps its own default")
    yield wanted
    torch.set_num_threads(wanted)


def test_a_moved_torch_thread_count_is_put_back(setting):
    torch.set_num_threads(setting + 1)  # as another OpenMP runtime can move it
    assert torch_eager.hold_threads() == setting
    assert torch.get_num_threads() == setting


def test_the_harnesses_hold_the_setting_and_record_it(setting):
    torch.set_num_threads(setting + 1)
    assert hold_thread_settings() == {"torch_threads": setting}
    assert torch.get_num_threads() == setting


def test_numbas_thread_pool_does_not_leave_torch_on_more_threads(setting):
    # start Numba's pool (numba_parallel on more than one chunk), then hold
    from kernels import IMPLEMENTATIONS

    w, b, X, y = make_problem(8 * 1024, 4)
    IMPLEMENTATIONS["numba_parallel"].step(w, b, X, y, 0.1)
    hold_thread_settings()
    assert torch.get_num_threads() == setting
