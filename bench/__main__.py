"""``python -m bench``: run the benchmarks, or turn their JSON into tables and plots.

python -m bench run [--preset quick|full|gpu] [-- PYTEST_ARGS...]
python -m bench pyperf [--preset quick|full] [--fast] [--impl NAME ...]
python -m bench report [--input JSON] [--out DIR] [--pyperf DIR_OR_FILE ...]
                       [--readme README.md] [--no-plots]
python -m bench gpu [--driver]
python -m bench compare BASE.json NEW.json [--out FILE] [--fail-slower PCT]
python -m bench list
"""

import argparse
import sys

from bench.grid import PRESETS
from bench.report.cli import add_arguments, run_cli
from bench.report.compare import add_compare_arguments, run_compare_cli


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run pytest-benchmark on the grid")
    run.add_argument("--preset", choices=list(PRESETS), default=None)
    run.add_argument("--out", default=None, help="folder for bench.json")
    run.add_argument("pytest_args", nargs="*", help="extra pytest arguments")
    perf = sub.add_parser("pyperf", help="run the pyperf suite, one JSON per impl")
    perf.add_argument("--preset", choices=list(PRESETS), default=None)
    perf.add_argument("--out", default=None, help="folder for <impl>.json")
    perf.add_argument("--fast", action="store_true", help="pyperf --fast")
    perf.add_argument("--impl", nargs="*", default=None, help="default: all")
    rep = sub.add_parser("report", help="tables and plots from a benchmark JSON")
    add_arguments(rep)
    gpu = sub.add_parser("gpu", help="exit 1, with the reason, if no GPU is usable")
    gpu.add_argument(
        "--driver",
        action="store_true",
        help="look for the CUDA driver only (before numba-cuda is installed)",
    )
    cmp = sub.add_parser(
        "compare", help="NEW against BASE: every case's time ratio, with intervals"
    )
    add_compare_arguments(cmp)
    sub.add_parser(
        "list", help="every implementation, what it is, and whether it runs here"
    )
    args = parser.parse_args(argv)
    if args.command == "run":
        from bench.run import run_pytest_benchmark

        code, _ = run_pytest_benchmark(args.preset, args.out, args.pytest_args)
        return code
    if args.command == "pyperf":
        from bench.run import run_pyperf

        return run_pyperf(args.preset, args.out, args.fast, args.impl)
    if args.command == "report":
        return run_cli(args)
    if args.command == "gpu":
        from kernels._gpu import why_no_gpu

        reason = why_no_gpu(driver_only=args.driver)
        print(f"no GPU: {reason}" if reason else "a CUDA GPU is usable")
        return 1 if reason else 0
    if args.command == "compare":
        return run_compare_cli(args)
    if args.command == "list":
        from bench.registry import main as list_main

        return list_main()
    return 2


if __name__ == "__main__":
    sys.exit(main())
