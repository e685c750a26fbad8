"""``python -m bench predict N D``: each implementation's predicted time at a size,
from a run's cost model (``bench/report/predictor.py``), with its error band.

It is a prediction, and says so: each time comes with the band of its model's
leave-one-out 90th-percentile error; a model that misses its target is marked
unreliable and takes no part in naming the winner; a size outside the measured ones
is flagged as an extrapolation; and the line ``python -m bench run --size ...``
that would measure it closes the answer.
"""

from bench.report.answer import answer_lines
from bench.report.comparisons import competitors
from bench.report.formatting import fmt_sig
from bench.report.predictor import MIN_POINTS, error_text, predictors


def predict_lines(run, source, n, d, dtypes=None):
    """The prediction at ``n x d``, as lines of text.

    Parameters
    ----------
    run : bench.report.model.Run
    source : str
        Where the run was read from, for the first line.
    n, d : int
    dtypes : sequence of str, optional
        Default: every dtype of the run.
    """
    lines = [
        f"Prediction, not a measurement: the cost model of {source} (preset"
        f" {run.preset}, run on {run.date}) at {n:,} x {d:,}"
    ]
    models = {k: p for k, p in predictors(run).items() if k[1] in run.impls}
    for dtype in dtypes or run.dtypes:
        mine = {impl: p for (dt, impl), p in models.items() if dt == dtype}
        if (n, d) in run.sizes(dtype):
            lines.append(f"{dtype}: measured in this run, not predicted:")
            found = answer_lines(run, only=(dtype, n, d))
            lines += [line for line in found if line.startswith("  ")]
            continue
        if not mine:
            count = len(run.sizes(dtype))
            lines.append(
                f"{dtype}: no model: this run measured {count} size(s) in {dtype},"
                f" and a model needs {MIN_POINTS}; predict from a grid run"
                " (python -m bench run --preset full), or measure the size"
            )
            continue
        ranked = sorted(mine.values(), key=lambda p: p.predict(n, d))
        lines.append(f"{dtype}: predicted time per step, fastest first")
        for p in ranked:
            low, high = (fmt_sig(t * 1e6) for t in p.band(n, d))
            note = "" if p.meets_target else "  UNRELIABLE: its model misses the target"
            lines.append(
                f"  {p.impl}: {fmt_sig(p.predict(n, d) * 1e6)} µs [{low}, {high}]"
                f"  (model error, median / p90: {error_text(p)}){note}"
            )
        lines.append(f"  {_winner(ranked, n, d)}")
        outside = {}
        for p in ranked:
            if (why := p.extrapolation(n, d)) is not None:
                outside.setdefault(why, []).append(p.impl)
        lines.append(
            "  an extrapolation: "
            + "; ".join(f"{', '.join(v)}: {k}" for k, v in outside.items())
            if outside
            else "  inside the measured sizes (an interpolation)"
        )
    wanted = dtypes or run.dtypes
    lines.append(
        "To measure it: python -m bench run --size"
        f" {n}x{d} {' '.join(f'--dtype {t}' for t in wanted)}"
    )
    return lines


def _winner(ranked, n, d):
    """The predicted fastest on one core, or why none is named."""
    names = competitors([p.impl for p in ranked])
    trusted = [p for p in ranked if p.meets_target and p.impl in names]
    if len(trusted) < 2:
        return "predicted fastest: not named (fewer than two models meet the target)"
    best, second = trusted[0], trusted[1]
    if best.band(n, d)[1] >= second.band(n, d)[0]:
        return (
            f"predicted fastest on one core: too close to call ({best.impl} or"
            f" {second.impl}: their error bands overlap)"
        )
    ratio = second.predict(n, d) / best.predict(n, d)
    return (
        f"predicted fastest on one core: {best.impl}, {ratio:.2g}x faster than"
        f" {second.impl}"
    )


def run_predict(args):
    """``python -m bench predict``: print the prediction; exit 2 on a bad input."""
    import sys

    from bench.report.common import ReportError
    from bench.report.model import load_run
    from bench.report.reading import find_latest_json

    try:
        path = args.input or find_latest_json()
        run = load_run(path)
    except ReportError as err:
        print(f"python -m bench predict: error: {err}", file=sys.stderr)
        return 2
    missing = [t for t in args.dtype or () if t not in run.dtypes]
    if missing:
        print(
            f"python -m bench predict: error: argument --dtype: {path} has no"
            f" {', '.join(missing)} cases",
            file=sys.stderr,
        )
        return 2
    print("\n".join(predict_lines(run, str(path), args.n, args.d, args.dtype)))
    return 0
