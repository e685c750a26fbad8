"""The logistic function and the log-loss, one sample at a time, on Python floats.

These are the scalar pieces the source notebook tests (``sigmoid`` and the negative
log-loss of a probability), written so that they never overflow and never take
``log(0)``. ``sample_terms`` is the per-sample core of the training step; the pure
Python loop calls it as it is and the Numba loops compile the very same function (with
strict IEEE arithmetic: its rounding-error trick must not be reassociated), so the math
of one sample is written once.
"""

import math


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))`` without overflow.

    Parameters
    ----------
    z : float
        A logit, any finite value (``exp`` is only ever taken of ``-|z|``).

    Returns
    -------
    float
        ``sigma(z)`` in [0, 1].
    """
    t = math.exp(-abs(z))
    if z >= 0.0:
        return 1.0 / (1.0 + t)
    return t / (1.0 + t)


def neg_log_loss(p, y):
    """Negative log-likelihood ``-(y log p + (1 - y) log(1 - p))`` of one prediction.

    A term whose weight is zero contributes zero, so ``neg_log_loss(0, 0)`` and
    ``neg_log_loss(1, 1)`` are 0, not ``nan``; a certain, wrong prediction is ``inf``.

    Parameters
    ----------
    p : float
        Predicted probability of the label 1, in [0, 1].
    y : float
        Label, in [0, 1].

    Returns
    -------
    float
        The loss, >= 0.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be a probability in [0, 1], got {p!r}")
    if not 0.0 <= y <= 1.0:
        raise ValueError(f"y must be a label in [0, 1], got {y!r}")
    loss = 0.0
    if y > 0.0:
        loss -= y * (math.log(p) if p > 0.0 else -math.inf)
    if y < 1.0:
        loss -= (1.0 - y) * (math.log1p(-p) if p < 1.0 else -math.inf)
    return loss


def sample_terms(z, y):
    """Loss and residual of one sample, from one ``exp``, one ``log`` and one division.

    With ``t = exp(-|z|)`` (never overflows) and ``u = 1 + t``:

    - ``log(1 + e^z) - y z = log1p(t) + max(z, 0) - y z``;
    - ``sigma(z) = 1 / u`` for ``z >= 0``, and ``t / u`` for ``z < 0``;
    - ``log1p(t) = log(u) - ((u - 1) - t) / u``: ``u`` is ``1 + t`` rounded, and
      ``(u - 1) - t`` is exactly that rounding error, so this is as accurate as
      ``log1p`` (also when ``t`` is below the float64 epsilon and ``u == 1``) and
      shares its division with ``sigma``. Compiled, ``log`` costs a third of
      ``log1p``; in the interpreter the extra arithmetic costs about 50 ns a sample.

    Selects (``a if c else b``) instead of branches leave compiled code nothing to
    mispredict when the signs of the logits are random.

    Parameters
    ----------
    z : float
        Logit ``x . w + b`` of the sample.
    y : float
        Its label, in [0, 1].

    Returns
    -------
    loss : float
        ``log(1 + e^z) - y z``, the sample's negative log-likelihood.
    residual : float
        ``sigma(z) - y``, the derivative of that loss with respect to ``z``.
    """
    t = math.exp(-abs(z))
    u = 1.0 + t
    inv_u = 1.0 / u
    log1p_t = math.log(u) - ((u - 1.0) - t) * inv_u
    loss = log1p_t + (z if z > 0.0 else 0.0) - y * z
    residual = (inv_u if z >= 0.0 else t * inv_u) - y
    return loss, residual
