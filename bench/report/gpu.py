"""The GPU section of a run of the ``gpu`` preset: what the copy costs, and when
the GPU pays.

``numba_cuda``'s step (``comparisons.GPU``) copies ``X`` to the device at every
call; ``cuda_resident`` is the same step on data already there, ``cuda_h2d`` the
copy alone and ``cuda_load`` a kernel that only reads ``X`` (the device's
roofline). From their medians, per size:

- the copy's share of the step with transfer, ``t(cuda_h2d) / t(numba_cuda)``;
- the resident step's rate of reading ``X`` as a share of ``cuda_load``'s;
- the step with transfer and the resident step against ``numba_parallel``
  (``comparisons.CORES``) on the same machine's cores, with intervals
  (``bench/report/intervals.py``);
- the break-even of ``train``: it copies ``X`` once and then runs every epoch on
  the device, so after ``E = t(cuda_h2d) / (t(numba_parallel) - t(cuda_resident))``
  epochs the copy is repaid (never, where the cores are as fast);
- where the step with transfer starts to beat ``numba_parallel``: the smallest n at
  each d from which it is called faster at every larger n (called verdicts only).

A run without the device rows has no such section; nothing else changes.
"""

import math

from bench.report.common import CUDA_H2D, CUDA_LOAD, CUDA_RESIDENT, DASH
from bench.report.comparisons import CORES
from bench.report.comparisons import GPU as CUDA
from bench.report.compile_times import NEVER
from bench.report.formatting import fmt_cell, heading, md_table
from bench.report.intervals import fmt_ratio, has_intervals, interval_note, speedup
from bench.report.tables import rate_share


def epochs_to_repay(run, dtype, n, d):
    """Epochs of ``train`` after which the one-time copy of ``X`` is repaid: an
    int, ``NEVER``, or None where a row is missing."""
    times = [run.median(i, dtype, n, d) for i in (CUDA_H2D, CORES, CUDA_RESIDENT)]
    if None in times:
        return None
    copy, cores, resident = times
    return math.ceil(copy / (cores - resident)) if cores > resident else NEVER


def _share(run, part, whole, dtype, n, d):
    a, b = run.median(part, dtype, n, d), run.median(whole, dtype, n, d)
    return None if a is None or b is None else a / b


def transfer_crossover(run, dtype):
    """``{d: text}``: from which n the step with transfer beats ``numba_parallel``."""
    out = {}
    for d in sorted({d for _, d in run.sizes(dtype)}):
        verdicts = [
            (n, speedup(run, CUDA, CORES, dtype, n, dd))
            for n, dd in run.sizes(dtype)
            if dd == d
        ]
        measured = [(n, r) for n, r in verdicts if r is not None]
        called = [(n, r.sign) for n, r in measured if r.sign != 0]
        if not called:
            out[d] = "no verdict called" if measured else "not measured"
            continue
        start = None
        for n, sign in sorted(called, reverse=True):
            if sign < 0:
                break
            start = n
        if start is None:
            out[d] = f"{CORES} faster at the largest n"
        elif start == min(n for n, _ in called):
            out[d] = f"{CUDA} faster at every n measured (from {start:,})"
        else:
            out[d] = f"{CUDA} faster from n = {start:,}"
    return out


def render_gpu(run, level):
    """The GPU section: the table per dtype, then the crossovers."""
    headers = [
        "n",
        "d",
        "copy of X (µs)",
        "copy / step with transfer",
        "resident step / cuda_load",
        f"{CUDA} vs {CORES}",
        f"{CUDA_RESIDENT} vs {CORES}",
        "epochs to repay the copy",
    ]
    parts = [
        heading(level, "The step on a GPU"),
        f"{CUDA} copies X to the device at every step; {CUDA_RESIDENT} is the same"
        f" step on data already there, {CUDA_H2D} the copy alone, {CUDA_LOAD} a"
        f" kernel that only reads X. Speedups are time of {CORES} (this machine's"
        " cores) / time on the GPU. Epochs to repay: after that many epochs of"
        f" train, which copies X once, the copy is won back against {CORES}."
        + (f" {interval_note()}" if has_intervals(run) else ""),
    ]
    for dtype in run.dtypes:
        rows = []
        for n, d in run.sizes(dtype):
            copy = run.median(CUDA_H2D, dtype, n, d)
            epochs = epochs_to_repay(run, dtype, n, d)
            ratios = [
                speedup(run, f, CORES, dtype, n, d) for f in (CUDA, CUDA_RESIDENT)
            ]
            rows.append(
                [
                    f"{n:,}",
                    f"{d:,}",
                    fmt_cell(None if copy is None else copy * 1e6, "time"),
                    fmt_cell(_share(run, CUDA_H2D, CUDA, dtype, n, d), "share"),
                    fmt_cell(
                        rate_share(run, CUDA_RESIDENT, CUDA_LOAD, dtype, n, d), "share"
                    ),
                    *(DASH if r is None else fmt_ratio(r) for r in ratios),
                    epochs if epochs == NEVER else fmt_cell(epochs, "int"),
                ]
            )
        parts += [heading(level + 1, dtype), md_table(headers, rows, "r" * 8)]
        crossing = transfer_crossover(run, dtype)
        parts.append(
            f"Step with transfer against {CORES} ({dtype}): "
            + "; ".join(f"d = {d:,}: {text}" for d, text in crossing.items())
            + "."
        )
    return "\n\n".join(parts)
