"""Builders of pytest-benchmark JSON for the tests: small runs whose numbers are
known exactly. Not a test module (pytest collects ``test_*.py`` only); test modules
import from here, never from each other.

``bench_json(times)``
    A run from ``{(impl, n, d[, dtype]): seconds}``, with ``step_entry`` and
    ``compile_entry`` for single benchmarks; ``with_passes`` adds per-pass medians
    around each median; ``linear_times`` makes times of a known cost model.
``run_json(factors)``
    A run of ``TIMES``'s implementations at ``SIZES``, each scaled by a factor, with
    per-pass medians 2 % apart at most: two of them make a comparison (compare, the
    order, rerun and harness checks).
``pass_entry``
    One case's raw entry in one pass, before ``bench/passes.py`` merges the passes.
``run_with_bad_pass``
    A run in which one pass is three times slower in the first few cases.
``pyperf_file``
    A pyperf suite written to a path.
``tables(tmp_path, document)``
    Report on a document without plots; the output folder.
"""

import csv
import io
import json

import numpy as np

from bench.report import common, make_report

MACHINE = {
    "node": "box",
    "python_implementation": "CPython",
    "python_version": "3.11.7",
    "system": "Linux",
    "release": "6.1.0",
    "cpu": {"brand_raw": "Test CPU 9000", "count": 4},
    "loopbench": {
        "cpu": "Test CPU 9000",
        "logical_cpus": 4,
        "python": "3.11.7",
        "numpy": "2.0.0",
        "numba": "0.60.0",
        "llvmlite": "0.43.0",
        "blas_threads_setting": 1,
        "blas": [
            {
                "internal_api": "openblas",
                "version": "0.3.27",
                "architecture": "Haswell",
                "num_threads": 1,
            }
        ],
        "numba_num_threads": 4,
        "numba_threading_layer": "omp",
        "environ": {"OPENBLAS_CORETYPE": "Haswell"},
    },
}

NS = (10, 100, 1_000, 10_000)

DS = (1, 10, 100)


def step_entry(impl, n, d, seconds, dtype="float64", preset="quick"):
    """One benchmark as ``bench/test_step.py`` / ``test_reference.py`` record it."""
    itemsize = {"float64": 8, "float32": 4}[dtype]
    return {
        "group": f"n={n} d={d} {dtype}",
        "name": f"test_step[{impl}-n{n}-d{d}]",
        "extra_info": {
            "impl": impl,
            "reference": impl in common.KNOWN_REFERENCES,
            "n_samples": n,
            "n_features": d,
            "dtype": dtype,
            "itemsize": itemsize,
            "preset": preset,
            "blas_threads": 1,
            "numba_threads": 4,
        },
        "stats": {"median": seconds, "iqr": 0.0, "min": seconds, "rounds": 10},
    }


def compile_entry(impl, mode, seconds):
    """One benchmark as ``bench/test_compile.py`` records it."""
    return {
        "group": "numba first call in a new process",
        "name": f"test_numba_first_call[{impl}-{mode}]",
        "extra_info": {"impl": impl, "mode": mode, "n_samples": 20, "n_features": 3},
        "stats": {"median": seconds, "iqr": 0.0, "min": seconds, "rounds": 3},
    }


def bench_json(times, *, compile_times=None, machine_info=MACHINE, preset="quick"):
    """A pytest-benchmark JSON document.

    Parameters
    ----------
    times : dict
        ``(impl, n, d) -> seconds`` or ``(impl, n, d, dtype) -> seconds``;
        ``sklearn`` and ``x_sum`` become reference rows.
    compile_times : dict, optional
        ``(impl, mode) -> seconds``, mode in import, cold, cached.
    """
    benchmarks = [
        step_entry(*key[:3], seconds, *key[3:], preset=preset)
        for key, seconds in times.items()
    ]
    benchmarks += [
        compile_entry(impl, mode, s)
        for (impl, mode), s in (compile_times or {}).items()
    ]
    return {
        "machine_info": machine_info,
        "commit_info": {"id": "0123456789abcdef", "branch": "main", "dirty": False},
        "benchmarks": benchmarks,
        "datetime": "2026-01-02T03:04:05.678+00:00",
        "version": "5.1.0",
        "loopbench": {"preset": preset},
    }


def linear_times(models, ns=NS, ds=DS):
    """``{(impl, n, d): t0 + c * n * d}`` for ``models = {impl: (t0, c)}``."""
    return {
        (impl, n, d): t0 + c * n * d
        for impl, (t0, c) in models.items()
        for n in ns
        for d in ds
    }


