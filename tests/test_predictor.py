"""The cost model that predicts (``bench/report/costs.py``) and
``python -m bench predict``.

What this module proves
-----------------------
- Times made by the model's own terms (a per-call cost, per-sample work, an
  in-cache rate and a slower rate once X leaves L2) are fitted back: every
  leave-one-out error is tiny, the target is met, and a size between the
  measured ones is predicted within a percent, the cache step included.
- Times the model cannot describe (noise of +-60 %) miss the target; the report
  then gives no crossover and says why, and ``predict`` marks the model
  unreliable and names no winner from it.
- A crossing from models that meet the target is located where the times cross;
  where a model would contradict a verdict of the grid, no crossing is given.
- ``predict`` says it is a prediction, ranks, flags an extrapolation, prints the
  ``run --size`` command that would measure it, and exits 2 on a bad argument.
"""

import json

import numpy as np
import pytest
from runs import bench_json, with_passes

from bench import __main__ as cli
from bench.report import crossovers, model
from bench.report.cli import predict_lines
from bench.report.costs import Predictor, predictors

CACHES = [
    {"level": 2, "type": "Unified", "bytes": 2**20, "shared_cpus": "0"},
    {"level": 3, "type": "Unified", "bytes": 32 * 2**20, "shared_cpus": "0-1"},
]
NS = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
DS = (1, 10, 100)


def cache_time(n, d, t0, per_row, in_cache, from_memory):
    """Seconds: a per-call cost, per-row work, and X read at ``in_cache`` seconds
    an element while it fits L2 (1 MiB), ``from_memory`` beyond."""
    x_bytes = 8 * n * d
    share = 1 / (1 + (2**20 / x_bytes) ** 2)
    return t0 + per_row * n + n * d * (in_cache + (from_memory - in_cache) * share)


def synthetic_run(kinds, noise=0.0, seed=0):
    rng = np.random.default_rng(seed)
    times = {}
    for impl, params in kinds.items():
        for n in NS:
            for d in DS:
                t = cache_time(n, d, *params)
                times[(impl, n, d)] = t * (1 + noise * rng.uniform(-1, 1))
    doc = bench_json(times)
    doc["machine_info"] = {**doc["machine_info"]}
    doc["machine_info"]["loopbench"] = {
        **doc["machine_info"].get("loopbench", {}),
        "caches": CACHES,
    }
    return doc


KINDS = {
    "numpy": (15e-6, 2e-9, 0.5e-9, 1.0e-9),
    "numba": (1e-6, 1e-9, 0.8e-9, 0.9e-9),
}


def test_the_model_fits_its_own_terms_and_predicts_between_them():
    run = model.parse_run(synthetic_run(KINDS), "x.json")
    assert run.caches == tuple(CACHES)
    p = predictors(run)[("float64", "numpy")]
    assert p.median_error < 1e-3
    assert p.p90_error < 1e-2
    assert p.meets_target
    for n, d in ((30_000, 10), (3_000, 30), (300_000, 3)):  # around the L2 step
        assert p.predict(n, d) == pytest.approx(
            cache_time(n, d, *KINDS["numpy"]), rel=0.02
        )
    assert p.extrapolation(3_000, 30) is None
    assert "outside" in p.extrapolation(10**7, 10)


def test_noise_the_model_cannot_describe_misses_the_target_and_gives_no_crossing():
    run = model.parse_run(with_passes(synthetic_run(KINDS, noise=0.6)), "x.json")
    p = predictors(run)[("float64", "numba")]
    assert not p.meets_target
    (found,) = [
        c
        for c in crossovers.crossovers(run, _costs(run), predictors(run))
        if (c.a, c.b) == ("numba", "numpy")
    ]
    assert found.per_d.startswith("not given:")
    assert "misses the target" in found.per_d
    lines = predict_lines(run, "x.json", 3_000, 30)
    assert any("UNRELIABLE" in line for line in lines)
    # the fastest on one core is named from the list as printed (unreliable or
    # not), its reliability beside it
    (named,) = [line for line in lines if "predicted fastest on one core" in line]
    listed = [line.strip() for line in lines if line.startswith("  ") and "µs" in line]
    first = next(line for line in listed if not line.startswith("numba_parallel"))
    assert named.strip().startswith(
        f"predicted fastest on one core: {first.split(':')[0]}"
    )
    if "UNRELIABLE" in first:
        assert "UNRELIABLE: its model misses its target" in named
    else:
        assert named.endswith("its model meets its target")


def _costs(run):
    from bench.report.costs import cost_model

    return cost_model(run)


def test_a_crossing_is_where_the_predicted_times_cross():
    run = model.parse_run(with_passes(synthetic_run(KINDS)), "x.json")
    (found,) = [
        c
        for c in crossovers.crossovers(run, _costs(run), predictors(run))
        if (c.a, c.b) == ("numba", "numpy")
    ]
    # numba: cheaper call, costlier in-cache elements; where do they cross at d=10?
    models = predictors(run)
    a, b = models[("float64", "numba")], models[("float64", "numpy")]
    text = next(part for part in found.per_d.split("; ") if part.startswith("d=10:"))
    if "from n ≈" in text:
        n = float(text.split("≈ ")[1].replace(",", ""))
        assert a.predict(n * 0.9, 10) - b.predict(n * 0.9, 10) != pytest.approx(0)
        assert np.sign(a.predict(n * 0.8, 10) - b.predict(n * 0.8, 10)) != np.sign(
            a.predict(n * 1.25, 10) - b.predict(n * 1.25, 10)
        )
    else:
        assert "at every measured n" in text


class SlowerModel(Predictor):
    """A wrong model: ten times the fitted time everywhere (its fit errors, and so
    its target, are those of the right one)."""

    def predict(self, n, d):
        return 10 * super().predict(n, d)


def test_a_model_that_contradicts_the_grid_gives_no_crossing():
    run = model.parse_run(with_passes(synthetic_run(KINDS)), "x.json")
    models = predictors(run)
    truth = models[("float64", "numba")]
    wrong = SlowerModel("numba", "float64", truth.sizes, truth.seconds, truth.caches)
    assert wrong.meets_target
    text = crossovers.model_crossover(
        run, "float64", wrong, models[("float64", "numpy")]
    )
    assert text.startswith("d=1: not given, the model contradicts the grid at n = ")
    assert "from n ≈" not in text


def test_predict_says_it_is_a_prediction_and_how_to_measure(tmp_path, capsys):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(with_passes(synthetic_run(KINDS))))
    assert cli.main(["predict", "3000", "30", "--input", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Prediction, not a measurement")
    assert out[1] == "float64: predicted time per step, fastest first"
    assert "inside the measured sizes" in "\n".join(out)
    assert (
        out[-1] == "To measure it: python -m bench run --size 3000x30 --dtype float64"
    )
    assert cli.main(["predict", "50000000", "30", "--input", str(path)]) == 0
    assert "an extrapolation" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [["0", "3"], ["5", "x"], ["10", "3", "--dtype", "float32"]],
    ids=["n=0", "d=x", "no float32 in the run"],
)
def test_predict_refuses_bad_arguments_with_exit_2(args, tmp_path, capsys):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(synthetic_run(KINDS)))
    try:
        code = cli.main(["predict", *args, "--input", str(path)])
    except SystemExit as exit_info:
        code = exit_info.code
    assert code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
