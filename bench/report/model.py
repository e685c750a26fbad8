"""Read: one pytest-benchmark JSON -> a checked ``Run``, the only reader of the
benchmark's JSON; reading files, telling pytest-benchmark's from others, the
newest run; what the run was measured on.

model
-----
The run model: a pytest-benchmark JSON, read and checked, as a ``Run``.

This is the only module that knows the layout of the benchmark list (which
``extra_info`` keys make a step, a reference or a compile timing, where the median
is); ``bench/report/model.py`` reads the machine description. Everything above
works on ``Run``, ``Timing`` and ``CompileTiming`` and never sees the JSON.

To carry more of each case's statistics, add a field to ``Timing`` and fill it in
``_step_timing``; ``samples`` (the per-pass medians ``bench/passes.py`` keeps, for
the intervals of ``bench/report/stats.py``) is one.
"""

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.passes import INTERFERENCE
from bench.report.common import (
    KNOWN_DTYPES,
    KNOWN_REFERENCES,
    PASS_ROWS,
    RESULTS,
    UNKNOWN,
    ReportError,
    fmt_sig,
)
from kernels import DECLARED

# The extra_info keys bench/test_step.py, test_reference.py and test_gpu.py record.
STEP_KEYS = frozenset({"impl", "n_samples", "n_features", "dtype"})
# Every implementation the suite declares, in the order of the tables, whether or
# not it can run on the machine that makes the report.
DISPLAY_ORDER = tuple(impl.name for impl in DECLARED)


@dataclass(frozen=True)
class Timing:
    """The median time of one benchmark case.

    Attributes
    ----------
    impl : str
        Implementation (a name of ``kernels.DECLARED``, or one the suite no
        longer or not yet declares) or reference row.
    reference : bool
        True for the reference rows (``common.KNOWN_REFERENCES``: scikit-learn,
        ``X.sum()``, the streams, the GPU rows).
    n, d : int
        ``X`` has shape ``(n, d)``.
    dtype : str
    itemsize : int
        Bytes per element of ``X``.
    median : float
        Seconds per call: the median of ``samples`` when the run kept them (a pass
        the machine slowed down times fewer rounds, so the median of all rounds
        would give it less weight than a quiet one), else pytest-benchmark's
        median of all rounds.
    alloc_bytes : int or None
        Peak bytes one call allocated (``bench/allocations.py``); None in runs
        that did not record it.
    alloc_visible : bool
        False where tracemalloc cannot see the implementation's allocations (a
        library with its own allocator): ``alloc_bytes`` then misleads. True when
        the run does not say (``extra_info["alloc_visible"]``).
    samples : tuple of float or None
        The case's per-pass medians (seconds), None when the run kept none.
    per_pass : dict
        The other per-pass series the run kept with ``samples``, by their key in
        the JSON (``bench.passes.INTERFERENCE``: the machine's steal time,
        the process's system time, its involuntary context switches while the
        case was timed, ``bench/interference.py``); a series that does not match
        the passes is left out. The lab reads them (``lab/disturbed.py``).
    """

    impl: str
    reference: bool
    n: int
    d: int
    dtype: str
    itemsize: int
    median: float
    alloc_bytes: int | None = None
    samples: tuple | None = None
    alloc_visible: bool = True
    per_pass: dict = field(default_factory=dict, hash=False)

    @property
    def elements(self):
        """n * d, the number of elements of ``X``."""
        return self.n * self.d

    @property
    def gb_per_s(self):
        """The rate at which the call reads ``X``: bytes of ``X`` / time, in GB/s."""
        return self.elements * self.itemsize / self.median / 1e9


@dataclass(frozen=True)
class CompileTiming:
    """Median time of a new process (``bench/test_compile.py``, benchmark group
    "first call in a new process", "numba first call in a new process" in older
    runs: both are read, by their ``extra_info``).

    ``mode``: ``import`` (start, import, make data; no call), ``cold`` (plus one
    call that compiles or builds from scratch) or ``cached`` (plus one call that
    loads the compiled code from the implementation's on-disk cache).
    """

    impl: str
    mode: str
    median: float


