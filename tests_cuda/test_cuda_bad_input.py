"""Bad input to numba_cuda: the errors of every other implementation.

What this module proves
-----------------------
The tests of ``tests/test_bad_input.py``, run as they are with ``impl`` =
numba_cuda (through ``step`` and ``train``): wrong shapes, types and scalars are
refused with the argument named; NaN, infinity and labels outside [0, 1] anywhere
are found by the kernels and named; finite input whose arithmetic overflows is a
``ValueError``; inputs are left as they were. And, at the simulator's sizes, a bad
value in the last of several blocks is found too.
"""

import pytest

from bench.data import make_problem
from kernels import IMPLEMENTATIONS
from tests.test_bad_input import (  # noqa: F401  (collected here, impl = numba_cuda)
    LAST_CHUNK_CASES,
    METHODS,
    call,
    setting,
    test_a_matrix_is_used_as_a_plain_array,
    test_an_int_beyond_float_range_is_named,
    test_bad_input_is_refused_and_names_the_argument,
    test_big_endian_float32_stays_float32,
    test_huge_but_representable_input_gives_finite_output,
    test_masked_arrays_are_refused_rather_than_unmasked,
    test_overflow_of_finite_input_is_a_value_error,
    test_several_problems_name_the_first_checked_argument,
)

T = IMPLEMENTATIONS["numba_cuda"].module.THREADS
N_LATE = 3 * T + 5  # four blocks, the last one partial


def _in_last_block(index):
    """``LAST_CHUNK_CASES``' index (rows 2100 to 2999 of 3000) moved into the last
    block of ``N_LATE`` rows."""
    if isinstance(index, tuple):
        return (N_LATE - 1 - index[0] % 3, *index[1:])
    return N_LATE - 1 - index % 3


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("case", list(LAST_CHUNK_CASES))
def test_bad_value_in_the_last_block_is_found(case, method, impl, unchanged):
    arg, index, value, name = LAST_CHUNK_CASES[case]
    w, b, X, y = make_problem(N_LATE, 3, seed=43)
    args = {"w": w, "b": b, "X": X, "y": y, "lr": 0.1}
    args[arg] = setting(_in_last_block(index), value)(args[arg])
    check = unchanged(args["X"], args["y"], args["w"])
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call(impl, method, args)
    check()
