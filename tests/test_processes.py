"""Each pass in a pytest process of its own (bench/processes.py), and the
``--pass-only`` option that selects one pass (bench/conftest.py)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from runs import pass_entry

from bench import processes

ROOT = Path(__file__).resolve().parent.parent
PASS_DATA = {1: [1.0, 1.2, 1.1], 2: [2.0, 2.2, 2.1], 3: [3.0, 3.1, 3.2, 3.3]}


def _entry(pass_no, data):
    return pass_entry(pass_no, [x * 1e-6 for x in data])


FIRST_CALL = {
    "name": "test_first_call[numba-cold]",
    "extra_info": {"impl": "numba", "mode": "cold"},
    "stats": {"data": [0.5], "iterations": 1, "median": 0.5},
}


def _fake_processes(monkeypatch, exit_codes=None, write=True, changes=None):
    """Stand in for pytest's processes: pass p writes a JSON of its entry (with
    the raw rounds PASS_DATA[p]; pass 1 also a first call) and exits with
    ``exit_codes[p]`` (default 0); ``changes[p]``: the paths pass p finds
    uncommitted. Return the list of the commands."""
    calls = []
    changes = changes or {}

    def fake_call(cmd, cwd):
        calls.append(cmd)
        option = next((a for a in cmd if a.startswith("--pass-only=")), None)
        pass_no = int(option.split("=")[1]) if option else 1
        code = (exit_codes or {}).get(pass_no, 0)
        out = next(a for a in cmd if a.startswith("--benchmark-json="))
        own = changes.get(pass_no, [])
        document = {
            "machine_info": {"node": f"pass{pass_no}"},
            "commit_info": {"id": "abc", "dirty": bool(own)},
            "datetime": f"2026-12-02T10:0{pass_no}:00+00:00",
            "version": "5.1.0",
            "loopbench": {
                "preset": "quick",
                "passes": 3,
                "pass_only": pass_no,
                "code_changes": own,
            },
            "benchmarks": [_entry(pass_no, PASS_DATA[pass_no])]
            + ([FIRST_CALL] if pass_no == 1 else []),
        }
        if write and code == 0:
            Path(out.split("=", 1)[1]).write_text(json.dumps(document))
        return code

    monkeypatch.setattr(processes.subprocess, "call", fake_call)
    return calls


def test_each_pass_is_timed_in_a_process_of_its_own(tmp_path, monkeypatch):
    calls = _fake_processes(monkeypatch)
    out = tmp_path / "bench.json"
    assert processes.time_passes(["--passes=3", "-q"], 3, out, ROOT) == 0
    assert [c[c.index("--passes=3") + 2] for c in calls] == [
        "--pass-only=1",
        "--pass-only=2",
        "--pass-only=3",
    ]
    assert all(c[:3] == [sys.executable, "-m", "pytest"] for c in calls)
    data = json.loads(out.read_text())
    entry, first_call = data["benchmarks"]  # one entry per case, as one process
    assert first_call["name"] == FIRST_CALL["name"]
    assert "data" not in first_call["stats"]
    assert entry["name"] == "test_step[numba-n10-d1]"
    medians = [np.median(PASS_DATA[p]) * 1e-6 for p in (1, 2, 3)]
    np.testing.assert_allclose(entry["loopbench"]["pass_medians"], medians)
    assert entry["loopbench"]["pass_rounds"] == [3, 3, 4]
    assert entry["stats"]["rounds"] == 10
    assert "data" not in entry["stats"]
    assert data["machine_info"] == {"node": "pass1"}
    assert data["datetime"] == "2026-12-02T10:03:00+00:00"  # the run's end
    meta = data["loopbench"]
    assert "pass_only" not in meta
    assert meta["processes"] == processes.PROCESSES
    assert (meta["preset"], meta["passes"]) == ("quick", 3)
    assert meta["pass_processes"] == [
        {
            "pass": p,
            "end": f"2026-12-02T10:0{p}:00+00:00",
            "commit": "abc",
            "dirty": False,
        }
        for p in (1, 2, 3)
    ]
    assert meta["code_changes"] == []
    assert data["commit_info"]["dirty"] is False
    assert not list(tmp_path.glob(".passes-*"))  # the parts are gone


@pytest.mark.parametrize("write", [True, False])
def test_a_pass_that_fails_stops_the_run_and_writes_nothing(
    tmp_path, monkeypatch, write
):
    # exit 2 in pass 2; or every pass exits 0 without writing its JSON
    calls = _fake_processes(
        monkeypatch, exit_codes={2: 2} if write else {}, write=write
    )
    out = tmp_path / "bench.json"
    assert processes.time_passes(["--passes=3"], 3, out, ROOT) == (2 if write else 1)
    assert len(calls) == (2 if write else 1)
    assert not out.exists()
    assert not list(tmp_path.glob(".passes-*"))


def test_a_file_changed_during_the_run_makes_it_dirty(tmp_path, monkeypatch):
    # each pass loads the code again: what pass 2 and 3 found changed is kept
    _fake_processes(monkeypatch, changes={2: ["kernels/numba.py"], 3: ["a.py"]})
    out = tmp_path / "bench.json"
    assert processes.time_passes(["--passes=3"], 3, out, ROOT) == 0
    data = json.loads(out.read_text())
    assert data["loopbench"]["code_changes"] == ["kernels/numba.py", "a.py"]
    assert data["commit_info"]["dirty"] is True
    dirty = [p["dirty"] for p in data["loopbench"]["pass_processes"]]
    assert dirty == [False, True, True]


def test_a_commit_made_during_the_run_is_said(tmp_path):
    documents = []
    for pass_no, commit in ((1, "abc"), (2, "def")):
        documents.append(
            {
                "commit_info": {"id": commit, "dirty": False},
                "datetime": f"2026-12-02T10:0{pass_no}:00+00:00",
                "loopbench": {"pass_only": pass_no, "code_changes": []},
                "benchmarks": [_entry(pass_no, PASS_DATA[pass_no])],
            }
        )
    combined = processes.combine(documents)
    assert combined["commit_info"] == {"id": "abc", "dirty": True}
    assert combined["loopbench"]["code_changes"] == [
        "(the commit changed during the run)"
    ]


def test_ctrl_c_and_a_signal_stop_the_run(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"

    def interrupted(cmd, cwd):
        raise KeyboardInterrupt

    monkeypatch.setattr(processes.subprocess, "call", interrupted)
    assert processes.time_passes(["--passes=2"], 2, out, ROOT) == 130
    monkeypatch.setattr(processes.subprocess, "call", lambda cmd, cwd: -9)
    assert processes.time_passes(["--passes=2"], 2, out, ROOT) == 137
    assert not out.exists()
    assert not list(tmp_path.glob(".passes-*"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--preset=quick"], 7),
        (["--passes=7", "-q", "--passes=3"], 3),  # pytest takes the last one
        (["--passes=7", "--passes", "2"], 2),
        (["--passes=x"], 7),  # pytest refuses it itself
    ],
)
def test_the_passes_asked_for_are_the_last_ones(args, expected):
    assert processes.passes_asked(args, 7) == expected


def test_one_pass_is_one_plain_process(tmp_path, monkeypatch):
    calls = _fake_processes(monkeypatch)
    out = tmp_path / "bench.json"
    assert processes.time_passes(["--passes=1"], 1, out, ROOT) == 0
    (cmd,) = calls
    assert not any(a.startswith("--pass-only") for a in cmd)
    assert json.loads(out.read_text())["benchmarks"][0]["extra_info"]["pass"] == 1


def _collect(*args):
    return subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "bench", "--collect-only", "-q"),
            *("-p", "no:cacheprovider", "--preset=quick", "--impls=numba", *args),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_pytest_collects_only_the_chosen_pass():
    second = _collect("--passes=3", "--pass-only=2")
    assert second.returncode == 0, second.stdout + second.stderr
    ids = [line for line in second.stdout.splitlines() if "::" in line]
    assert ids
    assert all(i.endswith("-pass2]") for i in ids)  # no first calls: pass 1's
    assert any("test_reference[" in i for i in ids)
    first = _collect("--passes=3", "--pass-only=1").stdout
    assert "test_first_call[" in first
    assert "-pass1]" in first
    assert "-pass2]" not in first


def test_a_pass_beyond_the_passes_is_refused():
    done = _collect("--passes=2", "--pass-only=3")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--pass-only 3 is beyond the run's --passes 2" in done.stderr


def test_a_real_run_of_two_passes_merges_their_rounds(tmp_path):
    # two real pytest processes of one small case each
    out = tmp_path / "bench.json"
    args = [
        *("--sizes=10x1", "--impls=numpy", "--passes=2", "--benchmark-only"),
        *("--benchmark-max-time=0.02", "-k", "test_step", "-p", "no:cacheprovider"),
        "-q",
    ]
    assert processes.time_passes(args, 2, out, ROOT) == 0
    data = json.loads(out.read_text())
    (entry,) = data["benchmarks"]
    assert entry["extra_info"]["passes"] == 2
    medians = entry["loopbench"]["pass_medians"]
    assert len(medians) == 2
    assert all(r > 1 for r in entry["loopbench"]["pass_rounds"])  # raw rounds kept
    assert all(m > 0 for m in medians)
    assert sum(entry["loopbench"]["pass_rounds"]) == entry["stats"]["rounds"]
    ends = [p["end"] for p in data["loopbench"]["pass_processes"]]
    assert ends[0] < ends[1] == data["datetime"]
