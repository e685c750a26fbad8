"""Instructions per cache line of ``X``: the compiled passes, counted by callgrind.

A time says how long a pass took; it does not say why. Where ``numba_simd`` reads
``X`` slower than the stream, one question is how much work the core does per
64-byte line it reads: the fewer instructions per line, the further ahead of the
data the core's out-of-order window reaches, and the more of the in-core work can
hide behind the memory stream. callgrind (valgrind) counts the instructions a
process executes, the same count whatever else the machine is doing, so this is a
measure the noisy shared machines give exactly.

``python -m lab instructions`` runs a child process under
``valgrind --tool=callgrind``. The child compiles and warms each function, then
for each one zeroes callgrind's counters (``callgrind_control --zero``), calls it
``CALLS`` times, and dumps them (``callgrind_control --dump=LABEL``); the parent
reads the dumps' totals and divides by the calls and by the lines of ``X``:

- ``stream_one``: the loop that does nothing but read ``X`` (``bench/stream.py``);
- ``forward``, ``backward``: ``numba_simd``'s two passes on their own
  (``bench/simd_passes.py``; backward from cache);
- ``numba_simd`` and ``numba``: the whole step.

What callgrind counts is the code LLVM compiled for the CPU that valgrind presents
to the process (on the developer's Xeon, ``haswell``: valgrind runs no AVX-512),
which can be another target than the timed runs'; the table names both and every
feature valgrind hid. The counts are those of that build.

Numba compiling under valgrind takes tens of minutes (every instruction of LLVM is
simulated), so the run has three stages: a probe under valgrind asks LLVM which CPU
it sees there; a native child compiles every function for that CPU
(``NUMBA_CPU_NAME``, ``NUMBA_CPU_FEATURES``) into a fresh on-disk cache
(``NUMBA_CACHE_DIR``); the child under callgrind, with the same settings, loads the
kernels' machine code from that cache instead of compiling it. The code counted is
the same: LLVM builds the same code for the same CPU name and features. The passes
of ``bench/simd_passes.py`` and the stream keep no cache and compile under valgrind.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench.grid import DTYPES, parse_size
from bench.report.common import fmt_sig, md_table

CALLS = 3
LINE_BYTES = 64
FUNCTIONS = ("stream_one", "forward", "backward", "numba_simd", "numba")
DEFAULT_SIZE = (100_000, 100)
OUT = Path(__file__).resolve().parent.parent / "results" / "instructions"
STAGE_FLAG = "--stage"
DUMPS = "callgrind.out.%p"  # %p: the pid; each --dump adds a numbered file
STAGES = ("probe", "warm", "count")  # under valgrind, natively, under callgrind
OVERHEAD = "overhead"  # a dump with no call between it and the zero


def _functions():
    """``{name: (callable, takes)}``; takes is ``"X"`` or ``"step"`` or ``"fwd"``."""
    import kernels.numba_loop as numba_loop
    import kernels.numba_simd as numba_simd
    from bench.simd_passes import backward, forward
    from bench.stream import stream_one

    return {
        "stream_one": (stream_one, "X"),
        "forward": (forward, "fwd"),
        "backward": (backward, "X"),
        "numba_simd": (numba_simd.step, "step"),
        "numba": (numba_loop.step, "step"),
    }


def _llvm_cpu():
    """``{"cpu", "features"}``: the CPU LLVM (so Numba) compiles for here."""
    import llvmlite.binding as llvm

    return {
        "cpu": llvm.get_host_cpu_name(),
        "features": llvm.get_host_cpu_features().flatten(),
    }


def _child(n, d, dtypes, stage):
    """One stage: ``probe`` prints the CPU LLVM sees; ``warm`` compiles and calls
    each function (filling the cache); ``count``, under callgrind, warms each
    function, then counts ``CALLS`` calls of it."""
    print(json.dumps(_llvm_cpu()), flush=True)
    if stage == "probe":
        return 0
    from bench.allocator import apply
    from bench.grid import LEARNING_RATE, problem

    apply()
    pid = str(os.getpid())

    def count(label, fn, args):
        for _ in range(2 if fn else 0):  # compile, then a call with everything warm
            fn(*args)
        if stage == "warm":
            return
        subprocess.run(["callgrind_control", "--zero", pid], check=True)
        for _ in range(CALLS if fn else 0):
            fn(*args)
        subprocess.run(["callgrind_control", f"--dump={label}", pid], check=True)

    count(f"{OVERHEAD}:-", None, ())  # the zero and dump themselves: subtracted
    for dtype in dtypes:
        w, b, X, y = problem(n, d, dtype)
        args = {"X": (X,), "fwd": (w, b, X, y), "step": (w, b, X, y, LEARNING_RATE)}
        for name, (fn, takes) in _functions().items():
            count(f"{name}:{dtype}", fn, args[takes])
    return 0


def read_dumps(folder):
    """``{(name, dtype): instructions}`` from callgrind's dump files in
    ``folder``, one per ``--dump=name:dtype``."""
    out = {}
    for path in sorted(Path(folder).glob("callgrind.out*")):
        label = total = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("desc: Trigger:"):
                trigger = line.split(":", 2)[2].strip()
                if trigger.startswith("dump "):
                    label = trigger[len("dump ") :]
            elif line.startswith("summary:"):
                total = int(line.split()[1])
        if label and ":" in label and total is not None:
            name, dtype = label.rsplit(":", 1)
            out[(name, dtype)] = total
    return out


def per_call(counts):
    """``{(name, dtype): instructions per call}``, less the zero-and-dump overhead,
    in ``FUNCTIONS`` order."""
    overhead = counts.get((OVERHEAD, "-"), 0)
    order = {name: i for i, name in enumerate(FUNCTIONS)}
    keys = sorted(
        (k for k in counts if k[0] in order),
        key=lambda k: (k[1] != "float64", order[k[0]]),
    )
    return {k: (counts[k] - overhead) / CALLS for k in keys}


def render(counts, n, d, cpu, native):
    """The Markdown table: instructions per call and per line of ``X``."""
    rows = []
    for (name, dtype), calls in per_call(counts).items():
        lines = n * d * np.dtype(dtype).itemsize / LINE_BYTES
        rows.append([name, dtype, fmt_sig(calls / 1e6), fmt_sig(calls / lines)])
    seen = set(cpu["features"].split(","))
    missing = sorted(set(native["features"].split(",")) - seen)
    lost = [f[1:] for f in missing if f.startswith("+")]
    return (
        "\n\n".join(
            [
                "# Instructions per cache line of X",
                f"`python -m lab instructions --size {n}x{d}`: instructions executed"
                f" per call, counted by callgrind over {CALLS} calls after two warm"
                f" ones, and per {LINE_BYTES}-byte line of X ({n:,} x {d:,}). A count,"
                " not a time: the same on a loaded machine.",
                f"Machine: {native.get('machine', 'unknown')} (LLVM's name:"
                f" `{native['cpu']}`), Numba {native.get('numba', 'unknown')}. The"
                " code counted is LLVM's for the CPU valgrind shows the process:"
                f" `{cpu['cpu']}`"
                + (
                    f", without {', '.join(lost)} (features of this CPU that"
                    " valgrind hides; AVX-512 among them where it has it)."
                    if lost
                    else ", the same features as outside valgrind."
                ),
                md_table(
                    ["function", "dtype", "millions per call", "per line of X"],
                    rows,
                    "llrr",
                ),
            ]
        )
        + "\n"
    )


HELP = "instructions per cache line of X, counted by callgrind"


def add_arguments(parser):
    """``python -m lab instructions``'s arguments."""
    parser.add_argument("--size", default="x".join(map(str, DEFAULT_SIZE)))
    parser.add_argument("--dtype", nargs="+", choices=DTYPES, default=list(DTYPES))
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(STAGE_FLAG, choices=STAGES, help=argparse.SUPPRESS)


