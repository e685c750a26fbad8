"""Execute the lesson notebooks in a fresh kernel each and write them, with
outputs, as HTML and as executed notebooks.

    python -m lesson [NAME ...] [--all] [--small] [--out PATH]
                     [--ipynb PATH | --no-ipynb]

``NAME`` is a notebook of ``lesson/`` without ``.md`` (``lesson``, the core, by
default; ``--all`` runs every one in ``NOTEBOOKS``). Each writes
``results/lesson/NAME.html`` (``--out``: that file for one notebook, else a
folder) and ``lesson/NAME.ipynb``, the executed notebook that is committed beside
its Jupytext source, so that it renders with its numbers and plots where the code
is hosted. ``--small`` (the tiny sizes of the test) writes the notebook only where
``--ipynb`` says, never over the committed one by default. The notebook's first
cell says when, at which commit, at which sizes and on which machine it was
executed, and how long it ran.

The kernel is this interpreter's own (``ipykernel``'s built-in ``python3`` spec,
which runs ``sys.executable``), not whatever kernel named ``python3`` a Jupyter
installation elsewhere on the machine provides: the lesson must run with the
packages of the environment that runs this module. It runs in the project's root,
so that the notebook finds ``results/``.
"""

import argparse
import asyncio
import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
import tempfile
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
from lesson.helpers import SMALL_ENV

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The notebooks, core first; each runs on its own
NOTEBOOKS = (
    "lesson",  # the core: the loops, NumPy, numba and numba_simd, <= 2 minutes
    "compile",  # the first call, and the calls that repay it
    "memory",  # the temporaries
    "vector_units",  # from numba to numba_simd
    "threads",  # numba_parallel, and the memory the threads share
    "xla_inductor",  # what JAX's and PyTorch's compilers make of the NumPy step
    "seed",  # the seed notebook's helpers and its two bugs
    "exercises",  # exercises, solutions apart
    "solutions",
)
NOTEBOOK = HERE / "lesson.md"  # the core
DEFAULT_HTML = ROOT / "results" / "lesson" / "lesson.html"
# The executed core, committed beside lesson.md (written at the lesson's sizes)
DEFAULT_IPYNB = NOTEBOOK.with_suffix(".ipynb")
# Seconds any one cell may take; the longest times whole new processes.
CELL_TIMEOUT = 600


def source(name):
    """The Jupytext source of the notebook ``name``."""
    return HERE / f"{name}.md"


def own_kernel(sockets):
    """A kernel manager for ``sys.executable``: no kernel folder is searched, so
    only ipykernel's built-in spec exists. Its sockets are local files (ipc, not
    TCP: nothing listens on the network while it runs) under the folder
    ``sockets``, one folder per kernel, so that kernels started at the same time
    never pick the same file."""
    specs = KernelSpecManager(kernel_dirs=[])
    return AsyncKernelManager(
        kernel_name="python3",
        kernel_spec_manager=specs,
        transport="ipc",
        ip=str(Path(sockets) / "kernel"),
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


def stamp(small=False, now=None, seconds=None):
    """The notebook's first cell: when, at which commit, at which sizes and on which
    machine it is executed, and (``seconds``, once known) how long it ran
    (Markdown)."""
    now = now or datetime.datetime.now(datetime.UTC)
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}" for name in ("numpy", "numba")
    )
    sizes = "the tiny sizes of the test run" if small else "the lesson's sizes"
    took = (
        "It is being executed."
        if seconds is None
        else f"It ran in **{seconds:.0f} s**, from the kernel's start to the last cell."
    )
    return (
        f"> **Executed** by `python -m lesson` on {now:%Y-%m-%d %H:%M} UTC, at commit"
        f" `{commit()}`, at {sizes}, on {cpu_name()} ({os.cpu_count()} logical"
        f" CPUs), Python {platform.python_version()}, {versions}. {took} Every"
        " number and plot below was measured then, on that machine, unless it is"
        " named as the committed reference run's. `make lesson` executes it on"
        " yours."
    )


def _client(small, notebook, timeout, sockets):
    """``(notebook node, its client, the stamp's time)``, ready to execute."""
    nb = jupytext.read(notebook)
    now = datetime.datetime.now(datetime.UTC)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(stamp(small, now)))
    for i, cell in enumerate(nb.cells):  # the same ids at every run: small diffs
        cell.id = f"cell-{i:03d}"
    client = NotebookClient(
        nb,
        km=own_kernel(sockets),
        timeout=timeout,
        record_timing=False,  # no clock readings in the cells' metadata
        resources={"metadata": {"path": str(ROOT)}},
    )
    return nb, client, now


