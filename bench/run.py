"""Run the pytest-benchmark suite and keep its JSON only when the run completes.

pytest-benchmark writes its JSON at the end of the session, also after a Ctrl-C or a
failing case, and into the very file it was given. So the run writes to a temporary
file next to the destination and moves it into place (an atomic rename) only when
pytest exits cleanly; otherwise the temporary file is deleted and the previous
results stay as they were.
"""

import os
import subprocess
import sys
from pathlib import Path

from bench.files import partial_path, publish
from bench.grid import (
    DEVICE_IMPLEMENTATIONS,
    cases,
    custom_preset,
    get_preset,
    sizes_option,
)
from bench.processes import passes_asked, time_passes
from bench.report.cli import print_answer, report_after_run
from bench.retime import retime
from kernels import IMPLEMENTATIONS, trait
from kernels._gpu import why_no_gpu

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results"
JSON_NAME = "bench.json"


# The committed reference is made from a committed tree only
REFERENCE_PRESET = "full"
ALLOW_DIRTY_ENV = "LOOPBENCH_ALLOW_DIRTY"


def uncommitted_changes():
    """Paths with uncommitted changes to tracked files, results/ aside (a run
    rewrites it); None where git cannot tell (no git, not a checkout)."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    paths = [line[3:] for line in done.stdout.splitlines()]
    return [p for p in paths if not p.startswith("results/")]


def size_folder(sizes, dtypes=None):
    """``results/size/50000x30-float32`` and the like: a run of chosen sizes gets
    its own folder, never a preset's."""
    label = "_".join(f"{n}x{d}" for n, d in sizes)
    return RESULTS / "size" / f"{label}-{'_'.join(dtypes or ('float64',))}"


