"""The step as whole-tensor PyTorch on the CPU, run eagerly (one kernel per call).

The same statements as ``numpy_vectorized.py``, on ``torch`` tensors: two
matrix-vector products (``torch.mv``, each a pass over ``X``) and the element-wise
math between them, each operation its own call into PyTorch's kernels with its own
temporary of ``n_samples`` values. ``torch_compiled.py`` hands the same function to
``torch.compile``.

How it is run:

- the NumPy arrays are wrapped, not copied (``torch.from_numpy``), and ``w_new``
  comes back as ``Tensor.numpy()`` of the new tensor; only a layout PyTorch cannot
  wrap (a negative stride) is copied first. A read-only array is wrapped as it is:
  the step never writes to its inputs (PyTorch warns that it could);
- under ``torch.inference_mode()``: no autograd bookkeeping;
- ``torch.set_num_threads`` follows ``$LOOPBENCH_BLAS_THREADS`` (one thread by
  default, like BLAS; ``all`` leaves PyTorch's default); ``TORCH_THREADS`` records
  what was set.
"""

import warnings

import torch

from kernels._contract import epoch_loop, public_step, public_train
from kernels._threads import threads_setting


def _set_threads():
    threads = threads_setting()
    if threads is not None:
        torch.set_num_threads(threads)
    return torch.get_num_threads()


TORCH_THREADS = _set_threads()


def hold_threads():
    """Set PyTorch's intra-op threads back to the setting if something changed
    them; return the count now.

    Another OpenMP runtime in the same process can change the count PyTorch
    reads: when Numba's ``omp`` threading layer starts its pool (the first
    ``numba_parallel`` call with more than one chunk), ``torch.get_num_threads()``
    went from 1 to 2 and the step ran on two threads. The timing harnesses call
    this at each case's start, so that PyTorch keeps its setting whatever ran
    before in the process.
    """
    threads = threads_setting()
    if threads is not None and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return torch.get_num_threads()


def tensor(a):
    """``a`` as a tensor over the same memory (a copy only for negative strides)."""
    if any(s < 0 for s in a.strides):
        a = a.copy()
    if a.flags.writeable:
        return torch.from_numpy(a)
    with warnings.catch_warnings():  # never written to: see the module docstring
        warnings.filterwarnings("ignore", message="The given NumPy array is not")
        return torch.from_numpy(a)


def step_tensors(w, b, X, y, lr):
    """The step on tensors: ``(w_new, b_new, loss, ok)``, all tensors."""
    n = X.shape[0]
    labels_ok = ((y >= 0.0) & (y <= 1.0)).all()
    # forward: all logits at once (one pass over X)
    z = torch.mv(X, w) + b
    # losses and dL/dz = sigma(z) - y, from one exp and one log1p per sample
    t = torch.exp(-torch.abs(z))
    loss_i = torch.log1p(t) + torch.clamp(z, min=0.0) - y * z
    r = torch.where(z >= 0.0, 1.0, t) / (1.0 + t) - y
    loss = loss_i.mean()
    g_b = r.mean()
    # backward: the mean of r_i x_i over samples (a second pass over X)
    g_w = torch.mv(X.T, r) / n
    # update
    w_new = w - lr * g_w
    b_new = b - lr * g_b
    ok = labels_ok & torch.isfinite(loss) & torch.isfinite(b_new)
    ok = ok & torch.isfinite(w_new).all()
    return w_new, b_new, loss, ok


def numpy_core(tensor_step):
    """A ``_step`` core (NumPy in, NumPy out) around ``tensor_step``."""

    @torch.inference_mode()
    def _step(w, b, X, y, lr):
        w_new, b_new, loss, ok = tensor_step(tensor(w), b, tensor(X), tensor(y), lr)
        return w_new.numpy(), b_new.item(), loss.item(), bool(ok)

    return _step


_step = numpy_core(step_tensors)

HOW = "whole-tensor PyTorch on the CPU, eager"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
