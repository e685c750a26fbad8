"""The answer for a run of chosen sizes (``python -m bench run --size``), per size:
every implementation's time with its interval, ranked; the winner, or a tie; each
compiling implementation's first-call cost and the calls that repay it there.

It reads the run's JSON like every other table, so the answer can be printed again
from a kept ``bench.json`` (``print_answer``).
"""

import math

from bench.report.common import DASH
from bench.report.comparisons import VECTORIZED
from bench.report.compile_times import compile_rows
from bench.report.formatting import fmt_sig
from bench.report.intervals import TIE, ratio, speedup
from bench.report.model import load_run
from bench.report.winners import cell_winners, winner_text
from kernels import trait


def _interval_us(timing):
    """``"1,234 µs [1,200, 1,260]"``: the median and its 95 % interval."""
    value = ratio([timing], [])
    text = f"{fmt_sig(value * 1e6)} µs"
    if value.has_interval:
        text += f" [{fmt_sig(value.low * 1e6)}, {fmt_sig(value.high * 1e6)}]"
    return text


def repay_calls(run, impl, seconds, dtype, n, d):
    """Calls of ``impl`` at ``n x d`` that win back ``seconds`` over the vectorized
    baseline: an int, "never" where the baseline is as fast, None if unknown."""
    t, base = run.median(impl, dtype, n, d), run.median(VECTORIZED, dtype, n, d)
    if seconds is None or t is None or base is None or impl == VECTORIZED:
        return None
    return math.ceil(seconds / (base - t)) if base > t else "never"


def answer_lines(run, only=None):
    """The answer, as lines of text, for every size and dtype of ``run`` (or only
    the ``(dtype, n, d)`` given)."""
    first_calls = {row.impl: row.compile for row in compile_rows(run)}
    lines = []
    for dtype in run.dtypes:
        for n, d in run.sizes(dtype):
            if only is None or only == (dtype, n, d):
                lines += _one_size(run, dtype, n, d, first_calls)
    return lines


def _one_size(run, dtype, n, d, first_calls):
    timed = sorted(
        (t.median, impl, t)
        for impl in run.impls
        if (t := run.get(impl, dtype, n, d)) is not None
    )
    if not timed:
        return []
    lines = [f"{n:,} x {d:,}, {dtype}: time per step, fastest first"]
    best = timed[0][1]
    for rank, (_, impl, timing) in enumerate(timed, 1):
        slower = speedup(run, best, impl, dtype, n, d)
        versus = "" if impl == best else f"  {_ratio_text(slower)} the time of {best}"
        threads = " (all cores)" if trait(impl, "threaded") else ""
        lines.append(f"  {rank:>2}. {impl}{threads}: {_interval_us(timing)}{versus}")
    winners = cell_winners(run, dtype, n, d)
    if len(winners) > 1:
        verdict = f"a tie ({winner_text(winners)}: within the noise of this run)"
    else:
        verdict = winner_text(winners)
    lines.append(f"  fastest on one core: {verdict}")
    for impl, seconds in first_calls.items():
        if seconds is None or run.get(impl, dtype, n, d) is None:
            continue
        calls = repay_calls(run, impl, seconds, dtype, n, d)
        repay = DASH if calls is None else calls
        lines.append(
            f"  first call of {impl}: {seconds * 1e3:,.0f} ms of compiling; calls"
            f" at this size to repay it against {VECTORIZED}: {repay}"
        )
    return lines


def _ratio_text(value):
    if value is None:
        return DASH
    text = f"{value:.3g}x"
    if value.has_interval:
        text += f" [{value.low:.3g}, {value.high:.3g}]"
        if value.sign == 0:
            text += f" ({TIE} a tie)"
    return text


def print_answer(json_path, file=None):
    """Print the answer for the run in ``json_path``."""
    print("\n".join(answer_lines(load_run(json_path))), file=file)