@dataclass
class Run:
    """One pytest-benchmark JSON, read and checked.

    Attributes
    ----------
    source : str
        The JSON's file name (no folder, so that the tables do not depend on where
        the file lies).
    timings : dict
        ``(impl, dtype, n, d) -> Timing``.
    compile_timings : list of CompileTiming
    environment : list of (str, str)
        What the run was measured on, label and value, from the JSON.
    preset, date : str
    ended : datetime.datetime or None
        When the run ended (the JSON's ``datetime``); None when unreadable.
    caches : tuple of dict
        The CPU's data caches as the run recorded them
        (``bench.environment.cpu_caches``); empty for older runs.
    retimed : tuple of dict
        The cases re-timed after the run because one pass had set their interval
        (``bench/retime.py``): impl, dtype, n, d, pass, off_by, round.
    impls, references, dtypes : tuple of str
        In display order: ``kernels.DECLARED`` order, then unknown names
        alphabetically; references in ``common.KNOWN_REFERENCES`` order;
        ``float64`` first. ``references`` leaves out ``common.PASS_ROWS``
        (``numba_simd``'s passes timed apart): they are in ``pass_rows``.
    """

    source: str
    timings: dict
    compile_timings: list
    environment: list
    preset: str
    date: str
    caches: tuple = ()
    retimed: tuple = ()
    ended: object = None
    impls: tuple = field(init=False)
    references: tuple = field(init=False)
    pass_rows: tuple = field(init=False)
    dtypes: tuple = field(init=False)

    def __post_init__(self):
        names = {t.impl for t in self.timings.values() if not t.reference}
        refs = {t.impl for t in self.timings.values() if t.reference}
        self.impls = ordered(names, DISPLAY_ORDER)
        self.references = ordered(refs - set(PASS_ROWS), KNOWN_REFERENCES)
        self.pass_rows = tuple(r for r in PASS_ROWS if r in refs)
        self.dtypes = ordered({t.dtype for t in self.timings.values()}, KNOWN_DTYPES)

    def get(self, impl, dtype, n, d):
        """The Timing of one case, or None when it was not measured."""
        return self.timings.get((impl, dtype, n, d))

    def median(self, impl, dtype, n, d):
        """Median seconds of one case, or None."""
        timing = self.get(impl, dtype, n, d)
        return None if timing is None else timing.median

    def sizes(self, dtype):
        """The (n, d) groups measured in ``dtype``, smallest n first, then d."""
        return sorted({(n, d) for (_, dt, n, d) in self.timings if dt == dtype})

    def points(self, impl, dtype):
        """The Timings of one implementation in ``dtype``, by increasing n * d."""
        found = [t for t in self.timings.values() if (t.impl, t.dtype) == (impl, dtype)]
        return sorted(found, key=lambda t: (t.elements, t.n))


def ordered(names, known):
    """``names`` in the order of ``known``, unknown names after it, alphabetically."""
    names = set(names)
    return tuple([k for k in known if k in names] + sorted(names - set(known)))


# ---------------------------------------------------------------------- reading


def _median_of(bench, path):
    name = bench.get("name", "?")
    stats = bench.get("stats")
    median = stats.get("median") if isinstance(stats, dict) else None
    if (
        isinstance(median, bool)
        or not isinstance(median, int | float)
        or not math.isfinite(median)
        or median <= 0
    ):
        raise ReportError(
            f"{path}: benchmark {name!r} has no valid stats.median (got {median!r})"
        )
    return float(median)


def _all_finite(values, floor, zero_ok=False):
    """Every value a finite number (not a bool) above ``floor`` (or equal to it,
    with ``zero_ok``)."""
    return all(
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and math.isfinite(v)
        and (v >= floor if zero_ok else v > floor)
        for v in values
    )


def _samples_of(bench, name, path):
    kept = bench.get("loopbench")
    if not isinstance(kept, dict) or "pass_medians" not in kept:
        return None
    values = kept["pass_medians"]
    if not isinstance(values, list) or not values or not _all_finite(values, 0.0):
        raise ReportError(
            f"{path}: benchmark {name!r}: loopbench.pass_medians must be a list of"
            f" positive numbers (got {str(values)[:60]})"
        )
    return tuple(float(v) for v in values)


