"""Which implementations are registered, and what that costs at import.

What this module proves
-----------------------
- Without a GPU and without Numba's CUDA simulator, ``numba_cuda`` is not in
  ``IMPLEMENTATIONS`` and importing ``kernels`` does not import ``numba.cuda``
  (about 0.15 s that every new process would pay).
- With ``NUMBA_ENABLE_CUDASIM=1`` it is registered (its module, and so
  ``numba.cuda``, imported only at its first use, like every implementation's
  module: no process pays for JAX or PyTorch unless it uses them), and the CPU
  benchmark presets still do not time it: the simulator tests (``tests_cuda/``)
  rely on the first, the committed results on the second.
- Each peer (jax, torch, torch_compile, cython) is registered where it can run, and
  otherwise this run lists it as skipped with the reason; every declared
  implementation is either registered or has a reason, and ``python -m bench list``
  shows them all.
- What an implementation is comes from its declaration: a throwaway one declared
  interpreted joins the grid and is skipped where python is.
- The peers follow the thread setting: PyTorch's ``set_num_threads``, and XLA's
  pool on one CPU (XLA_FLAGS alone did not do it) with the caller's affinity left as
  it was.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import kernels
from bench.grid import PRESETS, cases
from bench.registry import registry_lines
from kernels._gpu import SIMULATOR_ENV, gpu_usable

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
import kernels
from bench.grid import PRESETS, cases
cpu = {c.impl for name in ("quick", "full") for c in cases(PRESETS[name])}
lazy = not {"jax", "torch"} & set(sys.modules)
print("numba_cuda" in kernels.IMPLEMENTATIONS, "numba.cuda" in sys.modules,
      "numba_cuda" in cpu, lazy)
"""


def printed_in_a_new_process(code, set_env=(), unset_env=()):
    """What ``python -c code`` prints, as words, in an environment with
    ``set_env`` (pairs) set and ``unset_env`` removed."""
    env = {k: v for k, v in os.environ.items() if k not in unset_env}
    env.update(set_env)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def registry_in_a_new_process(simulator):
    """``[registered, numba.cuda imported, in a CPU preset, no peer package
    imported]`` as strings."""
    on = [(SIMULATOR_ENV, "1")] if simulator else []
    return printed_in_a_new_process(PROBE, on, unset_env=(SIMULATOR_ENV,))


def test_without_a_gpu_numba_cuda_is_absent_and_numba_cuda_is_not_imported():
    if gpu_usable():
        pytest.skip("a CUDA GPU is usable here: numba_cuda is registered")
    assert registry_in_a_new_process(simulator=False) == [
        "False",
        "False",
        "False",
        "True",
    ]


def test_the_simulator_registers_numba_cuda_but_no_cpu_preset_times_it():
    assert registry_in_a_new_process(simulator=True) == [
        "True",
        "False",
        "False",
        "True",
    ]
    probe = "import kernels, sys; kernels.IMPLEMENTATIONS['numba_cuda'].module; "
    probe += "print('numba.cuda' in sys.modules)"
    assert printed_in_a_new_process(probe, [(SIMULATOR_ENV, "1")]) == ["True"]


# --- the peers and the declared properties --------------------------------------

PEERS = ("jax", "torch", "torch_compile", "cython")


@pytest.mark.parametrize("name", PEERS)
def test_each_peer_is_registered_or_skipped_with_the_reason(name):
    reason = kernels.unavailable().get(name)
    if reason is not None:
        pytest.skip(f"{name} not available here: {reason}")
    assert name in kernels.IMPLEMENTATIONS


def test_every_declared_implementation_is_registered_or_has_a_reason():
    missing = kernels.unavailable()
    for impl in kernels.DECLARED:
        assert (impl.name in kernels.IMPLEMENTATIONS) != (impl.name in missing)
        if impl.name in missing:
            assert missing[impl.name]


def test_a_missing_package_or_compiler_names_itself_and_how_to_install(monkeypatch):
    ghost = kernels.Implementation(
        "ghost", "kernels.ghost", extra="peers", requires=("no_such_package_xyz",)
    )
    assert ghost.why_unavailable() == (
        "no_such_package_xyz is not installed (pip install -e '.[peers]')"
    )
    monkeypatch.setattr(kernels.shutil, "which", lambda _: None)
    cython = kernels.declared("cython")
    if all(importlib.util.find_spec(p) for p in cython.requires):
        assert cython.why_unavailable().startswith("no C compiler")


def test_the_list_command_shows_every_declared_implementation():
    lines = registry_lines()
    assert [line.split()[0] for line in lines] == [i.name for i in kernels.DECLARED]
    for line, impl in zip(lines, kernels.DECLARED, strict=True):
        assert ("NOT AVAILABLE" in line) == (impl.name not in kernels.IMPLEMENTATIONS)


def test_a_new_implementation_joins_the_grid_by_its_declaration(monkeypatch):
    # one line in the registry: an interpreted implementation, skipped beyond the
    # preset's slow limit like python's, timed below it, and listed in table order
    mystery = kernels.Implementation(
        "mystery", "kernels.numpy_vectorized", interpreted=True
    )
    monkeypatch.setattr(kernels, "DECLARED", (*kernels.DECLARED, mystery))
    monkeypatch.setitem(kernels.IMPLEMENTATIONS, "mystery", mystery)
    quick = PRESETS["quick"]
    assert quick.implementations()[-1] == "mystery"
    mine = [c for c in cases(quick) if c.impl == "mystery"]
    python = [c for c in cases(quick) if c.impl == "python"]
    assert [c.skip_reason is None for c in mine] == [
        c.skip_reason is None for c in python
    ]
    assert any(c.skip_reason for c in mine)
    assert any(not c.skip_reason for c in mine)


def _threads_in_a_new_process(code, threads):
    setting = [("LOOPBENCH_BLAS_THREADS", threads)]
    return printed_in_a_new_process(code, setting, unset_env=("XLA_FLAGS",))


TORCH_THREADS = "import kernels.torch_eager as t, torch; print(torch.get_num_threads())"


@pytest.mark.skipif("torch" not in kernels.IMPLEMENTATIONS, reason="torch absent")
def test_torch_follows_the_thread_setting():
    assert _threads_in_a_new_process(TORCH_THREADS, "1") == ["1"]
    assert _threads_in_a_new_process(TORCH_THREADS, "2") == ["2"]


# Every thread's CPU affinity after a step of JAX's: XLA's pool on one CPU, the
# caller's own affinity as it was.
JAX_AFFINITY = """
import os
from bench.data import make_problem
from kernels import IMPLEMENTATIONS
before = sorted(os.sched_getaffinity(0))
IMPLEMENTATIONS["jax"].step(*make_problem(1000, 10), 0.1)
masks = [sorted(os.sched_getaffinity(int(t))) for t in os.listdir("/proc/self/task")]
print(before == sorted(os.sched_getaffinity(0)), sum(len(m) == 1 for m in masks))
"""


@pytest.mark.skipif("jax" not in kernels.IMPLEMENTATIONS, reason="jax absent")
@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs CPU affinity and two CPUs",
)
def test_jax_runs_xla_on_one_cpu_when_the_setting_is_one():
    caller_unchanged, pinned = _threads_in_a_new_process(JAX_AFFINITY, "1")
    assert caller_unchanged == "True"
    assert int(pinned) >= 1
    _, pinned_all = _threads_in_a_new_process(JAX_AFFINITY, "all")
    assert pinned_all == "0"
