r"""One logistic-regression training step, written several ways.

The step (every implementation keeps this contract)::

    w_new, b_new, loss = step(w, b, X, y, lr)

with ``X`` of shape (n_samples, n_features), one sample per row, ``y`` of shape
(n_samples,) holding labels in [0, 1], ``w`` of shape (n_features,), and scalars ``b``
and ``lr > 0``. With ``z_i = x_i . w + b`` and ``sigma`` the logistic function:

    loss = (1/n) sum_i [ log(1 + e^{z_i}) - y_i z_i ]      (at the input w, b)
    g_w  = (1/n) sum_i (sigma(z_i) - y_i) x_i
    g_b  = (1/n) sum_i (sigma(z_i) - y_i)
    w_new = w - lr g_w,   b_new = b - lr g_b

The gradient follows from dL/da = -y/a + (1-y)/(1-a) and da/dz = a(1-a), so
dL/dz = a - y (the source notebook dropped the minus sign of the first term; its
dL/dz was right). ``logistic.sample_terms`` evaluates the loss and ``a - y`` of one
sample without overflow for any finite logit.

Rules: inputs are never modified; float32 ``X`` and ``w`` give float32 results and
anything else real is computed in float64; bad input raises ``TypeError`` or
``ValueError`` naming the argument (``kernels._checks``).

``IMPLEMENTATIONS`` maps a name to an ``Implementation``: call it like ``step``, or
use its ``step`` and ``train``. Adding one is a module with a ``step`` and a
``train`` plus one line below. ``numba_cuda`` is there only where it can run: on a
GPU, or in Numba's CUDA simulator (``NUMBA_ENABLE_CUDASIM=1``).
"""

import importlib
from dataclasses import dataclass
from types import ModuleType

from kernels import (
    numba_loop,
    numba_parallel,
    numba_simd,
    numpy_per_sample,
    numpy_vectorized,
    python_loop,
)
from kernels._gpu import cuda_usable
from kernels.logistic import neg_log_loss, sigmoid


@dataclass(frozen=True)
class Implementation:
    """A registered implementation: its name and the module that defines it."""

    name: str
    module: ModuleType

    @property
    def step(self):
        return self.module.step

    @property
    def train(self):
        return self.module.train

    def __call__(self, w, b, X, y, lr):
        return self.module.step(w, b, X, y, lr)


def usable_here(name, module_name, usable):
    """``(Implementation,)`` when ``usable()`` says it can run here, else ``()``.

    For implementations that need hardware or packages the suite does not require;
    their module is imported only when usable.
    """
    if not usable():
        return ()
    return (Implementation(name, importlib.import_module(module_name)),)


IMPLEMENTATIONS = {
    impl.name: impl
    for impl in (
        Implementation("python", python_loop),
        Implementation("numpy", numpy_vectorized),
        Implementation("numba", numba_loop),
        Implementation("numba_simd", numba_simd),
        Implementation("numba_parallel", numba_parallel),
        Implementation("numpy_per_sample", numpy_per_sample),
        *usable_here("numba_cuda", "kernels.numba_cuda", cuda_usable),
    )
}

__all__ = ["IMPLEMENTATIONS", "Implementation", "neg_log_loss", "sigmoid"]