def _per_pass(bench, samples):
    """``{key: per-pass values}`` of the series kept with ``samples`` (the keys of
    ``bench.passes.INTERFERENCE``); a series is left out where the run did not keep
    it (older runs, a machine without ``/proc/stat`` or ``resource``) or where it
    does not match the passes."""
    kept = bench.get("loopbench")
    out = {}
    for key in INTERFERENCE.values():
        values = kept.get(key) if isinstance(kept, dict) else None
        if (
            samples is not None
            and isinstance(values, list)
            and len(values) == len(samples)
            and _all_finite(values, 0.0, zero_ok=True)
        ):
            out[key] = tuple(float(v) for v in values)
    return out


def _step_timing(extra, median, name, path, samples=None, per_pass=None):
    try:
        n, d = int(extra["n_samples"]), int(extra["n_features"])
        dtype = str(extra["dtype"])
        itemsize = int(extra.get("itemsize") or np.dtype(dtype).itemsize)
        alloc = extra.get("alloc_bytes")
        alloc = None if alloc is None else int(alloc)
        visible = extra.get("alloc_visible", True)
        if not isinstance(visible, bool):
            raise ValueError(f"alloc_visible must be true or false, got {visible!r}")
    except (TypeError, ValueError) as exc:
        raise ReportError(
            f"{path}: benchmark {name!r}: bad extra_info ({exc})"
        ) from None
    if n <= 0 or d <= 0 or itemsize <= 0 or (alloc is not None and alloc < 0):
        raise ReportError(
            f"{path}: benchmark {name!r}: sizes must be positive, got n={n} d={d}"
            f" itemsize={itemsize} alloc_bytes={alloc}"
        )
    reference = bool(extra.get("reference", False))
    if samples is not None:
        median = float(np.median(samples))
    return Timing(
        str(extra["impl"]),
        reference,
        n,
        d,
        dtype,
        itemsize,
        median,
        alloc_bytes=alloc,
        samples=samples,
        alloc_visible=visible,
        per_pass=per_pass or {},
    )


def parse_benchmarks(benchmarks, path):
    """The step/reference timings and the compile timings of a benchmark list.

    Entries that are neither (other benchmark files) are ignored.

    Returns
    -------
    timings : dict
        ``(impl, dtype, n, d) -> Timing``.
    compile_timings : list of CompileTiming

    Raises
    ------
    ReportError
        An entry is malformed, a case appears twice, or there is no step benchmark.
    """
    timings, compile_timings = {}, []
    for i, bench in enumerate(benchmarks):
        if not isinstance(bench, dict):
            raise ReportError(f"{path}: benchmark #{i} is not an object")
        extra = bench.get("extra_info")
        extra = extra if isinstance(extra, dict) else {}
        name = bench.get("name", f"#{i}")
        if "mode" in extra and "impl" in extra and "dtype" not in extra:
            compile_timings.append(
                CompileTiming(
                    str(extra["impl"]), str(extra["mode"]), _median_of(bench, path)
                )
            )
        elif extra.keys() >= STEP_KEYS:
            samples = _samples_of(bench, name, path)
            timing = _step_timing(
                extra,
                _median_of(bench, path),
                name,
                path,
                samples,
                _per_pass(bench, samples),
            )
            key = (timing.impl, timing.dtype, timing.n, timing.d)
            if key in timings:
                raise ReportError(
                    f"{path}: two benchmarks of {timing.impl} at n={timing.n}"
                    f" d={timing.d} {timing.dtype}"
                )
            timings[key] = timing
    if not any(not t.reference for t in timings.values()):
        raise ReportError(
            f"{path}: no step benchmarks among its {len(benchmarks)} benchmarks"
            " (expected extra_info with impl, n_samples, n_features and dtype, as"
            " bench/test_step.py records them)"
        )
    return timings, compile_timings


def _only(values):
    values = {str(v) for v in values if v is not None}
    return values.pop() if len(values) == 1 else None


