"""A grid timed in several short passes: their order, and one JSON entry per case.

``python -m bench run`` times the whole grid ``Preset.passes`` times, each pass
with a fraction of the case's time, rather than each case once for the whole
time. Rounds of one case taken back to back share whatever else the machine was
doing in those seconds; passes minutes apart do not, so the spread of a case's
per-pass medians includes the slow drift and the neighbours that a single block of
rounds hides. The report's intervals are computed from those medians. Each pass
is a pytest process of its own (``bench/processes.py``), so the spread between
processes is in them too.

pytest-benchmark writes one entry per pass; ``merge_passes`` turns them into one
entry per case whose ``stats`` are pytest-benchmark's own statistics of all its
rounds, with a bounded summary of the passes under ``"loopbench"``:

``pass_medians``
    The median of each pass, in pass order (seconds per call).
``pass_rounds``
    How many rounds each pass timed.
``rounds_sample``
    Per pass, up to ``SAMPLE_PER_PASS`` of its rounds drawn at random (seeded),
    in the order they were timed: what a round looked like, without the millions
    of rounds a full run times.
``pass_steal_s``, ``pass_system_s``, ``pass_nivcsw``
    Per pass, the steal time, the process's system time and its involuntary
    context switches while it was timed (``bench/interference.py``), where the
    entries recorded them.
"""

import numpy as np
from pytest_benchmark.stats import Stats

SAMPLE_PER_PASS = 16
SAMPLE_SEED = 0
# Significant digits kept of each time: far below the timer's resolution.
DIGITS = 6
# extra_info of one pass (bench/interference.py) -> the merged entry's list
INTERFERENCE = {
    "steal_s": "pass_steal_s",
    "system_s": "pass_system_s",
    "nivcsw": "pass_nivcsw",
}


def _rounded(values):
    return [float(f"{v:.{DIGITS}g}") for v in values]


def order_key(case, groups, positions):
    """Sort key of one timed case: pass, then group, then place in the group.

    Parameters
    ----------
    case : bench.grid.Case
    groups : dict
        ``(dtype, n, d) -> index`` of the groups in grid order.
    positions : dict
        ``impl -> index`` in the group (implementations, then reference rows).

    Notes
    -----
    A group's implementations run one after the other, so that a slow spell of the
    machine hits them together; every second pass runs them in reverse order, so
    that none is always the first after the group's data were made.
    """
    pass_no = case.pass_no or 1
    place = positions.get(case.impl, len(positions))
    if pass_no % 2 == 0:
        place = -place
    return (pass_no, groups[(case.dtype, case.n, case.d)], place)


def _case_key(bench):
    extra = bench.get("extra_info") or {}
    test = str(bench.get("fullname", "")).split("[")[0]
    return (test, *(extra.get(k) for k in ("impl", "dtype", "n_samples", "n_features")))


def _strip_pass(text, pass_no):
    return str(text).replace(f"-pass{pass_no}", "")


def merge_passes(benchmarks, sample_per_pass=SAMPLE_PER_PASS, seed=SAMPLE_SEED):
    """One entry per case from pytest-benchmark's entries, one per case and pass.

    Parameters
    ----------
    benchmarks : list of dict
        ``output_json["benchmarks"]``, with each entry's raw rounds in
        ``stats["data"]`` and its pass number in ``extra_info["pass"]`` (entries
        without one, such as the compile timings, are kept as they are).
    sample_per_pass : int
        Rounds kept of each pass.
    seed : int
        Seed of the random choice of rounds.

    Returns
    -------
    list of dict
        One entry per case, in the order pytest-benchmark listed them, without
        raw rounds.
    """
    rng = np.random.default_rng(seed)
    merged, passes = {}, {}
    for bench in benchmarks:
        extra = bench.get("extra_info") or {}
        key = _case_key(bench) if "pass" in extra else id(bench)
        merged.setdefault(key, bench)
        passes.setdefault(key, []).append(bench)
    out = []
    for key, bench in merged.items():
        if "pass" not in (bench.get("extra_info") or {}):
            bench["stats"].pop("data", None)
            out.append(bench)
            continue
        # pass 1's entry is the case's: it alone has the untimed records
        # (alloc_bytes), whatever order pytest-benchmark listed the passes in
        entries = sorted(passes[key], key=lambda b: b["extra_info"]["pass"])
        first = entries[0]
        medians, rounds, sample, pooled = [], [], [], Stats()
        for bench in entries:
            data = bench["stats"].get("data") or [bench["stats"]["median"]]
            medians.append(float(np.median(data)))
            rounds.append(len(data))
            picked = np.sort(
                rng.choice(len(data), min(sample_per_pass, len(data)), replace=False)
            )
            sample.append(_rounded(np.asarray(data)[picked]))
            for value in data:
                pooled.update(value)
        pass_no = first["extra_info"]["pass"]
        entry = dict(first)
        entry["name"] = _strip_pass(first["name"], pass_no)
        entry["fullname"] = _strip_pass(first["fullname"], pass_no)
        entry.pop("params", None)  # the first pass's Case, pass number included
        if "param" in first:
            entry["param"] = _strip_pass(first["param"], pass_no)
        entry["extra_info"] = {
            k: v
            for k, v in first["extra_info"].items()
            if k not in ("pass", *INTERFERENCE)
        }
        entry["extra_info"]["passes"] = len(entries)
        stats = pooled.as_dict()
        stats["iterations"] = first["stats"].get("iterations", 1)
        entry["stats"] = stats
        entry["loopbench"] = {
            "pass_medians": _rounded(medians),
            "pass_rounds": rounds,
            "rounds_sample": sample,
        }
        for key_, name in INTERFERENCE.items():
            values = [b["extra_info"].get(key_) for b in entries]
            if any(v is not None for v in values):
                entry["loopbench"][name] = values
        out.append(entry)
    return out