def with_passes(document, spread=0.01, passes=5, seed=0):
    """``document`` with per-pass medians around each step's median, as
    ``python -m bench run`` keeps them (``bench/passes.py``)."""
    rng = np.random.default_rng(seed)
    for entry in document["benchmarks"]:
        if "dtype" in entry["extra_info"]:
            median = entry["stats"]["median"]
            noise = rng.uniform(-spread, spread, passes)
            noise -= np.median(noise)  # the passes' median is the case's median
            entry["loopbench"] = {"pass_medians": list(median * (1 + noise))}
    document["loopbench"]["passes"] = passes
    return document


def pass_entry(pass_no, data, **extra_info):
    """pytest-benchmark's entry of numba at 10 x 1 in one pass, with its raw
    rounds ``data`` (seconds), as a pass writes it before ``merge_passes``."""
    name = f"numba-n10-d1-pass{pass_no}"
    return {
        "name": f"test_step[{name}]",
        "fullname": f"bench/test_step.py::test_step[{name}]",
        "param": name,
        "extra_info": {
            "impl": "numba",
            "dtype": "float64",
            "n_samples": 10,
            "n_features": 1,
            "pass": pass_no,
            **extra_info,
        },
        "stats": {
            "median": float(np.median(data)),
            "data": list(data),
            "iterations": 1,
        },
    }


def tables(tmp_path, document, **kwargs):
    """Write ``document`` and report on it without plots; the output folder."""
    src = tmp_path / "in" / "bench.json"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "out"
    make_report(src, out, plots=False, **kwargs)
    return out


def read_csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def pyperf_file(path, impl="numba", cases=((10, 1, 2e-6),)):
    import pyperf

    path.parent.mkdir(parents=True, exist_ok=True)
    benches = []
    for n, d, seconds in cases:
        meta = {"name": f"step n={n} d={d} float64", "loops": 8, "unit": "second"}
        meta["loopbench_impl"] = impl
        runs = [
            pyperf.Run(
                [seconds * f for f in (0.9, 1.0, 1.1)],
                metadata=meta,
                collect_metadata=False,
            )
            for _ in range(2)
        ]
        benches.append(pyperf.Benchmark(runs))
    pyperf.BenchmarkSuite(benches).dump(str(path), replace=True)
    return path


# Runs to compare (compare, order, rerun and harness checks)

SIZES = ((10, 1), (100, 10), (1_000, 100))

TIMES = {"numpy": 20e-6, "numba": 2e-6, "python": 100e-6}


def case_entry(impl, n, d, seconds, samples):
    entry = {
        "group": f"n={n} d={d} float64",
        "name": f"test_step[{impl}-n{n}-d{d}]",
        "extra_info": {
            "impl": impl,
            "reference": False,
            "n_samples": n,
            "n_features": d,
            "dtype": "float64",
            "itemsize": 8,
        },
        "stats": {"median": seconds},
    }
    if samples is not None:
        entry["loopbench"] = {"pass_medians": list(samples)}
    return entry


BLAS = [
    {"internal_api": "openblas", "version": v, "architecture": "Haswell"}
    for v in ("0.3.30", "0.3.27")
]


def run_json(factors=None, seed=0, cpu="Test CPU", sizes=SIZES, passes=5, blas=BLAS):
    """A run of every implementation of ``TIMES`` at ``sizes``, each time scaled by
    ``factors[impl]``, with ``passes`` per-pass medians 2 % apart at most."""
    factors = factors or {}
    rng = np.random.default_rng(seed)
    benchmarks = []
    for impl, t in TIMES.items():
        for n, d in sizes:
            seconds = t * factors.get(impl, 1.0) * (1 + n * d / 1e5)
            samples = None
            if passes:
                samples = seconds * (1 + rng.uniform(-0.01, 0.01, passes))
                seconds = float(np.median(samples))
            benchmarks.append(case_entry(impl, n, d, seconds, samples))
    return {
        "machine_info": {"loopbench": {"cpu": cpu, "numpy": "2.0.0", "blas": blas}},
        "benchmarks": benchmarks,
        "datetime": "2026-01-02T03:04:05+00:00",
        "loopbench": {"preset": "quick", "passes": passes},
    }


# A disturbed pass


def run_with_bad_pass(cases_hit, bad_pass=1):
    times = {("numpy", n, 10): 1e-3 * n for n in (10, 100, 1000, 10_000, 100_000)}
    times.update({("numba", n, 10): 5e-4 * n for n in (10, 100, 1000, 10_000, 100_000)})
    doc = with_passes(bench_json(times), spread=0.01)
    hit = 0
    for entry in doc["benchmarks"]:
        if hit < cases_hit and "loopbench" in entry:
            entry["loopbench"]["pass_medians"][bad_pass - 1] *= 3
            hit += 1
    return doc