def parse_run(data, path):
    """Check parsed pytest-benchmark JSON and turn it into a Run.

    Raises
    ------
    ReportError
        Not pytest-benchmark output, malformed entries, or no step benchmarks.
    """
    check_pytest_benchmark(data, path)
    timings, compile_timings = parse_benchmarks(data["benchmarks"], path)
    meta = data.get("loopbench")
    preset = meta.get("preset") if isinstance(meta, dict) else None
    if preset is None:
        preset = _only(
            b.get("extra_info", {}).get("preset")
            for b in data["benchmarks"]
            if isinstance(b, dict) and isinstance(b.get("extra_info"), dict)
        )
    return Run(
        source=Path(path).name,
        timings=timings,
        compile_timings=compile_timings,
        environment=describe_environment(data),
        preset=or_unknown(preset),
        date=run_date(data),
        caches=_caches(data),
        retimed=tuple(meta.get("retimed") or ()) if isinstance(meta, dict) else (),
        ended=run_datetime(data),
    )


def _caches(data):
    machine = data.get("machine_info")
    env = machine.get("loopbench") if isinstance(machine, dict) else None
    caches = env.get("caches") if isinstance(env, dict) else None
    if not isinstance(caches, list):
        return ()
    return tuple(
        c
        for c in caches
        if isinstance(c, dict)
        and isinstance(c.get("level"), int)
        and isinstance(c.get("bytes"), int)
    )


def load_run(path):
    """Read and check one pytest-benchmark JSON file; see ``parse_run``."""
    return parse_run(read_json(path), Path(path))


# ============================================================================
# reading files
# Finding and reading the JSON files: parse one with errors that name it, tell
# pytest-benchmark output from anything else (pyperf's, say), and find the newest run
# under ``results/``.
#
# What the benchmark list inside means is ``bench/report/model.py``'s business.


def read_json(path):
    """Parse one JSON file, with errors that name the file.

    Raises
    ------
    ReportError
        The file is missing, a folder, empty, unreadable or not valid JSON.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ReportError(f"{path}: is a folder, not a JSON file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    if not text.strip():
        raise ReportError(f"{path}: file is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}: not valid JSON (truncated?): {exc.msg} at line {exc.lineno}"
            f" column {exc.colno}"
        ) from None


def is_pytest_benchmark(data):
    """Whether parsed JSON has the shape of pytest-benchmark output."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("machine_info"), dict)
        and isinstance(data.get("benchmarks"), list)
    )


def _json_kind(value):
    kinds = {dict: "an object", list: "an array", str: "a string"}
    return kinds.get(type(value), "a number, boolean or null")


def check_pytest_benchmark(data, path):
    """Raise a ReportError unless ``data`` is pytest-benchmark output."""
    if not isinstance(data, dict):
        raise ReportError(
            f"{path}: not pytest-benchmark output (the top level is"
            f" {_json_kind(data)}, expected an object)"
        )
    if is_pytest_benchmark(data):
        return
    hint = ""
    entries = data.get("benchmarks")
    if isinstance(entries, list) and (
        "metadata" in data or any(isinstance(b, dict) and "runs" in b for b in entries)
    ):
        hint = "; it looks like pyperf output, which goes to --pyperf"
    raise ReportError(
        f"{path}: not pytest-benchmark output (expected 'machine_info' and a"
        f" 'benchmarks' list){hint}"
    )


def find_latest_json(root=RESULTS):
    """The newest pytest-benchmark JSON under ``root``, searched recursively.

    Hidden files and folders (a run's temporary ``.bench-*.partial`` file,
    ``bench.files.partial_path``) and JSON of other tools (pyperf) are passed
    over; among equal times, the first path.

    Raises
    ------
    ReportError
        There is none.
    """
    root = Path(root)
    found = []
    if root.is_dir():
        for path in root.rglob("*.json"):
            hidden = any(p.startswith(".") for p in path.relative_to(root).parts)
            if not hidden and path.is_file():
                found.append((-path.stat().st_mtime_ns, path.as_posix(), path))
    for _, _, path in sorted(found):
        try:
            data = read_json(path)
        except ReportError:
            continue
        if is_pytest_benchmark(data):
            return path
    raise ReportError(
        f"{root}: no pytest-benchmark JSON found; run `python -m bench run` first,"
        " or name one with --input"
    )


# ============================================================================
# what the run was measured on
# What a run was measured on, as table rows, read from its pytest-benchmark JSON.
#
# ``machine_info`` (pytest-benchmark's, with loopbench's own record under
# ``machine_info.loopbench``, see ``bench/environment.py``), ``commit_info`` and the
# run's date become ``(label, value)`` rows. Nothing comes from the machine that runs
# the report; a field the JSON lacks reads "unknown".


