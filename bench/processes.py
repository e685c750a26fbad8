"""Each pass of a run in a pytest process of its own, and one JSON of them all.

A rerun of the grid is a new process, and a process has a speed of its own: where
the loader put the libraries, which pages the allocator got, how PyTorch's and
JAX's thread pools came up. Measured on the developer's Xeon (docs/timing.md, "Two
harnesses"), fresh processes timing the same JAX step settled up to a tenth apart,
each steady for its whole life. Passes that share one process share its draw, so
their spread, and the interval made from it (``bench/report/stats.py``),
leaves that out, and a second run flags what is only the next process's draw.

So ``python -m bench run`` times pass ``p`` of the grid in process ``p``
(``pytest --passes N --pass-only p``), one after the other: the passes are still
minutes apart, and now processes apart too. Each process keeps its pass's raw
rounds (``bench/conftest.py``); ``time_passes`` puts the passes' entries together
with ``bench.passes.merge_passes``, as if one process had timed them all, and
writes one pytest-benchmark JSON:

- ``machine_info``, ``commit_info`` and the ``loopbench`` settings are pass 1's,
  except that the run is dirty, and ``code_changes`` every path, where any pass
  found code changed (each pass loads the code again);
- ``datetime`` is the last pass's: the end of the run, as pytest-benchmark dates a
  run it times in one process;
- ``loopbench.pass_processes`` lists each pass's process: when it ended, its
  commit and dirty flag.

The first-call timings (``bench/test_compile.py``), which start processes of
their own anyway, run in pass 1's process only.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.files import write_atomic
from bench.passes import merge_passes

PASS_OPTION = "--pass-only"
PROCESSES = "one pytest process per pass, one after the other"
INTERRUPTED = 130  # Ctrl-C, as a shell reports it


def passes_asked(pytest_args, default):
    """The passes ``pytest_args`` ask for: its last ``--passes N`` or
    ``--passes=N`` (pytest takes the last one), else ``default``."""
    passes = default
    for i, arg in enumerate(pytest_args):
        if arg.startswith("--passes="):
            passes = arg.split("=", 1)[1]
        elif arg == "--passes" and i + 1 < len(pytest_args):
            passes = pytest_args[i + 1]
    try:
        return int(passes)
    except ValueError:
        return default  # pytest refuses it, with its own message


def _command(root, pytest_args, pass_no, json_path):
    cmd = [sys.executable, "-m", "pytest", str(Path(root) / "bench"), *pytest_args]
    if pass_no is not None:
        cmd.append(f"{PASS_OPTION}={pass_no}")
    return [*cmd, f"--benchmark-json={json_path}"]


def combine(documents):
    """One pytest-benchmark document of the passes' ``documents`` (pass order),
    each with its pass's raw rounds: one entry per case (``merge_passes``).

    Each pass loads the code afresh, so a file changed during the run is timed
    by the passes after it: the combined ``code_changes`` is every path any pass
    found changed, ``commit_info`` is dirty where any pass's was, and each pass's
    commit is kept in ``pass_processes``.
    """
    first = documents[0]
    combined = dict(first)
    combined["datetime"] = documents[-1].get("datetime")
    combined["benchmarks"] = merge_passes(
        [bench for doc in documents for bench in doc["benchmarks"]]
    )
    meta = {k: v for k, v in (first.get("loopbench") or {}).items() if k != "pass_only"}
    meta["processes"] = PROCESSES
    meta["pass_processes"] = []
    changes = []
    for doc in documents:
        own, commit = doc.get("loopbench") or {}, doc.get("commit_info") or {}
        meta["pass_processes"].append(
            {
                "pass": own.get("pass_only"),
                "end": doc.get("datetime"),
                "commit": commit.get("id"),
                "dirty": commit.get("dirty"),
            }
        )
        changes += [c for c in own.get("code_changes") or [] if c not in changes]
    if isinstance(meta.get("code_changes"), list):
        meta["code_changes"] = changes
    commits = {p["commit"] for p in meta["pass_processes"]}
    if len(commits) > 1 or any(p["dirty"] for p in meta["pass_processes"]):
        combined["commit_info"] = {**(first.get("commit_info") or {}), "dirty": True}
    if len(commits) > 1:
        meta["code_changes"] = [*changes, "(the commit changed during the run)"]
    combined["loopbench"] = meta
    return combined


def time_passes(pytest_args, passes, json_path, root):
    """Time the grid ``pytest_args`` selects, ``passes`` passes, each pass in a
    pytest process of its own, and write one JSON of them at ``json_path``.

    Parameters
    ----------
    pytest_args : sequence of str
        The run's pytest arguments (grid, ``--passes``, time per pass, ``-k``),
        without ``--benchmark-json``.
    passes : int
        How many passes ``--passes`` asks for; 1: one process, as a plain
        ``pytest --benchmark-only``.
    json_path : path
        Where the combined JSON goes; written only when every pass completed.
    root : path
        The project's root (pytest runs there, on ``bench/``).

    Returns
    -------
    int
        0, or the exit code of the first pass whose process failed (1 where it
        exited cleanly without writing its JSON, 128 + N where signal N killed
        it, ``INTERRUPTED`` after Ctrl-C); nothing is written then.
    """
    json_path = Path(json_path)
    with tempfile.TemporaryDirectory(dir=json_path.parent, prefix=".passes-") as tmp:
        documents = []
        for pass_no in range(1, passes + 1) if passes > 1 else [None]:
            part = Path(tmp) / f"pass{pass_no or 1}.json"
            if passes > 1:
                print(f"== pass {pass_no} of {passes}, in a process of its own")
            try:
                code = subprocess.call(
                    _command(root, pytest_args, pass_no, part), cwd=root
                )
            except KeyboardInterrupt:  # the pass's pytest was stopped too
                print(f"interrupted in pass {pass_no or 1}")
                return INTERRUPTED
            if code < 0:  # killed by a signal: the shell's 128 + its number
                return 128 - code
            if code != 0 or not part.exists():
                return code or 1
            documents.append(json.loads(part.read_text("utf-8")))
        combined = combine(documents) if passes > 1 else documents[0]
        write_atomic(json_path, json.dumps(combined, indent=4))
    return 0
