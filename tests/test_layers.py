"""The layering of the Python code (README, Architecture): datalayer <- services <- api, admin_ui <- server;
workers/ (background processes) stand on services like the faces. Each package may import only the ones
below it; the two faces never import each other, nor the workers them."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"datalayer", "services", "api", "admin_ui", "server", "workers", "scripts", "database", "tests", "bench"}
MAY_IMPORT = {
    "datalayer": set(),
    "services": {"datalayer"},
    "api": {"datalayer", "services"},
    "admin_ui": {"datalayer", "services"},
    "server": {"datalayer", "services", "api", "admin_ui"},
    "workers": {"datalayer", "services"},
}


def imported_packages(path: Path) -> set[str]:
    """Top-level project packages a module imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_the_floors_below_it(package: str) -> None:
    allowed = MAY_IMPORT[package] | {package}
    wrong = {str(p.relative_to(ROOT)): sorted(imported_packages(p) - allowed)
             for p in sorted((ROOT / package).rglob("*.py"))}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_no_module_loads_another_by_name() -> None:
    """importlib hides an import from the layering above (the staff UI was once loaded so)."""
    users = [str(p.relative_to(ROOT)) for package in MAY_IMPORT for p in (ROOT / package).rglob("*.py")
             if "importlib" in p.read_text()]
    assert users == []
