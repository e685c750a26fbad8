"""Costs: the cost models ``t0 + c n d`` and ``t0 + s n + c n d`` (``cost_model.csv``),
and the cost model with the caches, validated leave-one-out, that predicts.

costs
-----
The cost models: each implementation's medians fitted by ``t = t0 + c * n * d``
and by ``t = t0 + s * n + c * n * d``, with their CSV and Markdown tables.

The crossovers (``bench/report/crossovers.py``) are computed from these fits.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.optimize import nnls

from bench.report.common import DASH, fmt_sig, heading, md_table, to_csv


@dataclass(frozen=True)
class Fit:
    """A cost model ``t = t0 + s * n + c * n * d`` fitted to one implementation.

    The line model in n * d has ``s = 0``: ``t = t0 + c * n * d``.

    Attributes
    ----------
    t0 : float
        Seconds per call that do not grow with the data (fixed overhead).
    per_sample : float
        Seconds per sample (row of X) on top of its elements; 0 in the line model.
    per_element : float
        Seconds per element of X.
    rms_error, max_error : float
        Root-mean-square and largest relative error of the fit at its points.
    """

    t0: float
    per_sample: float
    per_element: float
    rms_error: float
    max_error: float

    def slope(self, d):
        """Seconds added by one more sample of ``d`` features."""
        return self.per_sample + self.per_element * d


def fit_cost(n, d, seconds, per_sample=False):
    """Fit ``t = t0 + c * n * d``, or ``t0 + s * n + c * n * d``, to medians.

    Least squares on relative errors: each row of the design is divided by its
    time (weights ``1 / t``), so that the microsecond calls set ``t0`` and the
    large ones the slopes, rather than the largest times deciding everything.
    The columns are scaled to unit norm for ``numpy.linalg.lstsq``, since n * d
    spans many decades.

    Parameters
    ----------
    n, d : array_like of int, shape (k,)
        Shape of X at each point.
    seconds : array_like, shape (k,)
        Median time of each point.
    per_sample : bool
        Add the per-sample term ``s * n``.

    Returns
    -------
    Fit or None
        None when the points cannot pin the model down: no more points than
        parameters, or sizes that do not vary enough (rank deficient), e.g. a
        single n * d, or a single d with ``per_sample``.
    """
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    t = np.asarray(seconds, dtype=float)
    columns = [np.ones_like(t), n, n * d] if per_sample else [np.ones_like(t), n * d]
    design = np.column_stack(columns) / t[:, None]
    if t.size <= design.shape[1]:
        return None
    scale = np.linalg.norm(design, axis=0)
    coef, _, rank, _ = np.linalg.lstsq(design / scale, np.ones_like(t), rcond=None)
    if rank < design.shape[1]:
        return None
    coef = coef / scale
    t0, s, c = coef if per_sample else (coef[0], 0.0, coef[1])
    rel = (t0 + s * n + c * n * d - t) / t
    rms, worst = np.sqrt(np.mean(rel**2)), np.abs(rel).max()
    return Fit(float(t0), float(s), float(c), float(rms), float(worst))


@dataclass(frozen=True)
class CostRow:
    """The cost models of one implementation in one dtype.

    Attributes
    ----------
    dtype, impl : str
    reference : bool
    points : int
        Measured (n, d) groups.
    min_elements, max_elements : int
        Range of n * d.
    line : Fit or None
        ``t0 + c * n * d``; None with too few points.
    sampled : Fit or None
        ``t0 + s * n + c * n * d``; None with too few points or a single d.
    note : str
        Why a model is missing; empty when both were fitted.
    """

    dtype: str
    impl: str
    reference: bool
    points: int
    min_elements: int
    max_elements: int
    line: Fit | None
    sampled: Fit | None
    note: str


def _fit_note(points, line, sampled):
    distinct_x = len({p.elements for p in points})
    distinct_d = len({p.d for p in points})
    sizes = f"{len(points)} points, {distinct_x} distinct n·d, {distinct_d} distinct d"
    if line is None:
        return f"too few points to fit ({sizes}; the line needs 3 points at 2 n·d)"
    if sampled is None:
        return f"no per-sample fit ({sizes}; it needs 4 points and 2 d)"
    return ""


def cost_model(run):
    """One CostRow per implementation, then per reference row, per dtype."""
    out = []
    names = [(i, False) for i in run.impls] + [(r, True) for r in run.references]
    for dtype in run.dtypes:
        for impl, is_ref in names:
            pts = run.points(impl, dtype)
            if not pts:
                continue
            n, d = [p.n for p in pts], [p.d for p in pts]
            t = [p.median for p in pts]
            line = fit_cost(n, d, t)
            sampled = fit_cost(n, d, t, per_sample=True)
            x = [p.elements for p in pts]
            note = _fit_note(pts, line, sampled)
            out.append(
                CostRow(
                    dtype, impl, is_ref, len(pts), min(x), max(x), line, sampled, note
                )
            )
    return out


def _fit_values(fit, per_sample):
    """t0 (µs), [s (ns),] c (ns), rms and worst relative error; Nones without fit."""
    count = 5 if per_sample else 4
    if fit is None:
        return [None] * count
    slopes = [fit.per_sample * 1e9] if per_sample else []
    return [fit.t0 * 1e6, *slopes, fit.per_element * 1e9, fit.rms_error, fit.max_error]


def cost_model_csv(rows):
    """The text of ``cost_model.csv``: both models, one row per implementation."""
    headers = ["dtype", "impl", "reference", "points", "min_elements"]
    headers += ["max_elements", "t0_us", "c_ns_per_element", "rms_rel_error"]
    headers += ["max_rel_error", "sampled_t0_us", "sampled_ns_per_sample"]
    headers += ["sampled_ns_per_element", "sampled_rms_rel_error"]
    headers += ["sampled_max_rel_error", "note"]
    body = [
        [
            r.dtype,
            r.impl,
            r.reference,
            r.points,
            r.min_elements,
            r.max_elements,
            *_fit_values(r.line, per_sample=False),
            *_fit_values(r.sampled, per_sample=True),
            r.note,
        ]
        for r in rows
    ]
    return to_csv(headers, body)


COST_NOTE = (
    "Each implementation's medians (all n and d of one dtype) fitted by least squares"
    " on relative errors (weights 1/t). **t0** is what one call costs before it"
    " touches the data: interpreter dispatch, argument checks, temporaries."
    " **c** is what each element of X adds. The smaller t0 wins small problems, the"
    " smaller c wins large ones, and two lines cross at n·d = (t0_b - t0_a) /"
    " (c_a - c_b). The fit error says how well one line in n·d describes all sizes."
)
SAMPLED_NOTE = (
    "A step also does work once per sample whatever d is (one exp and one log per"
    " sample, and in the interpreted loops the per-sample bookkeeping), so time"
    " does not depend on n·d alone. The second model adds **s**, the cost of each"
    " sample beyond its elements. Where its fit error is much smaller than the"
    " line's, per-sample work is a large part of the time; the crossover of two"
    " implementations then depends on d, and is given as the n at which they cross"
    " at each d."
)


def _cost_cells(fit, per_sample):
    if fit is None:
        return [DASH] * (4 if per_sample else 3)
    cells = [fmt_sig(fit.t0 * 1e6, 3)]
    if per_sample:
        cells.append(fmt_sig(fit.per_sample * 1e9, 3))
    cells.append(fmt_sig(fit.per_element * 1e9, 3))
    rms, worst = (fmt_sig(100 * e, 2) for e in (fit.rms_error, fit.max_error))
    return [*cells, f"{rms} % / {worst} %"]


def _cost_table(costs, per_sample):
    headers = ["dtype", "implementation", "points", "t0 (µs)"]
    if per_sample:
        headers.append("s (ns per sample)")
    headers += ["c (ns per element)", "fit error rms / worst"]
    rows = []
    for r in costs:
        name = f"{r.impl} (reference)" if r.reference else r.impl
        fit = r.sampled if per_sample else r.line
        rows.append([r.dtype, name, str(r.points), *_cost_cells(fit, per_sample)])
    table = md_table(headers, rows, "llr" + "r" * (len(headers) - 3))
    notes = [f"{r.impl} ({r.dtype}): {r.note}." for r in costs if r.note]
    return "\n\n".join([table, *notes])


def render_cost_tables(costs, level):
    """Both models' tables, each under its heading and with its explanation."""
    return "\n\n".join(
        [
            heading(level, "Cost model: t ≈ t0 + c · n·d"),
            COST_NOTE,
            _cost_table(costs, per_sample=False),
            heading(level + 1, "With a per-sample term: t ≈ t0 + s · n + c · n·d"),
            SAMPLED_NOTE,
            _cost_table(costs, per_sample=True),
        ]
    )


