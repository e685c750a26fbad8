"""``python -m lab``: the studies of the benchmark (``lab/__init__.py``).

python -m lab order-check [GRID.json ALONE.json ...] [--out FILE] [--readme MD]
python -m lab rerun-check [FIRST.json SECOND.json [THIRD.json]] [--out FILE]
                          [--readme MD]
python -m lab harness-check [--preset quick] [--impl NAME ...] [--out DIR]
                            [--readme MD] [--summary-only]
python -m lab gaps [--seconds S] [--out DIR]
python -m lab instructions [--size NxD] [--dtype float64|float32 ...] [--out DIR]
python -m lab studies [--input JSON] [--out DIR]

The checks time their runs when given no files; ``make order-check``,
``make rerun-check``, ``make harness-check``, ``make gaps``, ``make instructions``
and ``make studies`` run them with the project's outputs.
"""

import argparse
import sys

from bench.__main__ import OneLineParser
from lab import gaps, harness_check, instructions, order_check, rerun_check, studies

COMMANDS = {
    "order-check": order_check,
    "rerun-check": rerun_check,
    "harness-check": harness_check,
    "gaps": gaps,
    "instructions": instructions,
    "studies": studies,
}


def main(argv=None):
    parser = OneLineParser(
        prog="python -m lab",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(
        dest="command", required=True, parser_class=OneLineParser
    )
    parsers = {}
    for name, module in COMMANDS.items():
        parsers[name] = sub.add_parser(
            name,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(parsers[name])
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    return COMMANDS[args.command].run(args, parsers[args.command])


if __name__ == "__main__":
    sys.exit(main())
