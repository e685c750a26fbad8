"""Read the machine code Numba made for a compiled function (x86-64).

``tests/test_simd_shape.py`` checks with it that ``numba_simd``'s loops use the
vector units, and the lesson notebook counts the vector instructions of the loops
it compares. The instruction names are x86-64's; ``X86_64`` says whether this
machine is one.
"""

import platform
import re

from numba import njit, typeof

X86_64 = platform.machine().lower() in ("x86_64", "amd64")

# a packed (vector) floating-point operation on 128-, 256- or 512-bit registers
PACKED = re.compile(
    r"^\s*v(?:add|sub|mul|div|fmadd\w*|fnmadd\w*|fmsub\w*|max|min|blendv)p[sd]\s"
    r".*%[xyz]mm",
    re.MULTILINE,
)
CALL = re.compile(r"^\s*call\w*\s+(.*)$", re.MULTILINE)
# the address of a C library math function, loaded for an indirect call
LIBM = re.compile(r"\$(exp|log|log1p|floor|pow)f?\b")


def native_asm(func, *args):
    """The assembly of ``func``'s own machine code for the types of ``args``.

    Numba does not show the assembly of code it loaded from its on-disk cache, so
    the function is compiled afresh here, with the same options minus the cache.
    Of the listing, only the native function is kept, not the CPython wrapper
    Numba adds after it (which calls into the interpreter to box and unbox).

    Parameters
    ----------
    func : numba dispatcher
        An ``@njit`` function.
    *args
        Arguments of the types to compile for; the fresh copy is called once with
        them.

    Returns
    -------
    str
    """
    options = {k: v for k, v in func.targetoptions.items() if k != "cache"}
    options.pop("nopython", None)  # implied by njit
    fresh = njit(**options)(func.py_func)
    fresh(*args)
    asm = fresh.inspect_asm(tuple(typeof(a) for a in args))
    name = func.py_func.__qualname__
    mangled = re.search(rf"^(_ZN\w*{len(name)}{name}\w*):$", asm, re.MULTILINE)
    assert mangled, f"no native function {name} in the listing"
    body = asm[mangled.end() :]
    return body[: body.index(".Lfunc_end")]


def shape_of(asm):
    """``{"packed": count, "calls": [targets], "libm": [names]}`` of a listing:
    the vector arithmetic, the calls, and the C math functions it calls."""
    return {
        "packed": len(PACKED.findall(asm)),
        "calls": CALL.findall(asm),
        "libm": LIBM.findall(asm),
    }