# ============================================================================
# the cost model with the caches
# A cost model that predicts: time per step from n, d and where X lives.
#
# Each implementation's medians of one dtype are fitted by
#
#     t = t0 + s·n + q·n·log2(d + 1) + c·n·d
#           + n·d · (m2·miss(F, L2) + m3·miss(F, L3))
#           + n · (u2·miss(T, L2) + u3·miss(T, L3))
#
# with F = n·d·itemsize, the bytes of X, and T = TEMPORARIES·n·itemsize, the bytes of
# the arrays of n values a vectorized step makes. ``miss(F, C) = 1 / (1 + (C/F)^2)``
# goes from 0 (F well inside a cache of C bytes) to 1 (F well beyond it): an ECM- or
# roofline-style rate, in cache (c) and from the next level (c + m2, then + m3). t0 is
# the per-call cost, s and q the per-sample work (a row of d features is not d times
# the work of one: short rows do not fill the vector units). The caches are the ones
# the run recorded (``bench.environment.cpu_caches``); an older run without them is
# fitted with ``FALLBACK_CACHES`` and says so.
#
# All coefficients are >= 0 (a cost cannot be negative): ``scipy.optimize.nnls`` on
# relative errors (each row divided by its time, so that microseconds and seconds
# count alike). The model is validated by leave-one-out: each point is predicted
# from a fit to all the others, and the median and 90th percentile of those
# relative errors are the model's error (``TARGET_MEDIAN``, ``TARGET_P90``). A model
# that misses them predicts nothing in the report's crossovers.