def or_unknown(value):
    """``str(value)``, or "unknown" for a missing or empty value."""
    if value is None or value == "" or value == []:
        return UNKNOWN
    return str(value)


def run_datetime(data):
    """When the run ended: the JSON's ``datetime`` (pytest-benchmark takes it as
    it writes the file), a datetime, or None when it cannot be read."""
    try:
        return datetime.fromisoformat(str(data.get("datetime")))
    except ValueError:
        return None


def run_date(data):
    """The run's date from the JSON's ``datetime``, to the second, or "unknown"."""
    when = run_datetime(data)
    if when is None:
        return or_unknown(data.get("datetime"))
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    offset = when.utcoffset()
    if offset is None:
        return text
    return f"{text} UTC" if not offset else f"{text} {when.strftime('%z')}"


def _blas(libs):
    if not isinstance(libs, list) or not libs:
        return UNKNOWN
    out = []
    for lib in libs:
        lib = lib if isinstance(lib, dict) else {}
        threads = lib.get("num_threads")
        unit = "thread" if threads == 1 else "threads"
        out.append(
            f"{or_unknown(lib.get('internal_api'))} {or_unknown(lib.get('version'))}"
            f" ({or_unknown(lib.get('architecture'))}), {or_unknown(threads)} {unit}"
        )
    return "; ".join(dict.fromkeys(out))


def _commit(info, code_changes=None):
    """The commit row. ``code_changes``: the run's own list of uncommitted paths
    outside ``results/`` (``bench.run.uncommitted_changes``), where the JSON has
    it; git's dirty flag otherwise, which also counts regenerated results."""
    if not isinstance(info, dict) or not info.get("id"):
        return UNKNOWN
    text = str(info["id"])[:12]
    details = [f"branch {info['branch']}"] if info.get("branch") else []
    if isinstance(code_changes, list):
        if code_changes:
            shown = ", ".join(map(str, code_changes[:3]))
            more = ", ..." if len(code_changes) > 3 else ""
            details.append(
                f"UNCOMMITTED CHANGES ({shown}{more}): not the code of this commit"
            )
        elif info.get("dirty"):
            details.append("uncommitted changes in results/ only")
    elif info.get("dirty"):
        details.append("UNCOMMITTED CHANGES: not the code of this commit")
    return f"{text} ({', '.join(details)})" if details else text


def recorded_environment(data):
    """loopbench's record of the machine (``machine_info.loopbench``) with the
    run's own state (``loopbench.run_state``: threads held, threading layer,
    allocator) read over it, a dict one level deep at a time; runs made before the
    two were split kept both in ``machine_info``. See ``bench/environment.py``."""
    machine = data.get("machine_info")
    env = machine.get("loopbench") if isinstance(machine, dict) else None
    env = dict(env) if isinstance(env, dict) else {}
    meta = data.get("loopbench")
    state = meta.get("run_state") if isinstance(meta, dict) else None
    for key, value in (state if isinstance(state, dict) else {}).items():
        if isinstance(value, dict) and isinstance(env.get(key), dict):
            value = {**env[key], **value}
        env[key] = value
    return env


def describe_environment(data):
    """What the run was measured on, as (label, value) rows, all from the JSON.

    Fields the JSON lacks (another machine, another pytest-benchmark) read
    "unknown".
    """
    machine = data.get("machine_info")
    machine = machine if isinstance(machine, dict) else {}
    env = recorded_environment(data)
    cpu = machine.get("cpu")
    cpu = cpu if isinstance(cpu, dict) else {}
    cpus = env.get("logical_cpus") or cpu.get("count")
    cpu_name = or_unknown(env.get("cpu") or cpu.get("brand_raw"))
    if cpus:
        cpu_name += f" ({cpus} logical CPUs)"
    python = or_unknown(env.get("python") or machine.get("python_version"))
    if machine.get("python_implementation"):
        python += f" ({machine['python_implementation']})"
    versions = " / ".join(
        or_unknown(env.get(k)) for k in ("numpy", "numba", "llvmlite")
    )
    requested = env.get("blas_threads_setting")
    environ = env.get("environ")
    environ = environ if isinstance(environ, dict) else None
    system = " ".join(str(machine.get(k, "")) for k in ("system", "release"))
    return [
        ("CPU", cpu_name),
        ("System", or_unknown(system.strip())),
        ("Python", python),
        ("NumPy / Numba / llvmlite", versions),
        ("BLAS", _blas(env.get("blas"))),
        ("BLAS threads requested", or_unknown(requested)),
        ("Numba threads", or_unknown(env.get("numba_num_threads"))),
        ("Numba threading layer", or_unknown(env.get("numba_threading_layer"))),
        (
            "Timing environment variables",
            UNKNOWN
            if environ is None
            else ", ".join(f"{k}={v}" for k, v in sorted(environ.items()))
            or "none set",
        ),
        *_allocator(env.get("allocator")),
        *_peers(env.get("peers")),
        *_gpu(env.get("gpu")),
        (
            "Commit",
            _commit(
                data.get("commit_info"),
                (data.get("loopbench") or {}).get("code_changes"),
            ),
        ),
        ("pytest-benchmark", or_unknown(data.get("version"))),
        *_timing_settings(data.get("loopbench")),
    ]


