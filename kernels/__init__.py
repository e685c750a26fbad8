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

``DECLARED`` lists every implementation the suite knows, each an ``Implementation``
that says what it is (interpreted, threaded, on a device, compiling at its first
call, the extra that installs what it needs). ``IMPLEMENTATIONS`` maps the name of
each one that can run here to it: call it like ``step``, or use its ``step`` and
``train``. ``unavailable()`` gives the reason for each of the others (a package not
installed, no C compiler, no GPU). Adding one is a module with a ``step`` and a
``train`` plus one line in ``DECLARED``. A module is imported at its first use, so
that ``import kernels`` does not pay for JAX or PyTorch in every process.
"""

import importlib
import importlib.util
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from kernels._cython_build import c_compiler
from kernels._gpu import cuda_usable, why_no_gpu
from kernels.logistic import neg_log_loss, sigmoid


@dataclass(frozen=True)
class Implementation:
    """One way of writing the step, and what the suite needs to know about it.

    Attributes
    ----------
    name : str
        Its name in the tables.
    module_name : str
        The module with its ``step`` and ``train``, imported at first use.
    interpreted : bool
        The interpreter runs once per sample or element: the presets run it only
        up to their ``slow_max_elements``.
    threaded : bool
        Runs on all of Numba's threads: its read rate is set against the
        all-threads stream.
    device : bool
        Runs on a GPU: timed only by presets that name it.
    compiles : bool
        Its first call compiles (Numba, XLA, Inductor) or builds (Cython): that
        first call is timed in new processes, apart from the step.
    tracemalloc_sees : bool
        Its memory comes from allocators that ``tracemalloc`` traces (Python's and
        NumPy's); false for XLA's buffers and PyTorch's CPU allocator, whose bytes
        the memory table cannot show.
    extra : str or None
        The ``pip install -e '.[EXTRA]'`` extra that installs what it needs.
    install : str
        How to install what it needs where no extra does (PyTorch: its CPU build).
    requires : tuple of str
        Top-level packages it imports; it is unavailable where one is missing.
    check : callable or None
        ``check() -> reason or None``, for needs beyond packages (a compiler, a GPU).
    """

    name: str
    module_name: str
    interpreted: bool = False
    threaded: bool = False
    device: bool = False
    compiles: bool = False
    tracemalloc_sees: bool = True
    extra: str | None = None
    install: str = "install it"
    requires: tuple = ()
    check: Callable | None = field(default=None, compare=False, repr=False)

    @cached_property
    def module(self):
        return importlib.import_module(self.module_name)

    @property
    def step(self):
        return self.module.step

    @property
    def train(self):
        return self.module.train

    def __call__(self, w, b, X, y, lr):
        return self.module.step(w, b, X, y, lr)

    def why_unavailable(self):
        """Why it cannot run here, or None when it can. Imports nothing."""
        for package in self.requires:
            if importlib.util.find_spec(package) is None:
                how = (
                    f"pip install -e '.[{self.extra}]'" if self.extra else self.install
                )
                return f"{package} is not installed ({how})"
        return self.check() if self.check is not None else None


def _c_compiler(what):
    """A ``check``: None when the C compiler Python was built with is on PATH."""

    def check():
        cc = c_compiler()
        if shutil.which(cc) is None:
            return f"no C compiler: {what} needs {cc!r} on PATH"
        return None

    return check


def trait(name, attribute):
    """``attribute`` of the declared implementation ``name``; False for a name the
    suite does not declare (a reference row, a row of an older run)."""
    impl = declared(name)
    return bool(getattr(impl, attribute)) if impl is not None else False


def _gpu():
    return None if cuda_usable() else f"no GPU: {why_no_gpu()}"


_TORCH_CPU = "its CPU build: make torch, or see the README's peers section"

# Every implementation the suite knows, in the order of the tables.
DECLARED = (
    Implementation("python", "kernels.python_loop", interpreted=True),
    Implementation("numpy", "kernels.numpy_vectorized"),
    Implementation("numba", "kernels.numba_loop", compiles=True),
    Implementation("numba_simd", "kernels.numba_simd", compiles=True),
    Implementation(
        "numba_parallel", "kernels.numba_parallel", threaded=True, compiles=True
    ),
    Implementation("numpy_per_sample", "kernels.numpy_per_sample", interpreted=True),
    Implementation(
        "jax",
        "kernels.jax_jit",
        compiles=True,
        tracemalloc_sees=False,
        extra="peers",
        requires=("jax",),
    ),
    Implementation(
        "torch",
        "kernels.torch_eager",
        tracemalloc_sees=False,
        install=_TORCH_CPU,
        requires=("torch",),
    ),
    Implementation(
        "torch_compile",
        "kernels.torch_compiled",
        compiles=True,
        tracemalloc_sees=False,
        install=_TORCH_CPU,
        requires=("torch",),
        check=_c_compiler("torch.compile's C++ backend (Inductor)"),
    ),
    Implementation(
        "cython",
        "kernels.cython_loop",
        compiles=True,
        extra="peers",
        requires=("Cython", "setuptools"),
        check=_c_compiler("Cython's build"),
    ),
    Implementation(
        "numba_cuda", "kernels.numba_cuda", device=True, compiles=True, check=_gpu
    ),
)

IMPLEMENTATIONS = {
    impl.name: impl for impl in DECLARED if impl.why_unavailable() is None
}


def unavailable():
    """``{name: reason}`` for every declared implementation that cannot run here."""
    return {
        impl.name: impl.why_unavailable()
        for impl in DECLARED
        if impl.name not in IMPLEMENTATIONS
    }


def declared(name):
    """The ``Implementation`` called ``name``, registered here or not; None for a
    name the suite does not declare (a row of an older run, a reference row)."""
    return next((impl for impl in DECLARED if impl.name == name), None)


__all__ = [
    "DECLARED",
    "IMPLEMENTATIONS",
    "Implementation",
    "declared",
    "neg_log_loss",
    "sigmoid",
    "trait",
    "unavailable",
]