TEMPORARIES = 8  # arrays of n values alive at once in a vectorized step, roughly
FALLBACK_CACHES = {2: 1 * 2**20, 3: 32 * 2**20}  # bytes, for runs without a record
TARGET_MEDIAN, TARGET_P90 = 0.10, 0.25
MIN_POINTS = 10  # fewer: the eight terms cannot be told apart
ITEMSIZE = {"float64": 8, "float32": 4}


def miss(footprint, cache):
    """The share of ``footprint`` bytes that a cache of ``cache`` bytes misses."""
    return 1.0 / (1.0 + (cache / np.maximum(footprint, 1.0)) ** 2)


def features(n, d, itemsize, caches):
    """The model's terms at each (n, d), shape (k, 8)."""
    n, d = np.asarray(n, dtype=float), np.asarray(d, dtype=float)
    x_bytes, t_bytes = n * d * itemsize, TEMPORARIES * n * itemsize
    l2, l3 = caches[2], caches[3]
    return np.column_stack(
        [
            np.ones_like(n),
            n,
            n * np.log2(d + 1),
            n * d,
            n * d * miss(x_bytes, l2),
            n * d * miss(x_bytes, l3),
            n * miss(t_bytes, l2),
            n * miss(t_bytes, l3),
        ]
    )


def fit_coefficients(terms, seconds):
    """Non-negative least squares on relative errors: the coefficients, (8,)."""
    seconds = np.asarray(seconds, dtype=float)
    weighted = terms / seconds[:, None]
    scale = np.linalg.norm(weighted, axis=0)
    scale[scale == 0] = 1.0
    coef, _ = nnls(weighted / scale, np.ones_like(seconds), maxiter=50 * terms.shape[1])
    return coef / scale


def run_caches(run):
    """``({level: bytes}, recorded)``: the L2 and L3 sizes the run recorded, or the
    fallback (``recorded`` False)."""
    found = {c["level"]: c["bytes"] for c in run.caches if c.get("level") in (2, 3)}
    if 2 in found and 3 in found:
        return found, True
    return dict(FALLBACK_CACHES), False


