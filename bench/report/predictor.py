"""A cost model that predicts: time per step from n, d and where X lives.

Each implementation's medians of one dtype are fitted by

    t = t0 + s·n + q·n·log2(d + 1) + c·n·d
          + n·d · (m2·miss(F, L2) + m3·miss(F, L3))
          + n · (u2·miss(T, L2) + u3·miss(T, L3))

with F = n·d·itemsize, the bytes of X, and T = TEMPORARIES·n·itemsize, the bytes of
the arrays of n values a vectorized step makes. ``miss(F, C) = 1 / (1 + (C/F)^2)``
goes from 0 (F well inside a cache of C bytes) to 1 (F well beyond it): an ECM- or
roofline-style rate, in cache (c) and from the next level (c + m2, then + m3). t0 is
the per-call cost, s and q the per-sample work (a row of d features is not d times
the work of one: short rows do not fill the vector units). The caches are the ones
the run recorded (``bench.environment.cpu_caches``); an older run without them is
fitted with ``FALLBACK_CACHES`` and says so.

All coefficients are >= 0 (a cost cannot be negative): ``scipy.optimize.nnls`` on
relative errors (each row divided by its time, so that microseconds and seconds
count alike). The model is validated by leave-one-out: each point is predicted
from a fit to all the others, and the median and 90th percentile of those
relative errors are the model's error (``TARGET_MEDIAN``, ``TARGET_P90``). A model
that misses them predicts nothing in the report's crossovers.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.optimize import nnls

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
