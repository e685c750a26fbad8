"""Re-time the cases whose interval one pass set, after the run, in rounds.

A pass that a neighbour disturbed makes its cases' intervals its own
(``bench.report.stats.set_by_one_pass``). After a run completes, ``retime``
times those cases again, all their passes, each pass in a pytest process of its own
as the run timed it (``bench/processes.py``), and puts the new entries in the JSON
in place of the old ones; a case that one pass still sets is timed again in a second
round, up to ``ROUNDS`` in all, so that one bad minute in the re-timing does not
stay either. What was re-timed, in which round, and why, is kept under
``loopbench.retimed``, and the report says so. A case still set by one pass after
the last round is left as it is: its interval is then the machine's."""

import json
import tempfile
from pathlib import Path

from bench.files import write_atomic
from bench.processes import time_passes
from bench.report.model import parse_run
from bench.report.stats import set_by_one_pass

MAX_RETIMED = 60  # cases; beyond that the machine was disturbed throughout
ROUNDS = 3  # re-timings of a case that one pass still sets


def _full_key(entry):
    extra = entry.get("extra_info") or {}
    return tuple(extra.get(k) for k in ("impl", "dtype", "n_samples", "n_features"))


def _key(case):
    """A ``OnePass`` case's key, as ``_full_key`` gives an entry's."""
    return (case.impl, case.dtype, case.n, case.d)


def select_expression(names):
    """A pytest ``-k`` expression that selects every pass of the merged cases
    ``names`` (``test_step[numba-n10000-d100]`` -> its ``...-passK`` items)."""
    return " or ".join(f"{name[:-1]}-pass" for name in names)


def _time_again(names, pytest_args, passes, root):
    """``{case key: new entry}`` of the merged cases ``names`` timed again, each
    pass in a pytest process of its own as in the run, or None when that did not
    complete."""
    with tempfile.TemporaryDirectory() as tmp:
        new_json = Path(tmp) / "retimed.json"
        args = [*pytest_args, "-q", "-k", select_expression(names)]
        if time_passes(args, passes, new_json, root) != 0:
            return None
        return {_full_key(b): b for b in json.loads(new_json.read_text())["benchmarks"]}


def retime(json_path, pytest_args, root, rounds=ROUNDS):
    """Re-time the cases of ``json_path`` that one pass set; return how many
    re-timings were made (a case re-timed in two rounds counts twice).

    Parameters
    ----------
    json_path : Path
        A completed run's ``bench.json``; rewritten in place (atomically).
    pytest_args : sequence of str
        The arguments the run was made with (preset or sizes, passes, time).
    root : Path
        The project's root.
    rounds : int
        At most this many re-timings of a case that one pass still sets.
    """
    data = json.loads(Path(json_path).read_text())
    passes = (data.get("loopbench") or {}).get("passes") or 1
    records, came_back = [], None
    for round_no in range(1, rounds + 1):
        found, _ = set_by_one_pass(parse_run(data, json_path))
        if came_back is not None:  # a case the last round did not time stays out
            found = [c for c in found if _key(c) in came_back]
        if not found or len(found) > MAX_RETIMED:
            break
        wanted = set(map(_key, found))
        names = [b["name"] for b in data["benchmarks"] if _full_key(b) in wanted]
        print(
            f"re-timing {len(names)} case(s) whose interval one pass set"
            f" (round {round_no} of at most {rounds})",
            flush=True,
        )
        fresh = _time_again(names, pytest_args, passes, root)
        if fresh is None:
            print("re-timing did not complete: the timings before it are kept")
            break
        data["benchmarks"] = [fresh.get(_full_key(b), b) for b in data["benchmarks"]]
        came_back = set(fresh)
        records += [
            {
                "impl": c.impl,
                "dtype": c.dtype,
                "n": c.n,
                "d": c.d,
                "pass": c.pass_no,
                "off_by": round(c.deviation, 4),
                "round": round_no,
            }
            for c in found
            if _key(c) in fresh
        ]
    if not records:
        return 0
    data.setdefault("loopbench", {})["retimed"] = records
    write_atomic(json_path, json.dumps(data, indent=4))
    return len(records)
