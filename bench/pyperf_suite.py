"""The benchmark grid under pyperf: calibrated, multi-process, one JSON per
implementation.

    python -m bench.pyperf_suite --impl numba [--preset quick] [--fast] \
        -o results/pyperf/numba.json

Every implementation gets the same benchmark names (``step n=.. d=.. dtype``), so two
files compare directly::

    python -m pyperf compare_to results/pyperf/numpy.json \
        results/pyperf/numba.json --table

pyperf runs each benchmark in fresh worker processes; ``--impl`` and ``--preset``
are forwarded to them, and the thread settings of ``bench.environment`` are
inherited from this process's environment.
"""

import pyperf

from bench import allocator, collector
from bench.environment import (
    TIMING_ENVIRON,
    describe_machine,
    describe_run,
    hold_thread_settings,
    limit_blas_threads,
)
from bench.grid import LEARNING_RATE, cases, get_preset, problem
from kernels import IMPLEMENTATIONS


def time_step(loops, impl, n, d, dtype):
    """pyperf time function: seconds taken by ``loops`` calls of one step."""
    w, b, X, y = problem(n, d, dtype)
    step = IMPLEMENTATIONS[impl].step
    step(w, b, X, y, LEARNING_RATE)  # compile and warm up before the clock starts
    hold_thread_settings()  # no other library has moved PyTorch's threads
    collector.settle()  # what the worker made so far is frozen (bench/collector.py)
    t0 = pyperf.perf_counter()
    for _ in range(loops):
        step(w, b, X, y, LEARNING_RATE)
    return pyperf.perf_counter() - t0


def _forward_args(cmd, args):
    cmd.extend(["--impl", args.impl, "--preset", args.preset, "--malloc", args.malloc])


def main():
    # 8 worker processes (4 with --fast) instead of pyperf's 20: each one imports
    # Numba and makes its data, and the grid has dozens of benchmarks.
    runner = pyperf.Runner(processes=8, add_cmdline_args=_forward_args)
    runner.argparser.add_argument(
        "--impl", required=True, choices=list(IMPLEMENTATIONS)
    )
    runner.argparser.add_argument("--preset", default=None)
    runner.argparser.add_argument(
        "--malloc", choices=allocator.STATES, default="fixed", help="bench/allocator.py"
    )
    args = runner.parse_args()
    args.preset = get_preset(args.preset).name
    # Thread settings reach the worker processes, whatever the command line said.
    inherited = set(args.inherit_environ or ())
    args.inherit_environ = sorted(inherited | set(TIMING_ENVIRON))
    limit_blas_threads()
    allocator.apply(args.malloc)  # in every worker: this runs again in each
    env, state = describe_machine(), describe_run()
    runner.metadata.update(
        {
            "loopbench_impl": args.impl,
            "loopbench_preset": args.preset,
            "loopbench_blas_threads": str(state["blas_threads_setting"]),
            "loopbench_numba_threads": str(env["numba_num_threads"]),
            "loopbench_allocator": state["allocator"]["state"],
            "loopbench_gc": collector.STATE,
            "numpy_version": env["numpy"],
            "numba_version": env["numba"],
            "llvmlite_version": env["llvmlite"],
            "blas": "; ".join(
                f"{lib['internal_api']} {lib['version']} ({lib['architecture']})"
                for lib in env["blas"]
            ),
        }
    )
    for case in cases(get_preset(args.preset), impls=[args.impl]):
        if case.skip_reason:
            if not runner.args.worker:
                print(
                    f"skip step n={case.n} d={case.d} {case.dtype}: {case.skip_reason}"
                )
            continue
        runner.bench_time_func(
            f"step n={case.n} d={case.d} {case.dtype}",
            time_step,
            case.impl,
            case.n,
            case.d,
            case.dtype,
        )


if __name__ == "__main__":
    main()