def _allocator(info):
    """The allocator state the run was timed in (``bench/allocator.py``)."""
    if not isinstance(info, dict):
        return []
    text = f"{or_unknown(info.get('libc'))}, {or_unknown(info.get('state'))}"
    if info.get("mmap_threshold"):
        text += (
            f" (mmap threshold {info['mmap_threshold'] // 2**20} MiB, trim threshold"
            f" {info['trim_threshold'] // 2**20} MiB)"
        )
    if info.get("thp"):
        text += f"; transparent huge pages: {info['thp']}"
    return [("Allocator", text)]


def _peers(peers):
    """The peers' versions and threads, and what could not run, for runs that
    recorded them (``bench.environment.peers_description``)."""
    if not isinstance(peers, dict):
        return []
    versions = peers.get("versions") or {}
    threads = peers.get("threads") or {}
    rows = [
        (
            "Peer libraries",
            ", ".join(f"{k} {v}" for k, v in versions.items()) or "none installed",
        ),
        *((f"{name} threads", str(t)) for name, t in threads.items()),
    ]
    if peers.get("cython_flags"):
        rows.append(("Cython build", peers["cython_flags"]))
    missing = peers.get("unavailable") or {}
    rows.append(
        (
            "Not available here",
            "; ".join(f"{k}: {v}" for k, v in missing.items()) or "none",
        )
    )
    return rows


def _gpu(gpu):
    """The GPU row, for runs that had one (``bench.environment.gpu_description``)."""
    if not isinstance(gpu, dict):
        return []
    return [
        (
            "GPU",
            f"{or_unknown(gpu.get('name'))}, compute capability"
            f" {or_unknown(gpu.get('compute_capability'))}, numba-cuda"
            f" {or_unknown(gpu.get('numba_cuda'))}",
        )
    ]


def _timing_settings(settings):
    """How the grid was timed (``bench/conftest.py``), for runs that say so."""
    if not isinstance(settings, dict) or "passes" not in settings:
        return []
    per_pass = settings.get("max_time_per_pass")
    if (
        isinstance(per_pass, int | float)
        and not isinstance(per_pass, bool)
        and per_pass
    ):
        # 0.5 s over 7 passes: 0.0714, not 17 digits; 0.2, not 0.200
        per_pass = fmt_sig(per_pass, 3)
        per_pass = per_pass.rstrip("0").rstrip(".") if "." in per_pass else per_pass
    per_pass = f", {per_pass} s a case each" if per_pass else ""
    gc = settings.get("gc_disabled_while_timing")
    gc = UNKNOWN if gc is None else ("disabled" if gc else "enabled")
    if settings.get("gc_state") and gc == "enabled":
        gc = f"enabled; {settings['gc_state']}"  # bench/collector.py
    return [
        ("Passes over the grid", f"{or_unknown(settings['passes'])}{per_pass}"),
        ("Order of the cases", or_unknown(settings.get("order"))),
        # runs before bench/processes.py timed every pass in one process
        ("Processes", settings.get("processes") or "one for all passes"),
        ("Garbage collector while timing", gc),
        ("CPU affinity", or_unknown(settings.get("cpu_affinity"))),
        ("Warmup calls per case", or_unknown(settings.get("warmup_iterations"))),
    ]
