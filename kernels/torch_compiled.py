"""``torch_eager.step_tensors`` through ``torch.compile``: Inductor's C++ on the CPU.

The same function as ``torch_eager.py``; TorchDynamo traces it and Inductor generates
C++ that fuses the element-wise math between the two matrix-vector products into
loops (the products stay calls into PyTorch's own kernels, two passes over ``X``).
Inductor needs a C++ compiler; it caches what it built on disk
(``$TORCHINDUCTOR_CACHE_DIR``), and the first call of each new graph traces and
compiles it (the first-call timings measure it with an empty cache).

``dynamic=True``, chosen deliberately: the sizes are symbolic from the first call, so
one compiled graph serves every ``n`` and ``d`` of a dtype and layout. With
``dynamic=False`` every new shape is traced and compiled again (seconds each, for
each of the grid's dozens of sizes), and past ``recompile_limit`` graphs of one
function Dynamo gives up and runs it eagerly. A user whose shapes never change could
take ``dynamic=False``; the graph is then specialized to that one shape. Sizes 0
and 1 are still specialized (Dynamo's rule), and ``b`` and ``lr`` are traced, not
specialized, floats, so new values do not recompile. The limit is raised to 64 for
this process: the test suite passes many layouts and dtypes, each its own graph.
"""

import torch

from kernels._contract import epoch_loop, public_step, public_train
from kernels.torch_eager import numpy_core, step_tensors

RECOMPILE_LIMIT = 64
torch._dynamo.config.recompile_limit = max(
    torch._dynamo.config.recompile_limit, RECOMPILE_LIMIT
)

_step = numpy_core(torch.compile(step_tensors, dynamic=True))

HOW = "whole-tensor PyTorch through torch.compile (Inductor, C++ on the CPU)"
step = public_step(_step, HOW)
train = public_train(epoch_loop(_step), HOW)
