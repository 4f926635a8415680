"""Every third-party module the project imports is pinned in the requirements files.

A package installed by hand into a developer's venv works on that machine and nowhere else: `make test`
on a fresh clone fails at the first import. This reads the imports of every project file (function-local
ones included) and asks which distribution provides each module.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "var", "test-artifacts", "static_collected", ".git"}


def _requirement_names(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name = re.split(r"[=<>\[;! ]", line, maxsplit=1)[0]
        names.add(_normalise(name))
    return names


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _project_python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def test_every_imported_distribution_is_pinned():
    local = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    local |= {p.stem for p in ROOT.glob("*.py")}
    pinned = _requirement_names(ROOT / "requirements.txt") | _requirement_names(ROOT / "requirements-dev.txt")
    providers = packages_distributions()
    missing = {}
    for path in _project_python_files():
        for module in _top_level_imports(path):
            if module in local or module in sys.stdlib_module_names:
                continue
            dists = {_normalise(d) for d in providers.get(module, [])}
            if not dists:
                missing.setdefault(f"{module} (not installed)", []).append(str(path.relative_to(ROOT)))
            elif not dists & pinned:
                missing.setdefault(f"{module} ({', '.join(sorted(dists))})", []).append(
                    str(path.relative_to(ROOT))
                )
    assert not missing, f"imported but not pinned in requirements*.txt: {missing}"


def test_runtime_code_needs_no_development_only_distribution():
    """Code the portal runs in production imports nothing that only requirements-dev.txt installs."""
    runtime = _requirement_names(ROOT / "requirements.txt")
    dev_only = _requirement_names(ROOT / "requirements-dev.txt") - runtime
    providers = packages_distributions()
    offenders = []
    for path in _project_python_files():
        parts = path.relative_to(ROOT).parts
        if parts[0] in {"tests", "bench", "scripts"} or "tests" in parts or parts[-1] == "conftest.py":
            continue
        for module in _top_level_imports(path):
            dists = {_normalise(d) for d in providers.get(module, [])}
            if dists and dists <= dev_only:
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert not offenders, offenders