async def execute_async(small=False, notebook=NOTEBOOK, timeout=CELL_TIMEOUT):
    """``execute``, as a coroutine: several notebooks can run at once, each in
    its own kernel."""
    with tempfile.TemporaryDirectory(prefix="lesson-kernel-") as sockets:
        nb, client, now = _client(small, notebook, timeout, sockets)
        env = {**os.environ, SMALL_ENV: "1" if small else "0"}
        start = time.perf_counter()
        # a kernel manager passed in is not the client's to shut down unless told
        await client.async_execute(env=env, cleanup_kc=True)
        seconds = time.perf_counter() - start
    nb.cells[0].source = stamp(small, now, seconds)
    nb.metadata["loopbench"] = {"seconds": round(seconds, 1), "small": small}
    return nb


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
        Its first cell is the stamp, with the run's time in seconds; the same
        number is in ``nb.metadata.loopbench.seconds``.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        A cell raised; the message holds the cell and its traceback.
    """
    return asyncio.run(execute_async(small, notebook, timeout))


def execute_all(runs, timeout=CELL_TIMEOUT):
    """Execute several notebooks at once, each in its own kernel.

    Parameters
    ----------
    runs : dict
        ``{name: small}``: the notebooks of ``NOTEBOOKS`` to run, and at which
        sizes.

    Returns
    -------
    dict
        ``{name: executed notebook, or the exception its execution raised}``.
    """

    async def gather():
        jobs = [
            execute_async(small, source(name), timeout) for name, small in runs.items()
        ]
        return await asyncio.gather(*jobs, return_exceptions=True)

    return dict(zip(runs, asyncio.run(gather()), strict=True))


def to_html(nb):
    """The executed notebook as one HTML page (images embedded)."""
    from nbconvert import HTMLExporter  # only `make lesson` needs nbconvert

    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def notebook_path(small, ipynb=None, no_ipynb=False, name="lesson"):
    """Where ``python -m lesson`` writes the executed notebook ``name``, or None.

    ``ipynb`` when given; otherwise ``lesson/NAME.ipynb`` at the lesson's sizes,
    and nothing with ``small`` (a test run never replaces the committed notebook)
    or ``no_ipynb``.
    """
    if ipynb is not None:
        return Path(ipynb)
    return None if small or no_ipynb else source(name).with_suffix(".ipynb")


def html_path(name, out, several):
    """Where the HTML page of ``name`` goes: ``out`` itself for one notebook whose
    ``out`` ends in ``.html``, else ``out/NAME.html``."""
    if out is None:
        return DEFAULT_HTML.parent / f"{name}.html"
    if not several and out.suffix == ".html":
        return out
    return out / f"{name}.html"


def write_atomic(path, text):
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lesson", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"notebooks to run, of {', '.join(NOTEBOOKS)} (default: lesson)",
    )
    parser.add_argument("--all", action="store_true", help="run every notebook")
    parser.add_argument(
        "--small", action="store_true", help="tiny sizes: seconds, not minutes"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="HTML file (one notebook) or folder (default: results/lesson/)",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--ipynb",
        type=Path,
        default=None,
        help="executed notebook, one NAME only (default: lesson/NAME.ipynb at the"
        " lesson's sizes, none with --small)",
    )
    where.add_argument(
        "--no-ipynb", action="store_true", help="write the HTML pages only"
    )
    args = parser.parse_args(argv)
    names = list(NOTEBOOKS) if args.all else args.names or ["lesson"]
    unknown = [name for name in names if name not in NOTEBOOKS]
    if unknown:
        parser.error(f"no such notebook: {', '.join(unknown)}")
    if args.ipynb is not None and len(names) > 1:
        parser.error("--ipynb names one notebook's file: give one NAME")
    for name in names:
        ipynb = notebook_path(args.small, args.ipynb, args.no_ipynb, name)
        print(f"executing {source(name).relative_to(ROOT)} ...", flush=True)
        nb = execute(small=args.small, notebook=source(name))
        outputs = [(html_path(name, args.out, len(names) > 1), to_html(nb))]
        if ipynb is not None:
            nb.metadata.pop("jupytext", None)  # a notebook of its own, not a pairing
            outputs.append((ipynb, nbformat.writes(nb) + "\n"))
        for path, text in outputs:
            write_atomic(path, text)
        seconds = nb.metadata["loopbench"]["seconds"]
        print(f"wrote {', '.join(str(path) for path, _ in outputs)} ({seconds:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
