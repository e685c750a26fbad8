"""``python -m bench``: run the benchmarks, or turn their JSON into tables and plots.

python -m bench run --size NxD [--size NxD ...] [--dtype float64|float32 ...]
                    [--impl NAME ...] [--out DIR]
python -m bench run [--preset quick|full|gpu] [--impl NAME ...] [--out DIR]
                    [-- PYTEST_ARGS...]
python -m bench pyperf [--preset quick|full] [--fast] [--impl NAME ...]
                       [--malloc fixed|default]
python -m bench report [--input JSON] [--out DIR] [--pyperf DIR_OR_FILE ...]
                       [--readme README.md] [--no-plots]
python -m bench gpu [--driver]
python -m bench compare BASE.json NEW.json [--base-again BASE2.json] [--out FILE]
                        [--fail-slower PCT]
python -m bench predict N D [--dtype float64|float32 ...] [--input JSON]
python -m bench list

The studies of the timing method (order, rerun and harness checks, gaps,
instruction counts, the overlap and disturbed-pass studies) are the lab's:
python -m lab --help.
"""

import argparse
import sys

from bench.grid import DTYPES, PRESETS, parse_size
from bench.report.cli import add_arguments, run_cli
from bench.report.compare import add_compare_arguments, run_compare_cli
from kernels import IMPLEMENTATIONS


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (naming the argument), exit 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _size(text):
    try:
        return parse_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _impl(name):
    if name not in IMPLEMENTATIONS:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not registered here (python -m bench list); choose from"
            f" {', '.join(IMPLEMENTATIONS)}"
        )
    return name


def _positive(what):
    def parse(text):
        if not text.isdigit() or int(text) < 1:
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number >= 1, got {text!r}"
            )
        return int(text)

    return parse


RUN_EXAMPLES = """examples:
  python -m bench run --size 50000x30 --dtype float32     is it worth it for me?
  python -m bench run --size 2000x500 --size 1000000x10 --impl numpy numba_simd jax
  python -m bench run --preset full                       the reference grid"""


def _add_run(sub):
    run = sub.add_parser(
        "run",
        help="run pytest-benchmark on chosen sizes or a preset's grid",
        description="Time the step with pytest-benchmark, in passes with intervals,"
        " plus first calls in new processes; write bench.json and its report.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--size",
        type=_size,
        action="append",
        metavar="NxD",
        help="time exactly this n x d (repeatable), e.g. --size 50000x30; prints"
        " the answer for each size and writes to results/size/<sizes>-<dtypes>/",
    )
    run.add_argument(
        "--dtype",
        choices=DTYPES,
        action="append",
        help="with --size: dtype of X (repeatable; default float64)",
    )
    run.add_argument(
        "--impl",
        type=_impl,
        nargs="+",
        metavar="NAME",
        help="only these implementations, of --size or of the preset's grid"
        " (default: all on the CPU)",
    )
    run.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=None,
        help="without --size: the grid, e.g. --preset full (default quick)",
    )
    run.add_argument(
        "--out",
        default=None,
        help="folder for bench.json and the report, e.g. --out /tmp/mine",
    )
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments, after --")
    return run


