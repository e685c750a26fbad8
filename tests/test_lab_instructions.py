"""Instructions per cache line (``lab/instructions.py``), without valgrind.

What this module proves
-----------------------
- callgrind's dump files are read by their trigger label, the zero-and-dump
  overhead is subtracted, and the counts become instructions per call and per
  64-byte line of ``X``, in a fixed order.
- The table names the CPU the counted code was compiled for and the AVX-512
  features valgrind hid.
- The run's three stages: the probe under valgrind names the CPU; the native
  child compiles for that CPU (``NUMBA_CPU_NAME``, ``NUMBA_CPU_FEATURES``) into
  the cache the callgrind child then reads; a failed stage stops the run.
- Without valgrind the command says so and exits 1, counting nothing.
"""

import json
import subprocess
from pathlib import Path

from lab import instructions
from lab.__main__ import main as lab_main


def _dump(folder, index, label, total):
    (folder / f"callgrind.out.7.{index}").write_text(
        "# callgrind format\nversion: 1\n"
        f"desc: Trigger: dump {label}\n\npositions: line\nevents: Ir\n"
        f"summary: {total}\n\nfn=(1) x\n0 {total}\ntotals: {total}\n"
    )


def test_dumps_become_instructions_per_call_and_per_line(tmp_path):
    calls = instructions.CALLS
    _dump(tmp_path, 1, "overhead:-", 1_000)
    _dump(tmp_path, 2, "forward:float64", 1_000 + calls * 12 * 125_000)
    _dump(tmp_path, 3, "stream_one:float64", 1_000 + calls * 3 * 125_000)
    _dump(tmp_path, 10, "stream_one:float32", 1_000 + calls * 10 * 62_500)
    counts = instructions.read_dumps(tmp_path)
    assert counts[("overhead", "-")] == 1_000
    per_call = instructions.per_call(counts)
    assert list(per_call) == [
        ("stream_one", "float64"),
        ("forward", "float64"),
        ("stream_one", "float32"),
    ]
    assert per_call[("forward", "float64")] == 12 * 125_000
    cpu = {"cpu": "haswell", "features": "+avx2,-avx512f"}
    native = {"cpu": "sapphirerapids", "features": "+avx2,+avx512f"}
    text = instructions.render(counts, 10_000, 100, cpu, native)  # 125,000 lines
    assert "| forward    | float64 |              1.50 |          12.0 |" in text
    assert "| stream_one | float32 |             0.625 |          10.0 |" in text
    assert "`haswell`, without avx512f" in text
    other = {"cpu": "haswell", "features": "+avx2,+sha"}
    assert "without sha" in instructions.render(counts, 10_000, 100, cpu, other)
    same = instructions.render(counts, 10_000, 100, cpu, cpu)
    assert "the same features as outside valgrind" in same


def test_without_valgrind_it_says_so(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(instructions.shutil, "which", lambda tool: None)
    assert lab_main(["instructions", "--out", str(tmp_path)]) == 1
    assert "valgrind is not installed" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_bad_arguments_exit_2(capsys):
    import pytest

    for argv in (["--size", "0x3"], ["--dtype", "float16"]):
        with pytest.raises(SystemExit) as exit_:
            lab_main(["instructions", *argv])
        assert exit_.value.code == 2
    assert "--dtype" in capsys.readouterr().err


def test_the_counted_child_reads_what_the_native_child_compiled_for_its_cpu(
    monkeypatch, tmp_path, capsys
):
    seen = []
    probe = {"cpu": "haswell", "features": "+avx2,-avx512f"}

    def fake_run(cmd, env=None, **kwargs):
        stage = cmd[-1]
        seen.append((cmd, dict(env)))
        if stage == "count":  # callgrind's dumps, where the command names them
            (out,) = [a for a in cmd if a.startswith("--callgrind-out-file=")]
            folder = Path(out.split("=", 1)[1]).parent
            _dump(folder, 1, "overhead:-", 1_000)
            _dump(folder, 2, "stream_one:float64", 1_000 + 3 * 9)
        return subprocess.CompletedProcess(cmd, 0, json.dumps(probe) + "\n", "")

    for name in ("NUMBA_CPU_NAME", "NUMBA_CPU_FEATURES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(instructions.shutil, "which", lambda tool: tool)
    monkeypatch.setattr(instructions.subprocess, "run", fake_run)
    out = tmp_path / "out"
    argv = ["instructions", "--size", "100x10", "--dtype", "float64"]
    assert lab_main([*argv, "--out", str(out)]) == 0
    (probe_cmd, probe_env), (warm_cmd, warm_env), (count_cmd, count_env) = seen
    assert probe_cmd[:2] == ["valgrind", "--tool=none"]
    assert "NUMBA_CPU_NAME" not in probe_env
    assert warm_cmd[0] != "valgrind"  # compiled natively
    assert count_cmd[:2] == ["valgrind", "--tool=callgrind"]
    for env in (warm_env, count_env):  # the same target, the same cache
        assert env["NUMBA_CPU_NAME"] == "haswell"
        assert env["NUMBA_CPU_FEATURES"] == "+avx2,-avx512f"
        assert env["NUMBA_CACHE_DIR"] == probe_env["NUMBA_CACHE_DIR"]
    assert [c[-2:] for c, _ in seen] == [
        ["--stage", "probe"],
        ["--stage", "warm"],
        ["--stage", "count"],
    ]
    text = (out / "instructions.md").read_text()
    assert "| stream_one | float64 |" in text
    assert "`haswell`" in text


def test_a_failed_stage_stops_the_run(monkeypatch, tmp_path, capsys):
    seen = []

    def fake_run(cmd, env=None, **kwargs):
        seen.append(cmd[-1])
        return subprocess.CompletedProcess(cmd, 3, "", "numba: compile failed")

    monkeypatch.setattr(instructions.shutil, "which", lambda tool: tool)
    monkeypatch.setattr(instructions.subprocess, "run", fake_run)
    assert lab_main(["instructions", "--out", str(tmp_path)]) == 3
    assert seen == ["probe"]
    assert "compile failed" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())
