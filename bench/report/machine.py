"""What a run was measured on, as table rows, read from its pytest-benchmark JSON.

``machine_info`` (pytest-benchmark's, with loopbench's own record under
``machine_info.loopbench``, see ``bench/environment.py``), ``commit_info`` and the
run's date become ``(label, value)`` rows. Nothing comes from the machine that runs
the report; a field the JSON lacks reads "unknown".
"""

from datetime import datetime

from bench.report.common import UNKNOWN
from bench.report.formatting import fmt_sig


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