def run(args, parser):
    """Count under callgrind, write ``instructions.md``; the exit code."""
    try:
        n, d = parse_size(args.size)
    except ValueError as err:
        parser.error(f"argument --size: {err}")
    if args.stage:
        return _child(n, d, args.dtype, args.stage)
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (Debian: apt install valgrind)")
            return 1
    import numba

    from bench.environment import cpu_name

    native = {**_llvm_cpu(), "machine": cpu_name(), "numba": numba.__version__}
    child = [sys.executable, "-m", "lab", "instructions"]
    child += ["--size", f"{n}x{d}", "--dtype", *args.dtype, STAGE_FLAG]
    with tempfile.TemporaryDirectory() as tmp:
        stages = {
            "probe": (["valgrind", "--tool=none", "--quiet"], "the CPU valgrind shows"),
            "warm": ([], "compiling for it, natively, into a cache"),
            "count": (
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--quiet",
                    f"--callgrind-out-file={tmp}/{DUMPS}",
                ],
                "counting under callgrind (minutes)",
            ),
        }
        env = {**os.environ, "NUMBA_CACHE_DIR": f"{tmp}/numba-cache"}
        for stage, (prefix, what) in stages.items():
            print(f"{stage}: {what}", flush=True)
            done = subprocess.run(
                [*prefix, *child, stage], capture_output=True, text=True, env=env
            )
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
                return done.returncode
            if stage == "probe":
                cpu = json.loads(done.stdout.splitlines()[0])
                env["NUMBA_CPU_NAME"] = cpu["cpu"]
                env["NUMBA_CPU_FEATURES"] = cpu["features"]
        counts = read_dumps(tmp)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "instructions.md"
    path.write_text(render(counts, n, d, cpu, native))
    print(path.read_text())
    print(f"wrote {path}")
    return 0
