"""``python -m bench run --size``: exactly the chosen cases, an answer per size, and
bad arguments refused before anything is timed.

What this module proves
-----------------------
- ``--size NxD`` is parsed strictly: ``12``, ``0x3``, ``5x``, ``ax3`` (and an
  unknown ``--impl`` or ``--dtype``, or ``--dtype`` without ``--size``) exit 2 with
  one line naming the argument, and nothing is written.
- The chosen sizes become a preset of exactly those cases, dtypes and
  implementations (first calls only of the chosen compiling ones), timed as the
  full preset times its cases, with the interpreted implementations skipped above
  its limit; pytest collects exactly those cases.
- The answer ranks every implementation at each size with its interval, names the
  winner or a tie, and gives each compiling implementation's first-call cost and
  the calls that repay it at that size.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from runs import bench_json, with_passes

from bench import __main__ as cli
from bench.grid import PRESETS, cases, custom_preset, parse_size
from bench.report.cli import answer_lines
from bench.report.model import parse_run

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("text", "size"),
    [("50000x30", (50000, 30)), ("1X1", (1, 1)), ("1_000x10", (1000, 10))],
)
def test_a_size_is_n_by_d(text, size):
    assert parse_size(text) == size


BAD = [
    ["--size", "12"],
    ["--size", "0x3"],
    ["--size", "5x"],
    ["--size", "ax3"],
    ["--size", "10x3", "--impl", "no_such_impl"],
    ["--size", "10x3", "--dtype", "float16"],
    ["--dtype", "float32"],
    ["--size", "10x3", "--preset", "full"],
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a) for a in BAD])
def test_bad_arguments_exit_2_with_one_line_and_time_nothing(
    args, capsys, monkeypatch, tmp_path
):
    ran = []
    monkeypatch.setattr("bench.run.run_pytest_benchmark", lambda *a, **k: ran.append(a))
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", *args, "--out", str(tmp_path / "out")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("python -m bench run: error: argument --")
    assert not ran
    assert not (tmp_path / "out").exists()


def test_the_chosen_sizes_are_the_cases():
    preset = custom_preset([(50000, 30), (2000, 500)], ["float32"], ["numpy", "python"])
    got = cases(preset)
    assert {(c.impl, c.n, c.d, c.dtype) for c in got} == {
        (i, n, d, "float32")
        for i in ("python", "numpy")
        for n, d in ((2000, 500), (50000, 30))
    }
    full = PRESETS["full"]
    assert (preset.passes, preset.max_time) == (full.passes, full.max_time)
    slow = {(c.n, c.d): c.skip_reason for c in got if c.impl == "python"}
    assert slow[(2000, 500)] is None  # 1e6 elements: at the full preset's limit
    assert slow[(50000, 30)] is not None  # 1.5e6: skipped, with the reason


def test_pytest_collects_exactly_the_chosen_cases():
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "bench", "--collect-only", "-q"),
            *("-p", "no:cacheprovider", "--sizes=30x2,1000x5", "--dtypes=float32"),
            "--impls=numpy,numba",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = [line for line in done.stdout.splitlines() if "::" in line]
    steps = sorted(i.split("[")[1] for i in ids if "test_step[" in i)
    assert steps == [
        "numba-n1000-d5-float32]",
        "numba-n30-d2-float32]",
        "numpy-n1000-d5-float32]",
        "numpy-n30-d2-float32]",
    ]
    first = sorted(i.split("[")[1] for i in ids if "test_first_call[" in i)
    assert first == ["numba-cached]", "numba-cold]", "numba-import]"]


def _size_run():
    times = {
        ("numpy", 50000, 30, "float32"): 400e-6,
        ("numba", 50000, 30, "float32"): 300e-6,
        ("numba_simd", 50000, 30, "float32"): 200e-6,
        ("jax", 50000, 30, "float32"): 201e-6,  # a tie with numba_simd
    }
    compile_times = {("numba", "import", 0.2), ("numba", "cold", 1.2)}
    doc = bench_json(
        times, compile_times={(i, m): s for i, m, s in compile_times}, preset="size"
    )
    return parse_run(with_passes(doc), "bench.json")


def test_the_answer_ranks_names_a_tie_and_repays_the_first_call():
    lines = answer_lines(_size_run())
    assert lines[0] == "50,000 x 30, float32: time per step, fastest first"
    ranked = [line.split(".", 1)[1].split(":")[0].strip() for line in lines[1:5]]
    assert ranked == ["numba_simd", "jax", "numba", "numpy"]
    assert "200 µs [" in lines[1]
    assert "2x" in lines[4]  # numpy: twice numba_simd's time
    assert "fastest on one core: a tie (numba_simd ~ jax" in lines[5]
    # numba's first call: 1,000 ms, won back at 100 µs a call against numpy
    assert lines[6] == (
        "  first call of numba: 1,000 ms of compiling; calls at this size to repay"
        " it against numpy: 10000"
    )
