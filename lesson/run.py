"""Execute ``lesson.md`` in a fresh kernel and write it, with outputs, as HTML.

    python -m lesson [--small] [--out results/lesson/lesson.html]

The kernel is this interpreter's own (``ipykernel``'s built-in ``python3`` spec,
which runs ``sys.executable``), not whatever kernel named ``python3`` a Jupyter
installation elsewhere on the machine provides: the lesson must run with the
packages of the environment that runs this module. It runs in the project's root,
so that the notebook finds ``results/``.
"""

import argparse
import os
import sys
import time
from pathlib import Path

# jupyter_core warns (DeprecationWarning) unless told to use platformdirs' folders;
# the test suite turns warnings into errors. Set before any Jupyter import.
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

import jupytext
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from bench.report.files import write_atomic

NOTEBOOK = Path(__file__).resolve().parent / "lesson.md"
ROOT = NOTEBOOK.parents[1]
DEFAULT_HTML = ROOT / "results" / "lesson" / "lesson.html"
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
    env = {**os.environ, SMALL_ENV: "1" if small else "0"}
    client = NotebookClient(
        nb,
        km=own_kernel(),
        timeout=timeout,
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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lesson", description=__doc__)
    parser.add_argument(
        "--small", action="store_true", help="tiny sizes: seconds, not minutes"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_HTML, help="HTML file")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"executing {NOTEBOOK.relative_to(ROOT)} ...", flush=True)
    nb = execute(small=args.small)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out, to_html(nb))
    took = time.perf_counter() - start
    print(f"wrote {args.out} ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
