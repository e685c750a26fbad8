"""Build a Cython module into a cache folder, once per source and flags.

``load(source, flags)`` returns the compiled module of ``source`` (a ``.pyx`` file),
building it first when the cache has no build of that exact source, Cython version,
Python ABI, compiler and flags. The build runs in a child process
(``python -m kernels._cython_build``), so that setuptools' output and warnings stay
out of the caller, and lands in place by an atomic rename: two processes that build
at once both succeed, and nobody loads half a file.

The cache is ``$LOOPBENCH_CYTHON_CACHE`` when set (the first-call timings point it at
an empty folder), else ``kernels/__pycache__/cython`` beside the sources, else, on a
read-only install, ``~/.cache/loopbench/cython``.
"""

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

CACHE_ENV = "LOOPBENCH_CYTHON_CACHE"
_HERE = Path(__file__).resolve().parent


def cache_root():
    """The folder that holds the builds."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    local = _HERE / "__pycache__"
    if os.access(_HERE, os.W_OK) and (not local.exists() or os.access(local, os.W_OK)):
        return local / "cython"
    return Path.home() / ".cache" / "loopbench" / "cython"


def c_compiler():
    """The C compiler Python was built with (what setuptools builds with)."""
    return (sysconfig.get_config_var("CC") or "cc").split()[0]


def build_key(source, flags):
    """A digest of everything the machine code depends on."""
    import Cython

    digest = hashlib.sha256(Path(source).read_bytes())
    for part in (
        Cython.__version__,
        sysconfig.get_config_var("EXT_SUFFIX"),
        c_compiler(),
    ):
        digest.update(str(part).encode())
    digest.update(" ".join(flags).encode())
    return digest.hexdigest()[:20]


def load(source, flags):
    """The compiled module of ``source``, built first if the cache lacks it.

    Parameters
    ----------
    source : path
        A ``.pyx`` file; the module gets its stem as name.
    flags : sequence of str
        Extra C compiler flags.

    Raises
    ------
    RuntimeError
        The build failed (the compiler's output is in the message).
    """
    source = Path(source)
    name = source.stem
    target = cache_root() / build_key(source, flags)
    library = target / f"{name}{sysconfig.get_config_var('EXT_SUFFIX')}"
    if not library.exists():
        _build(source, flags, target)
    spec = importlib.util.spec_from_file_location(f"kernels.{name}", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build(source, flags, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".build-"))
    try:
        cmd = [sys.executable, "-m", "kernels._cython_build", str(source), str(work)]
        done = subprocess.run(
            [*cmd, *flags], capture_output=True, text=True, cwd=_HERE.parent
        )
        if done.returncode != 0:
            output = done.stdout + done.stderr
            raise RuntimeError(f"building {source.name} with Cython failed:\n{output}")
        built = work / "out"
        try:
            os.replace(built, target)  # atomic; fails if another build landed first
        except OSError:
            if not target.exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _main(argv):
    """Child process: cythonize ``source`` and compile it into ``work/out``."""
    source, work, *flags = argv
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    work = Path(work)
    copy = work / Path(source).name
    shutil.copyfile(source, copy)
    ext = Extension(copy.stem, [str(copy)], extra_compile_args=list(flags))
    (ext,) = cythonize([ext], quiet=True, build_dir=str(work / "c"))
    dist = Distribution({"ext_modules": [ext], "script_args": ["-q"]})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(work / "out")
    cmd.build_temp = str(work / "tmp")
    cmd.ensure_finalized()
    cmd.run()


if __name__ == "__main__":
    _main(sys.argv[1:])