@dataclass(frozen=True)
class Predictor:
    """The fitted model of one implementation in one dtype.

    Attributes
    ----------
    impl, dtype : str
    sizes : tuple of (int, int)
        The measured (n, d) it was fitted to.
    seconds : tuple of float
        Their medians.
    caches : dict
        ``{2: bytes, 3: bytes}``.
    """

    impl: str
    dtype: str
    sizes: tuple
    seconds: tuple
    caches: dict

    def _terms(self, sizes):
        n, d = zip(*sizes, strict=True)
        return features(n, d, ITEMSIZE[self.dtype], self.caches)

    @cached_property
    def coef(self):
        return fit_coefficients(self._terms(self.sizes), self.seconds)

    def predict(self, n, d):
        """Predicted seconds per step at ``n x d``."""
        return float(self._terms([(n, d)])[0] @ self.coef)

    @cached_property
    def loo_errors(self):
        """Relative error of each point predicted from a fit to all the others."""
        terms, t = self._terms(self.sizes), np.asarray(self.seconds)
        out = []
        for k in range(len(t)):
            keep = np.arange(len(t)) != k
            coef = fit_coefficients(terms[keep], t[keep])
            out.append(abs(float(terms[k] @ coef) - t[k]) / t[k])
        return np.asarray(out)

    @property
    def median_error(self):
        return float(np.median(self.loo_errors))

    @property
    def p90_error(self):
        return float(np.percentile(self.loo_errors, 90))

    @property
    def meets_target(self):
        return self.median_error <= TARGET_MEDIAN and self.p90_error <= TARGET_P90

    def band(self, n, d):
        """``(low, high)`` seconds: the prediction within its p90 error."""
        t = self.predict(n, d)
        return t / (1 + self.p90_error), t * (1 + self.p90_error)

    def extrapolation(self, n, d):
        """Why ``n x d`` lies outside the sizes it was fitted to, or None."""
        ns = [s[0] for s in self.sizes]
        ds = [s[1] for s in self.sizes]
        elements = [a * b for a, b in self.sizes]
        if not min(ns) <= n <= max(ns):
            return f"n = {n:,} is outside the measured {min(ns):,} to {max(ns):,}"
        if not min(ds) <= d <= max(ds):
            return f"d = {d:,} is outside the measured {min(ds):,} to {max(ds):,}"
        if not min(elements) <= n * d <= max(elements):
            return f"n·d = {n * d:,} is outside the measured {max(elements):,}"
        return None


def predictors(run):
    """A Predictor per implementation (and reference row) and dtype that has at
    least ``MIN_POINTS`` sizes, ``{(dtype, impl): Predictor}``; made once per run
    and kept with it, so that the crossovers, the error table and ``predict``
    share one set of leave-one-out fits."""
    if "_predictors" not in run.__dict__:
        run.__dict__["_predictors"] = _predictors(run)
    return run.__dict__["_predictors"]


def _predictors(run):
    caches, _ = run_caches(run)
    names = list(run.impls) + list(run.references)
    out = {}
    for dtype in run.dtypes:
        for impl in names:
            pts = run.points(impl, dtype)
            if len(pts) >= MIN_POINTS:
                sizes = tuple((p.n, p.d) for p in pts)
                seconds = tuple(p.median for p in pts)
                out[(dtype, impl)] = Predictor(impl, dtype, sizes, seconds, caches)
    return out


def crossing_n(pa, pb, d, n_range):
    """Where the predicted times of ``pa`` and ``pb`` at ``d`` cross last in
    ``n_range``: ``(n or None, faster below, faster above)``. The sign change is
    found on a log-spaced scan of n, then located by bisection."""

    def gap(n):
        return pa.predict(n, d) - pb.predict(n, d)

    grid = np.geomspace(*n_range, 400)
    faster = [pa.impl if gap(n) < 0 else pb.impl for n in grid]
    changes = [k for k in range(1, len(grid)) if faster[k] != faster[k - 1]]
    if not changes:
        return None, faster[0], faster[-1]
    k = changes[-1]  # the last change: from there on, the large-n winner holds
    lo, hi = grid[k - 1], grid[k]
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if (gap(mid) < 0) == (gap(lo) < 0) else (lo, mid)
    return float(hi), faster[k - 1], faster[k]


def error_text(p):
    """``"4.2 % / 18 %"``: median and p90 leave-one-out error."""
    return f"{100 * p.median_error:.2g} % / {100 * p.p90_error:.2g} %"
