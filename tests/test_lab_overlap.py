"""The two passes timed apart (the benchmark's ``bench/simd_passes.py``) and the
lab's overlap study (``lab/overlap.py``, in ``results/lab/studies.md``)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from runs import bench_json, tables

from bench import simd_passes
from bench.data import make_problem
from bench.grid import OVERLAP_MIN_ELEMENTS
from bench.references import PASS_ROWS, wanted
from bench.report import common
from bench.report.model import parse_run
from kernels import numba_simd
from kernels.numba_simd import block_rows
from lab.overlap import hidden_of, overlap_of
from lab.studies import render_studies


def test_the_forward_pass_sums_the_steps_loss():
    for dtype in ("float64", "float32"):
        w, b, X, y = make_problem(1_000, 30, seed=3, dtype=dtype)
        loss = numba_simd.step(w, b, X, y, 0.1)[2]
        assert_allclose(simd_passes.forward(w, b, X, y)[0] / len(y), loss, rtol=1e-6)


def test_the_backward_pass_rereads_the_first_block():
    X = make_problem(1_000, 30, seed=3)[2]
    rows = block_rows(30, X.itemsize)
    expected = np.zeros(30)
    for i0 in range(0, 1_000, rows):
        expected += 0.25 * X[: min(rows, 1_000 - i0)].sum(axis=0)
    assert_allclose(simd_passes.backward(X), expected, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_in_core_step_is_the_step_of_the_first_block_again_and_again(dtype):
    # a problem whose rows are the first block's, repeated: the step's loop reads
    # the same numbers from memory that in_core reads from cache, so the two agree
    # (3,000 rows: several blocks, several flushes of float32's partial, and a
    # last block shorter than the others)
    n, d = 3_000, 30
    w, b, X, y = make_problem(n, d, seed=3, dtype=dtype)
    rows = block_rows(d, X.itemsize)
    reps = -(-n // rows)
    X_rep = np.tile(X[:rows], (reps, 1))[:n]
    y_rep = np.tile(y[:rows], reps)[:n]
    g_w = np.zeros(d)
    loss, g_b, labels_ok = numba_simd.accumulate(w, b, X_rep, y_rep, 0, n, g_w)
    got_loss, got_g_b, got_ok, got_g_w = simd_passes.in_core(w, b, X, y)
    assert labels_ok
    assert got_ok == n
    rtol = 1e-12 if dtype == "float64" else 1e-6
    assert_allclose([got_loss, got_g_b], [loss, g_b], rtol=rtol)
    assert_allclose(got_g_w, g_w, rtol=rtol, atol=rtol * np.abs(g_w).max())


def test_hidden_is_the_share_of_the_in_core_work_done_under_the_stream():
    assert hidden_of(10.0, 4.0, 14.0) == 0.0  # stream and in-core work add up
    assert hidden_of(10.0, 4.0, 10.0) == 1.0  # the step costs the stream
    assert hidden_of(10.0, 4.0, 12.0) == 0.5


def test_overlap_is_the_hidden_share_of_the_backward_pass():
    assert overlap_of(10.0, 2.0, 12.0) == 0.0  # the passes add up
    assert overlap_of(10.0, 2.0, 10.0) == 1.0  # the backward pass is free
    assert overlap_of(10.0, 2.0, 13.0) == -0.5


def test_the_passes_are_timed_only_where_x_comes_from_memory():
    big = OVERLAP_MIN_ELEMENTS
    for name in PASS_ROWS:
        assert wanted(name, big // 100, 100)
        assert not wanted(name, big // 100 - 1, 100)
    assert wanted("stream_one", 10, 1)


def passes_json(t_forward, t_backward, t_step, n=1_000_000, d=100, t_in_core=None):
    times = {
        ("numba_simd", n, d): t_step,
        ("numpy", n, d): 3 * t_step,
        ("stream_one", n, d): 0.8 * t_step,
        ("simd_forward", n, d): t_forward,
        ("simd_backward", n, d): t_backward,
    }
    if t_in_core is not None:
        times["simd_in_core", n, d] = t_in_core
    document = bench_json(times, preset="full")
    for entry in document["benchmarks"]:
        if entry["extra_info"]["impl"] in PASS_ROWS:
            entry["extra_info"]["reference"] = True
    return document


def studies(document):
    """The lab's studies.md of a run."""
    return render_studies(parse_run(document, "bench.json"), "bench.json")


def test_the_report_shows_the_overlap_and_its_target():
    summary = studies(passes_json(0.050, 0.010, 0.052))
    section = summary.split("## Overlap of the forward and backward passes")[1]
    section = section.split("\n## ")[0]
    row = next(r for r in section.splitlines() if r.startswith("| float64"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # forward, backward, step in µs, overlap (0.05 + 0.01 - 0.052) / 0.01 = 0.8
    assert cells[2:8] == ["50,000", "10,000", "52,000", "0.80", "80 %", "met"]
    # a run without the in-core row (made before it): no table of it
    assert "hidden" not in section
    low = studies(passes_json(0.050, 0.010, 0.058))
    assert "missed by 71 %" in low  # overlap 0.2 against 0.7


def test_the_report_shows_the_in_core_share_and_how_much_is_hidden():
    # stream 0.8 * 0.052 = 0.0416 s; in-core 0.02 s: c = 0.48; hidden =
    # (0.0416 + 0.02 - 0.052) / 0.02 = 0.48
    document = passes_json(0.050, 0.010, 0.052, t_in_core=0.020)
    summary = studies(document)
    section = summary.split("## Overlap of the forward and backward passes")[1]
    section = section.split("\n## ")[0]
    row = [r for r in section.splitlines() if r.startswith("| float64")][1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[2:] == ["41,600", "20,000", "52,000", "0.48", "0.48"]
    assert "needs c <= 0.17" in section  # 1 / 0.85 - 1 = 0.176, rounded down


def test_the_passes_stay_out_of_the_reference_tables(tmp_path):
    run = parse_run(passes_json(0.05, 0.01, 0.052), "bench.json")
    assert run.pass_rows == (common.SIMD_FORWARD, common.SIMD_BACKWARD)
    full = parse_run(passes_json(0.05, 0.01, 0.052, t_in_core=0.02), "bench.json")
    assert full.pass_rows == common.PASS_ROWS
    assert common.SIMD_IN_CORE not in full.references
    assert common.SIMD_FORWARD not in run.references
    summary = (
        tables(tmp_path, passes_json(0.05, 0.01, 0.052)) / "summary.md"
    ).read_text()
    time_part = summary.split("## Time per step")[1].split("\n## ")[0]
    assert "simd_forward" not in time_part


def test_no_section_without_the_passes(tmp_path):
    document = bench_json({("numba_simd", 10, 1): 1e-6, ("numpy", 10, 1): 1e-5})
    assert "Overlap of" not in studies(document)
    # the run's answer, summary.md, has no study in it
    summary = (
        tables(tmp_path, passes_json(0.05, 0.01, 0.052)) / "summary.md"
    ).read_text()
    assert "Overlap of" not in summary
