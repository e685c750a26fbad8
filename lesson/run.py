"""Execute ``lesson.md`` in a fresh kernel and write it, with outputs, as HTML and
as an executed notebook.

    python -m lesson [--small] [--out results/lesson/lesson.html]
                     [--ipynb lesson/lesson.ipynb | --no-ipynb]

At the lesson's sizes it writes the HTML page and ``lesson/lesson.ipynb``, the
executed notebook that is committed beside its Jupytext source, so that it renders
with its numbers and plots where the code is hosted. ``--small`` (the tiny sizes of
the test) writes the notebook only where ``--ipynb`` says, never over the committed
one by default. The notebook's first cell says when, at which commit, at which
sizes and on which machine it was executed.

The kernel is this interpreter's own (``ipykernel``'s built-in ``python3`` spec,
which runs ``sys.executable``), not whatever kernel named ``python3`` a Jupyter
installation elsewhere on the machine provides: the lesson must run with the
packages of the environment that runs this module. It runs in the project's root,
so that the notebook finds ``results/``.
"""

import argparse
import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

# jupyter_core warns (DeprecationWarning) unless told to use platformdirs' folders;
# the test suite turns warnings into errors. Set before any Jupyter import.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import jupytext
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from bench.environment import cpu_name
from bench.report.files import write_atomic

NOTEBOOK = Path(__file__).resolve().parent / "lesson.md"
ROOT = NOTEBOOK.parents[1]
DEFAULT_HTML = ROOT / "results" / "lesson" / "lesson.html"
# The executed notebook, committed beside lesson.md (written at the lesson's sizes)
DEFAULT_IPYNB = NOTEBOOK.with_suffix(".ipynb")
# The notebook reads this to choose its sizes: "1" runs it in seconds (the test).
SMALL_ENV = "LOOPBENCH_LESSON_SMALL"
# Seconds any one cell may take; the longest times whole new processes.
CELL_TIMEOUT = 600


def own_kernel():
    """A kernel manager for ``sys.executable``: no kernel folder is searched, so
    only ipykernel's built-in spec exists."""
    specs = KernelSpecManager(kernel_dirs=[])
    # local sockets (ipc), not TCP: nothing listens on the network while it runs
    return AsyncKernelManager(
        kernel_name="python3", kernel_spec_manager=specs, transport="ipc"
    )


def commit(root=ROOT):
    """The checkout's commit, ``2d2c8008323a``, with ``(with uncommitted changes)``
    where tracked files differ from it; ``unknown`` outside a git checkout."""
    try:
        head, status = (
            subprocess.run(
                ["git", "-C", str(root), *args],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for args in (
                ["rev-parse", "--short=12", "HEAD"],
                ["status", "--porcelain", "--untracked-files=no"],
            )
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} (with uncommitted changes)" if status else head


def stamp(small=False, now=None):
    """The notebook's first cell: when, at which commit, at which sizes and on which
    machine it is executed (Markdown)."""
    now = now or datetime.datetime.now(datetime.UTC)
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("numpy", "numba")
    )
    sizes = "the tiny sizes of the test run" if small else "the lesson's sizes"
    return (
        f"> **Executed** by `python -m lesson` on {now:%Y-%m-%d %H:%M} UTC, at commit"
        f" `{commit()}`, at {sizes}, on {cpu_name()} ({os.cpu_count()} logical"
        f" CPUs), Python {platform.python_version()}, {versions}. Every number and"
        " plot below was measured then, on that machine; the setup cell prints the"
        " rest. `make lesson` executes it on yours."
    )


def execute(small=False, notebook=NOTEBOOK, timeout=CELL_TIMEOUT):
    """Run every cell of ``notebook`` in a new kernel; return the executed notebook.

    Parameters
    ----------
    small : bool
        Run at the tiny sizes (``$LOOPBENCH_LESSON_SMALL=1`` in the kernel).
    notebook : path
        A Jupytext Markdown notebook.
    timeout : float
        Seconds a cell may take.

    Returns
    -------
    nbformat.NotebookNode

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        A cell raised; the message holds the cell and its traceback.
    """
    nb = jupytext.read(notebook)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(stamp(small)))
    for i, cell in enumerate(nb.cells):  # the same ids at every run: small diffs
        cell.id = f"cell-{i:03d}"
    env = {**os.environ, SMALL_ENV: "1" if small else "0"}
    client = NotebookClient(
        nb,
        km=own_kernel(),
        timeout=timeout,
        record_timing=False,  # no clock readings in the cells' metadata
        resources={"metadata": {"path": str(ROOT)}},
    )
    # a kernel manager passed in is not the client's to shut down unless told to
    client.execute(env=env, cleanup_kc=True)
    return nb


def to_html(nb):
    """The executed notebook as one HTML page (images embedded)."""
    from nbconvert import HTMLExporter  # only `make lesson` needs nbconvert

    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def notebook_path(small, ipynb=None, no_ipynb=False):
    """Where ``python -m lesson`` writes the executed notebook, or None.

    ``ipynb`` when given; otherwise ``DEFAULT_IPYNB`` at the lesson's sizes, and
    nothing with ``small`` (a test run never replaces the committed notebook) or
    ``no_ipynb``.
    """
    if ipynb is not None:
        return Path(ipynb)
    return None if small or no_ipynb else DEFAULT_IPYNB


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lesson", description=__doc__)
    parser.add_argument(
        "--small", action="store_true", help="tiny sizes: seconds, not minutes"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_HTML, help="HTML file")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--ipynb",
        type=Path,
        default=None,
        help=f"executed notebook (default: {DEFAULT_IPYNB.relative_to(ROOT)} at the"
        " lesson's sizes, none with --small)",
    )
    where.add_argument(
        "--no-ipynb", action="store_true", help="write the HTML page only"
    )
    args = parser.parse_args(argv)
    ipynb = notebook_path(args.small, args.ipynb, args.no_ipynb)
    start = time.perf_counter()
    print(f"executing {NOTEBOOK.relative_to(ROOT)} ...", flush=True)
    nb = execute(small=args.small)
    outputs = [(args.out, to_html(nb))]
    if ipynb is not None:
        nb.metadata.pop("jupytext", None)  # a notebook of its own, not a pairing
        outputs.append((ipynb, nbformat.writes(nb) + "\n"))
    for path, text in outputs:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    took = time.perf_counter() - start
    print(f"wrote {', '.join(str(path) for path, _ in outputs)} ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