def main(argv=None):
    parser = OneLineParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=OneLineParser
    )
    run = _add_run(sub)
    perf = sub.add_parser(
        "pyperf",
        help="run the pyperf suite, one JSON per impl",
        description="Time a preset's grid under pyperf (calibrated, fresh worker"
        " processes), one JSON per implementation.",
        epilog="example:\n  python -m bench pyperf --preset quick --fast --impl"
        " numpy numba_simd",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    perf.add_argument(
        "--preset",
        choices=list(PRESETS),
        default=None,
        help="the grid, e.g. --preset quick (default quick)",
    )
    perf.add_argument(
        "--out", default=None, help="folder for <impl>.json, e.g. --out /tmp/pp"
    )
    perf.add_argument(
        "--fast", action="store_true", help="pyperf --fast: fewer worker processes"
    )
    perf.add_argument(
        "--impl",
        nargs="*",
        default=None,
        help="implementations to time, e.g. --impl numpy numba (default: all)",
    )
    perf.add_argument(
        "--malloc",
        choices=("fixed", "default"),
        default="fixed",
        help="allocator state of the workers (bench/allocator.py), e.g. --malloc"
        " default: glibc as it starts, temporaries faulted in at every call;"
        " writes to results/pyperf-default/",
    )
    rep = sub.add_parser(
        "report",
        help="tables and plots from a benchmark JSON",
        description="Turn a pytest-benchmark JSON into summary.md, CSV and plots;"
        " optionally fill a README's generated blocks.",
        epilog="example:\n  python -m bench report --input results/full/bench.json"
        " --pyperf results/pyperf --readme README.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(rep)
    gpu = sub.add_parser(
        "gpu",
        help="exit 1, with the reason, if no GPU is usable",
        description="Say whether numba_cuda can run here; exit 1 with the reason"
        " if not.",
        epilog="example:\n  python -m bench gpu --driver",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    gpu.add_argument(
        "--driver",
        action="store_true",
        help="look for the CUDA driver only (before numba-cuda is installed)",
    )
    cmp = sub.add_parser(
        "compare",
        help="NEW against BASE: every case's time ratio, with intervals",
        description="Set every case of NEW against the same case of BASE: time"
        " ratio with its interval, flagged where significantly different. With"
        " --base-again (BASE's code timed again after NEW), flagged only where NEW"
        " lies outside both bases.",
        epilog="examples:\n  python -m bench compare results/full/bench.json"
        " results/quick/bench.json\n  python -m bench compare base/bench.json"
        " new/bench.json --base-again base-again/bench.json --fail-slower 10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_compare_arguments(cmp)
    pred = sub.add_parser(
        "predict",
        help="predicted time per step at a size, from a run's cost model",
        description="Each implementation's predicted time at N x D from the cost"
        " model of a run (bench/report/costs.py), with its error band; a"
        " prediction, not a measurement.",
        epilog="example:\n  python -m bench predict 50000 30 --dtype float32",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pred.add_argument("n", type=_positive("N"), help="samples, e.g. 50000")
    pred.add_argument("d", type=_positive("D"), help="features, e.g. 30")
    pred.add_argument(
        "--dtype",
        choices=DTYPES,
        action="append",
        help="dtype of X (repeatable; default: every dtype of the run)",
    )
    pred.add_argument(
        "--input",
        default=None,
        help="the run's bench.json (default: the newest under results/), e.g."
        " --input results/full/bench.json",
    )
    sub.add_parser(
        "list",
        help="every implementation, what it is, and whether it runs here",
        description="Every declared implementation: interpreted, threaded, on a"
        " device, compiling at its first call; and why any cannot run here.",
        epilog="example:\n  python -m bench list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    if args.command == "run":
        from bench.run import run_pytest_benchmark

        if args.size and args.preset:
            run.error("argument --preset: not with --size (a run of chosen sizes)")
        if not args.size and args.dtype:
            run.error("argument --dtype: only with --size")
        code, _ = run_pytest_benchmark(
            args.preset,
            args.out,
            args.pytest_args,
            sizes=args.size,
            dtypes=args.dtype,
            impls=args.impl,
        )
        return code
    if args.command == "pyperf":
        from bench.run import run_pyperf

        return run_pyperf(args.preset, args.out, args.fast, args.impl, args.malloc)
    if args.command == "report":
        return run_cli(args)
    if args.command == "gpu":
        from kernels._gpu import why_no_gpu

        reason = why_no_gpu(driver_only=args.driver)
        print(f"no GPU: {reason}" if reason else "a CUDA GPU is usable")
        return 1 if reason else 0
    if args.command == "compare":
        return run_compare_cli(args)
    if args.command == "predict":
        from bench.report.cli import run_predict

        return run_predict(args)
    if args.command == "list":
        from bench.registry import main as list_main

        return list_main()
    return 2


if __name__ == "__main__":
    sys.exit(main())
