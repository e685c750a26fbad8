"""The lab's study of the cost model: how well it predicts each implementation.

``bench/report/costs.py`` fits, per implementation and dtype, a cost model
with the caches, and gives a crossover or a prediction only where its
leave-one-out error meets its target. This study tables those errors for a run,
so that a model that misses can be traced to the implementation and the sizes.
"""

from bench.report.common import heading, md_table
from bench.report.costs import predictors, run_caches

MODEL_NOTE = (
    "The cost model that predicts (`bench/report/costs.py`): t = t0 + s·n +"
    " q·n·log2(d+1) + c·n·d + n·d·(m2·miss(X, L2) + m3·miss(X, L3)) + n·(u2·miss(T,"
    " L2) + u3·miss(T, L3)), where miss(F, C) = 1 / (1 + (C/F)²) is the share of F"
    " bytes a cache of C bytes misses, X the bytes of X and T those of the"
    " temporaries of n values a vectorized step makes; every coefficient >= 0."
    " Each implementation's error is leave-one-out: every point predicted from a fit"
    " to the others. Target: median <= 10 %, 90th percentile <= 25 %; a model that"
    " misses it gives no crossover and `python -m bench predict` says so."
)


def render_model_errors(run, level):
    """The leave-one-out errors of every implementation's model, as Markdown."""
    models = {k: p for k, p in predictors(run).items() if k[1] in run.impls}
    caches, recorded = run_caches(run)
    where = (
        f"L2 {caches[2] // 2**10:,} KiB and L3 {caches[3] // 2**20:,} MiB as the run"
        " recorded them"
        if recorded
        else f"this run recorded no cache sizes: L2 {caches[2] // 2**20} MiB and L3"
        f" {caches[3] // 2**20} MiB assumed"
    )
    rows = [
        [
            p.dtype,
            p.impl,
            str(len(p.sizes)),
            f"{100 * p.median_error:.2g} %",
            f"{100 * p.p90_error:.2g} %",
            "met" if p.meets_target else "missed",
        ]
        for p in models.values()
    ]
    table = md_table(
        ["dtype", "implementation", "points", "median error", "p90 error", "target"],
        rows,
        "llrrrl",
    )
    return "\n\n".join(
        [
            heading(level, "Cost model with the caches: leave-one-out errors"),
            f"{MODEL_NOTE} Caches: {where}.",
            table,
        ]
    )
