"""The structure keeps its promises: layers, no cycles, types, lint, and no clock below the edge.

The layer contracts live in pyproject.toml ([tool.importlinter]); these tests run the
same tools CI would, so a broken contract, a type error or an import cycle fails the
suite like any other regression.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tomllib
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rules", "scheduler", "calendars", "govcal")
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_the_layer_contracts_hold():
    done = run(tool("lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_module_import_graph_has_no_cycle():
    graph = grimp.build_graph(*PACKAGES)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    try:
        TopologicalSorter(imports).prepare()
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_the_packages_type_check():
    done = run(tool("mypy"))
    assert done.returncode == 0, done.stdout[-4000:]


def test_the_code_is_lint_clean_and_formatted():
    for argv in ((tool("ruff"), "check", "."), (tool("ruff"), "format", "--check", ".")):
        done = run(*argv)
        assert done.returncode == 0, done.stdout[-4000:]


# What each layer below the edge may not do: the clock and the environment are read at the
# edge and passed in; only rules/ reads files (rule files are its input).
CLOCKS = {"datetime", "date", "time", "dt.datetime", "dt.date", "datetime.datetime", "datetime.date"}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter"}
FILE_READS = {"read_text", "read_bytes", "write_text", "write_bytes"}
FORBIDDEN = {
    "rules": {"clock", "environment"},
    "scheduler": {"clock", "environment", "files"},
    "calendars": {"clock", "environment", "files"},
}


def _kind(node: ast.AST) -> str | None:
    """What a node reads: "clock" (dt.datetime.now()), "environment" (os.environ) or "files"."""
    if isinstance(node, ast.Attribute) and ast.unparse(node) in ("os.environ", "os.getenv"):
        return "environment"
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name) and func.id == "open":
        return "files"
    if isinstance(func, ast.Attribute):
        if func.attr in CLOCK_READS and ast.unparse(func.value) in CLOCKS:
            return "clock"
        if func.attr in FILE_READS or (func.attr == "open" and ast.unparse(func.value) != "os"):
            return "files"
    return None


def _reads(path: Path, kinds: set[str]) -> list[str]:
    """Where a module reads the clock, the environment or files, of the `kinds` asked for."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path}:{node.lineno}: {kind}: {ast.unparse(node)[:60]}"
        for node in ast.walk(tree)
        if (kind := _kind(node)) in kinds
    ]


def test_the_scan_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime as dt, os, time\n"
        "a = dt.datetime.now(dt.UTC)\nb = dt.date.today()\nc = time.monotonic()\n"
        "d = os.environ.get('X')\ne = open('f')\nf = path.read_text()\ng = rule.time\n"
    )
    found = [line.split(": ", 2)[1] for line in _reads(sample, {"clock", "environment", "files"})]
    assert sorted(found) == ["clock", "clock", "clock", "environment", "files", "files"]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_clock_environment_or_file_reads_below_the_edge(package):
    modules = [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]
    assert modules
    found = [line for path in modules for line in _reads(path, FORBIDDEN[package])]
    assert found == []


def test_every_file_the_packages_read_is_packaged():
    """`pip install .` (not editable) ships only the package data pyproject names: every
    non-Python file inside a package must match one of its patterns, or an installed
    govcal fails where the working tree does not (the page's style sheet once did)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    missing = []
    for package in PACKAGES:
        folder, patterns = ROOT / package, data.get(package, [])
        for path in folder.rglob("*"):
            if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(folder)
            if not any(relative.match(pattern) for pattern in patterns):
                missing.append(f"{package}/{relative}")
    assert missing == [], f"not packaged (add to [tool.setuptools.package-data]): {missing}"


def asserts_in(folder: Path) -> list[str]:
    """Where the code under `folder` checks something with `assert` (gone under `python -O`)."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(folder.parent)
        found += [f"{where}:{node.lineno}" for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    return found


def test_the_assert_scan_finds_an_assert(tmp_path):
    (tmp_path / "checked.py").write_text("def f(x):\n    assert x is not None\n    return x\n")
    assert len(asserts_in(tmp_path)) == 1


@pytest.mark.parametrize("package", PACKAGES)
def test_no_check_is_an_assert(package):
    """A check that `python -O` would drop is no check: production code raises instead."""
    assert asserts_in(ROOT / package) == []


def _imports_the_store(path: Path) -> bool:
    """Whether a module imports scheduler.store or a module in it, however it is spelt."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        if any(name == "scheduler.store" or name.startswith("scheduler.store.") for name in names):
            return True
    return False


def test_the_edge_reads_the_kept_year_only_through_the_operations(tmp_path):
    """No module of govcal outside govcal/operations imports scheduler.store (issue 25): a face
    asks an operation, which decides what a reader may see and hands out values, not rows."""
    spellings = [
        "import scheduler.store",
        "import scheduler.store.tables as t",
        "from scheduler import store",
        "from scheduler.store import Store",
        "from scheduler.store.database import stored_instant",
        "if TYPE_CHECKING:\n    from scheduler.store.plans import FeedMeeting",
    ]
    for n, line in enumerate([*spellings, "import scheduler.storey\nfrom scheduler import planner"]):
        (tmp_path / f"m{n}.py").write_text(line + "\n")
    seen = [_imports_the_store(tmp_path / f"m{n}.py") for n in range(len(spellings) + 1)]
    assert seen == [True] * len(spellings) + [False]  # the scan sees every spelling, and no near miss

    edge = [path for path in (ROOT / "govcal").rglob("*.py") if "operations" not in path.relative_to(ROOT).parts]
    assert edge
    assert [str(path.relative_to(ROOT)) for path in edge if _imports_the_store(path)] == []