def run_pytest_benchmark(
    preset_name=None, out_dir=None, pytest_args=(), sizes=None, dtypes=None, impls=None
):
    """Run ``pytest --benchmark-only`` on ``bench/`` for one preset, or for
    chosen sizes, each pass in a pytest process of its own (``bench/processes.py``).

    Parameters
    ----------
    preset_name : str, optional
        Grid preset; default ``$LOOPBENCH_PRESET`` or ``quick``.
    out_dir : path, optional
        Where ``bench.json`` goes; default ``results/<preset>/``, or
        ``size_folder`` for chosen sizes.
    pytest_args : sequence of str
        Extra pytest arguments.
    sizes : sequence of (int, int), optional
        Time exactly these (n, d), as the full preset times its cases
        (``bench.grid.custom_preset``), instead of a preset's grid; then
        ``dtypes`` (default float64).
    impls : sequence of str, optional
        Only these implementations, of the chosen sizes or of the preset's grid
        (default: all on the CPU); the reference rows stay.

    Returns
    -------
    exit_code : int
        pytest's exit code; after a complete run, the report's (``bench.report``
        writes its tables and plots next to the JSON). 1 at once for a preset that
        needs a GPU where none is usable.
    json_path : Path or None
        The results, or None when the run did not complete.
    """
    if preset_name == REFERENCE_PRESET and not sizes:
        dirty = uncommitted_changes()
        if dirty and os.environ.get(ALLOW_DIRTY_ENV) != "1":
            print(
                f"refusing to make the reference run ({REFERENCE_PRESET!r}) from a"
                f" tree with uncommitted changes ({', '.join(dirty[:5])}"
                f"{', ...' if len(dirty) > 5 else ''}): commit first, or set"
                f" {ALLOW_DIRTY_ENV}=1 (its Run table then says so)"
            )
            return 1, None
    preset = (
        custom_preset(sizes, dtypes, impls) if sizes else get_preset(preset_name, impls)
    )
    no_gpu = why_no_gpu() if preset.needs_gpu else None
    if no_gpu:
        # before minutes of CPU cases whose GPU rows would all be skipped
        print(f"preset {preset.name!r} needs a GPU; none here: {no_gpu}")
        return 1, None
    default = size_folder(sizes, dtypes) if sizes else RESULTS / preset.name
    out_dir = Path(out_dir) if out_dir else default
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / JSON_NAME
    tmp = partial_path(final)
    try:
        if sizes:
            grid = sizes_option(sizes, dtypes, impls)
        else:
            grid = [f"--preset={preset.name}"]
            grid += [f"--impls={','.join(impls)}"] if impls else []
        args = [
            *grid,
            f"--passes={preset.passes}",
            f"--benchmark-max-time={preset.max_time / preset.passes}",
            # a call slower than a pass's time: one round a pass, not five
            "--benchmark-min-rounds=1",
            "--benchmark-columns=median,iqr,min,rounds",
            "--benchmark-sort=name",
            "--benchmark-only",
            "--rootdir",
            str(ROOT),
            # the test suite turns warnings into errors; a timing run reports them
            "-W",
            "default",
            *pytest_args,
        ]
        # `-- --passes N` after the preset's own: the last one is pytest's
        passes = passes_asked(args, preset.passes)
        code = time_passes(args, passes, tmp, ROOT)
        if code != 0:
            print(f"benchmark run did not complete (exit {int(code)}): kept {final}")
            return int(code), None
        publish(tmp, final)
        if passes > 1 and retime(final, args, ROOT):
            print(f"re-timed the cases one pass had set: {final}")
        print(f"wrote {final}")
        code = report_after_run(final, answer=not sizes)
        if sizes:
            print_answer(final)
            for case in cases(preset):
                if case.skip_reason:
                    print(
                        f"  skipped: {case.impl} at {case.n:,} x {case.d:,}"
                        f" {case.dtype}: {case.skip_reason}"
                    )
        return code, final
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run_pyperf(preset_name=None, out_dir=None, fast=False, impls=None, malloc="fixed"):
    """Run ``bench/pyperf_suite.py`` once per implementation.

    Each implementation's JSON goes to ``<out_dir>/<impl>.json`` (default
    ``results/pyperf/``, or ``results/pyperf-default/`` for ``malloc="default"``,
    the allocator state of ``bench/allocator.py``), written to a temporary file
    first and renamed into place when its run completes, so an interrupted run
    never leaves half a file.

    Returns
    -------
    exit_code : int
        0 when every implementation completed, else the first failing exit code.
    """
    preset = get_preset(preset_name)
    impls = impls or preset.implementations()
    missing = [i for i in impls if i not in IMPLEMENTATIONS and not trait(i, "device")]
    if missing:
        print(f"pyperf: not available here, skipped: {', '.join(missing)}")
        impls = [i for i in impls if i not in missing]
    no_gpu = why_no_gpu() if any(i in DEVICE_IMPLEMENTATIONS for i in impls) else None
    if no_gpu:
        print(f"pyperf of {', '.join(impls)} needs a GPU; none here: {no_gpu}")
        return 1
    folder = "pyperf" if malloc == "fixed" else f"pyperf-{malloc}"
    out_dir = Path(out_dir) if out_dir else RESULTS / folder
    out_dir.mkdir(parents=True, exist_ok=True)
    for impl in impls:
        final = out_dir / f"{impl}.json"
        tmp = partial_path(final)
        cmd = [sys.executable, "-m", "bench.pyperf_suite", "--impl", impl]
        cmd += ["--preset", preset.name, "--malloc", malloc, "-o", str(tmp)]
        cmd += ["--fast"] if fast else []
        print(
            f"== pyperf: {impl} ({preset.name}{', fast' if fast else ''})", flush=True
        )
        try:
            code = subprocess.call(cmd, cwd=ROOT)
            if code != 0:
                print(f"pyperf run of {impl} failed (exit {code}): kept {final}")
                return code
            publish(tmp, final)
            print(f"wrote {final}", flush=True)
        finally:
            tmp.unlink(missing_ok=True)
    return 0
