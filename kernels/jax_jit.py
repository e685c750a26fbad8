"""The step as whole-array JAX, compiled by ``jax.jit`` for the CPU (XLA).

The same statements as ``numpy_vectorized.py``, on ``jax.numpy``: XLA fuses the
element-wise math between the two matrix-vector products into one loop, so no
temporaries of ``n_samples`` values are made, but ``X @ w`` and ``r @ X`` stay two
dots, each a pass over ``X`` (the compiled loops read it once; ``python -m lesson``
shows the HLO).

Written as a careful JAX user would, by what was timed while writing it: the
explicit gradient with ``r @ X`` was the fastest of three forms; ``X.T @ r`` (a
transposed dot) and ``jax.value_and_grad`` of the stable loss were as fast or
slower, the first several times slower at large ``n * d``.

How it is run:

- float64 needs ``jax_enable_x64``, which this module turns on for the process when
  it is imported (without it JAX silently computes in float32);
- JAX dispatches asynchronously: ``step`` waits for the results
  (``jax.block_until_ready``) and hands back NumPy values, so a timer around it
  times the computation, not the dispatch. The results come back packed in one
  array: four separate transfers cost more than the whole step at 20 x 3;
- XLA ignores threadpoolctl: its CPU threads are set before JAX is first imported,
  from ``$LOOPBENCH_BLAS_THREADS`` (one thread by default, like BLAS; ``all`` leaves
  XLA its default), by ``XLA_FLAGS`` and the CPU affinity at the creation of its
  thread pool (``_pin_xla_threads``). Where JAX was imported before this module,
  its threads stay as they were; ``XLA_THREADS`` says what was applied;
- JAX reads NumPy arrays in place only when they are 64-byte aligned (XLA's buffer
  alignment); any other array is copied into a new buffer on every call. The
  benchmark data is 64-byte aligned (``bench.data.make_problem``), as the output of
  ``jnp.asarray`` or a 64-byte-aligned allocator would be; the tests also pass
  unaligned and strided arrays, which JAX copies.
- each new shape or dtype is traced and compiled once (the first-call timings
  measure it); ``b`` and ``lr`` are traced values, so new values do not recompile.
"""

import os
import sys

import numpy as np

from kernels._contract import epoch_loop, public_step, public_train
from kernels._threads import threads_setting

_XLA_CPUS = set()  # the CPUs XLA's pool was pinned to; empty: not pinned


def _pin_xla_threads():
    """Set the thread setting for XLA if JAX is not imported yet; return a
    description of what holds.

    ``XLA_FLAGS`` (``--xla_cpu_multi_thread_eigen=false
    intra_op_parallelism_threads=N``) is the documented way, but it did not keep
    the dot products on one core (seen with jaxlib 0.10.2: a 1e6 x 100 step used
    both cores of a 2-core machine, and ran twice as long under ``taskset -c 0``).
    XLA's CPU client sizes its thread pool from the CPU affinity when it is
    created, and its threads keep that affinity: so the calling thread is pinned to
    N of its CPUs while JAX creates the client, and unpinned at once. XLA's pool
    stays on those N CPUs, and each step's caller joins it there for the call
    (``_on_xla_cpus``); NumPy, Numba and PyTorch keep all of them.
    """
    threads = threads_setting()
    if "jax" in sys.modules:
        return "as JAX was imported before kernels.jax_jit (not set)"
    if threads is None:
        import jax

        return "XLA's default (all cores)"
    flags = (
        f"--xla_cpu_multi_thread_eigen={'false' if threads == 1 else 'true'}"
        f" intra_op_parallelism_threads={threads}"
    )
    current = os.environ.get("XLA_FLAGS", "")
    if flags not in current:  # a child process inherits what its parent set
        os.environ["XLA_FLAGS"] = f"{current} {flags}".strip()
    pinned = ""
    if hasattr(os, "sched_getaffinity"):
        mask = os.sched_getaffinity(0)
        cpus = set(sorted(mask)[:threads])
        os.sched_setaffinity(0, cpus)
        try:
            import jax

            jax.devices("cpu")  # creates the CPU client and its thread pool
        finally:
            os.sched_setaffinity(0, mask)
        pinned = f", XLA's pool pinned to CPUs {sorted(cpus)} at its creation"
        _XLA_CPUS.update(cpus)
    return f"{threads} (XLA_FLAGS={os.environ['XLA_FLAGS']!r}{pinned})"


XLA_THREADS = _pin_xla_threads()

import jax  # noqa: E402  (after the thread setting)
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)


def _not_negative(y):
    """``y >= 0`` elementwise, also for negative subnormals.

    XLA's CPU code runs with subnormals flushed to zero, so ``-5e-324 >= 0`` is true
    there; the sign bit, read as an integer, is not flushed. ``-0.0`` is a valid
    label (its bits are the most negative integer); NaN fails ``y <= 1`` anyway.
    """
    bits = jax.lax.bitcast_convert_type(y, jnp.int32 if y.itemsize == 4 else jnp.int64)
    return (bits >= 0) | (bits == jnp.iinfo(bits.dtype).min)


def step_arrays(w, b, X, y, lr):
    """The step on JAX arrays: ``(w_new, b_new, loss, ok)``, all arrays."""
    n = X.shape[0]
    labels_ok = jnp.all(_not_negative(y) & (y <= 1.0))
    # forward: all logits at once (one dot over X)
    z = X @ w + b
    # losses and dL/dz = sigma(z) - y, from one exp and one log1p per sample
    t = jnp.exp(-jnp.abs(z))
    loss_i = jnp.log1p(t) + jnp.maximum(z, 0.0) - y * z
    r = jnp.where(z >= 0.0, 1.0, t) / (1.0 + t) - y
    loss = jnp.mean(loss_i)
    g_b = jnp.mean(r)
    # backward: the mean of r_i x_i over samples (a second dot over X)
    g_w = (r @ X) / n
    # update
    w_new = w - lr * g_w
    b_new = b - lr * g_b
    ok = labels_ok & jnp.isfinite(loss) & jnp.isfinite(b_new)
    ok = ok & jnp.all(jnp.isfinite(w_new))
    return w_new, b_new, loss, ok


@jax.jit
def _step_xla(w, b, X, y, lr):
    """``step_arrays`` packed into one float64 array ``[*w_new, b_new, loss, ok]``:
    one transfer back instead of four (each costs microseconds; float32 values
    are exact in float64)."""
    w_new, b_new, loss, ok = step_arrays(w, b, X, y, lr)
    tail = jnp.stack([b_new, loss, ok]).astype(jnp.float64)
    return jnp.concatenate([w_new.astype(jnp.float64), tail])


def _on_xla_cpus(call):
    """Run ``call()`` with the calling thread on XLA's CPUs, as under ``taskset``:
    handing the work to a pool thread on the other core and waking up when it is
    done costs tens of microseconds a call; on the same core it does not."""
    if not _XLA_CPUS:
        return call()
    mask = os.sched_getaffinity(0)
    os.sched_setaffinity(0, _XLA_CPUS)
    try:
        return call()
    finally:
        os.sched_setaffinity(0, mask)


def _step(w, b, X, y, lr):
    out = _on_xla_cpus(lambda: jax.block_until_ready(_step_xla(w, b, X, y, lr)))
    packed = np.asarray(out)
    w_new = packed[:-3].astype(X.dtype)  # a new, writable array
    return w_new, float(packed[-3]), float(packed[-2]), bool(packed[-1])


HOW = "whole-array JAX under jax.jit (XLA on the CPU)"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
