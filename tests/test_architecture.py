"""The shape of the code: the benchmark never imports the lab, imports point one
way, and every module stays readable.

What this module proves
-----------------------
- No module of the benchmark (``kernels/``, ``bench/``, ``lesson/``) imports the
  lab (``lab/``), directly or lazily; the lab imports the benchmark. The same
  ``ast`` reading finds such an import in a small package written to disk.
- The import graph of ``bench/`` has no cycle: no module imports, directly or
  through others, a module that imports it back. The graph is read from the
  source with ``ast`` (every ``import`` and ``from ... import``, also those inside
  functions, relative ones resolved), not from ``sys.modules``, so that an import
  done lazily, or one that happens to work because of import order, still counts.
- The check can fail: ``find_cycle`` finds the cycles of small graphs written by
  hand, and ``import_graph`` the cycles of a small package written to disk.
- No module of ``bench/`` or ``lab/`` is longer than ``MAX_LINES``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 750  # a module may hold one whole stage of the report (model.py: 744)


def module_name(path, root):
    """``bench/report/model.py`` -> ``bench.report.model``; a package's
    ``__init__.py`` is the package."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node, name, is_package, modules):
    """The modules of ``modules`` that one import statement of module ``name``
    names."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        # relative: from the module's own package, up one per extra dot
        package = name if is_package else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = ".".join(p for p in (package, node.module) if p)
    else:
        base = node.module
    # `from pkg import sub` imports the submodule pkg.sub when there is one,
    # otherwise a name defined in pkg/__init__.py
    return {
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
        for alias in node.names
    }


def import_graph(root, package):
    """``{module: modules of the package it imports}`` for every module of
    ``root/package``, read from the source."""
    paths = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    graph = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found |= _imported(node, name, path.name == "__init__.py", paths)
        graph[name] = found & paths.keys()
    return graph


def find_cycle(graph):
    """A cycle of ``graph`` (``{node: successors}``) as ``[a, b, ..., a]``, or None.

    Depth-first search; a successor still on the current path closes a cycle.
    Nodes are visited in sorted order, so the answer does not depend on dict order.
    """
    done, path, on_path = set(), [], set()

    def visit(node):
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in done:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


BENCHMARK = ("kernels", "bench", "lesson")
LAB = "lab"


def imports_of(root, package):
    """``{module: every module name it imports}`` for ``root/package``, read from
    the source (not only the package's own modules, as ``import_graph``)."""
    paths = {module_name(p, root): p for p in sorted((root / package).rglob("*.py"))}
    found = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found[name] |= _imported(node, name, path.name == "__init__.py", {})
    return found


def lab_imports(root, packages, lab=LAB):
    """``{module: the lab modules it imports}`` over ``packages``, where any."""
    out = {}
    for package in packages:
        for name, imported in imports_of(root, package).items():
            hits = {m for m in imported if m == lab or m.startswith(lab + ".")}
            if hits:
                out[name] = hits
    return out


def test_the_benchmark_never_imports_the_lab():
    assert lab_imports(ROOT, BENCHMARK) == {}
    # and the lab does import the benchmark (the reading is not empty)
    assert any(
        any(m.startswith("bench.") for m in found)
        for found in imports_of(ROOT, LAB).values()
    )


def test_an_import_of_the_lab_is_found(tmp_path):
    _write_package(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/a.py": "def f():\n    from lab.study import x\n",  # lazy
            "core/b.py": "import lab\n",
            "core/c.py": "from core import a\n",
            "lab/__init__.py": "",
            "lab/study.py": "from core import a\n",
        },
    )
    assert lab_imports(tmp_path, ["core"]) == {
        "core.a": {"lab.study"},
        "core.b": {"lab"},
    }
    assert lab_imports(tmp_path, ["lab"], lab="core") == {"lab.study": {"core"}}


def test_bench_imports_point_one_way():
    graph = import_graph(ROOT, "bench")
    # the graph really is read: the command line sits on top of the report
    assert "bench.report.document" in graph["bench.report.cli"]
    assert "bench.report.model" in graph["bench.report.cli"]
    # common is the report's bottom: it takes names from the grid and the one atomic
    # write, below the report
    assert graph["bench.report.common"] == {"bench.files", "bench.grid"}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_lab_imports_point_one_way():
    graph = import_graph(ROOT, LAB)
    assert "lab.checks" in graph["lab.order_check"]  # the graph really is read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({}, None),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}, None),  # diamond
        ({"a": {"a"}}, ["a", "a"]),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        # a tail into a longer cycle: the cycle only, not the way in
        ({"a": {"b"}, "b": {"c"}, "c": {"d"}, "d": {"b"}}, ["b", "c", "d", "b"]),
        # successors that are not nodes (modules outside the package) end a path
        ({"a": {"numpy"}, "b": {"a"}}, None),
    ],
)
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def _write_package(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_import_graph_finds_the_cycles_of_a_package(tmp_path):
    _write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.top import main\n",
            "pkg/top.py": "import pkg.low.a\n",
            "pkg/low/__init__.py": "",
            "pkg/low/a.py": "from pkg.low import b\nfrom . import c\nimport os\n",
            # lazy and relative, two levels up: still an edge
            "pkg/low/b.py": "def f():\n    from ..top import x\n",
            "pkg/low/c.py": "from pkg import main\n",  # a name from __init__
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph == {
        "pkg": {"pkg.top"},
        "pkg.top": {"pkg.low.a"},
        "pkg.low": set(),
        "pkg.low.a": {"pkg.low.b", "pkg.low.c"},
        "pkg.low.b": {"pkg.top"},
        "pkg.low.c": {"pkg"},
    }
    assert find_cycle(graph) == ["pkg.top", "pkg.low.a", "pkg.low.b", "pkg.top"]
    # without the lazy import, the way back to the package's __init__ is left
    graph["pkg.low.b"] = set()
    assert find_cycle(graph) == ["pkg", "pkg.top", "pkg.low.a", "pkg.low.c", "pkg"]


def test_no_module_of_bench_is_too_long_to_read():
    lengths = {
        p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for package in ("bench", LAB)
        for p in (ROOT / package).rglob("*.py")
    }
    assert {p: n for p, n in lengths.items() if n > MAX_LINES} == {}


def test_no_test_module_imports_another():
    # builders of run JSON live in tests/runs.py (not collected): a test module that
    # imported another would run, or hide, that module's tests as its own
    tests = {p.stem for p in (ROOT / "tests").glob("test_*.py")}
    found = {}
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            hit = [n for n in names if n.split(".")[-1] in tests]
            if hit:
                found.setdefault(path.name, []).extend(hit)
    assert found == {}
