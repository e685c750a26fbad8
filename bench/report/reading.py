"""Finding and reading the JSON files: parse one with errors that name it, tell
pytest-benchmark output from anything else (pyperf's, say), and find the newest run
under ``results/``.

What the benchmark list inside means is ``bench/report/model.py``'s business.
"""

import json
from pathlib import Path

from bench.report.common import RESULTS, ReportError


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

    Hidden files and folders (a run's temporary ``.bench-*.partial`` file) and JSON
    of other tools (pyperf) are passed over; among equal times, the first path.

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
